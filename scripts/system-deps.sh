#!/usr/bin/env bash
# Installs the few Debian packages the project needs beyond Python, when they are missing and we may.
# gettext: extracting and checking translations. CHROMIUM=1 also installs Debian's chromium for browser tests.
set -u
need=()
command -v xgettext >/dev/null 2>&1 || need+=(gettext)
if [ "${CHROMIUM:-0}" = "1" ] && ! command -v chromium >/dev/null 2>&1; then need+=(chromium); fi
# BENCH=1: wrk, the load generator of `make bench` (the benchmarks fall back to Python threads without it).
if [ "${BENCH:-0}" = "1" ] && ! command -v wrk >/dev/null 2>&1; then need+=(wrk); fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "note: please install these packages for the full suite: ${need[*]} (e.g. sudo apt-get install ${need[*]})"
fi
exit 0
