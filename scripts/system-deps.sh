#!/usr/bin/env bash
# Installs the few Debian packages the project needs beyond Python, when they are missing and we may.
# gettext: extracting and checking translations. CHROMIUM=1 also installs Debian's chromium for browser tests.
set -u
need=()
command -v xgettext >/dev/null 2>&1 || need+=(gettext)
if [ "${CHROMIUM:-0}" = "1" ] && ! command -v chromium >/dev/null 2>&1; then need+=(chromium); fi
# BENCH=1: wrk, the load generator of `make bench` (the benchmarks fall back to Python threads without it).
if [ "${BENCH:-0}" = "1" ] && ! command -v wrk >/dev/null 2>&1; then need+=(wrk); fi
# VNU=1 (always under CI=true): Java and npm for the Nu Html Checker that tests/test_html_validity.py runs; vnu.jar
# itself comes from npm at the version package-lock.json pins, into node_modules/ (see below).
vnu=0
if [ "${VNU:-0}" = "1" ] || [ "${CI:-}" = "true" ]; then vnu=1; fi
if [ $vnu = 1 ]; then
  command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
  command -v npm >/dev/null 2>&1 || need+=(npm)
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian packages: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "note: please install these packages for the full suite: ${need[*]} (e.g. sudo apt-get install ${need[*]})"
  fi
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ $vnu = 1 ] && [ ! -f "$root/node_modules/vnu-jar/build/dist/vnu.jar" ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "installing the Nu Html Checker (vnu-jar from package-lock.json) into node_modules/"
    (cd "$root" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
  else
    echo "note: npm is missing, so the HTML check is skipped (install npm, then run: npm ci --ignore-scripts)"
  fi
fi
exit 0
