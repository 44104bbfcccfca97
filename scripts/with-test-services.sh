#!/usr/bin/env bash
# `make test` runs its pytest through this script: the tests use the local PostgreSQL and Redis when they answer
# (the same URLs CI uses), so a newcomer's run includes the concurrency and worker tests. When a service does not
# answer, one line says what the run falls back to. A DATABASE_URL or REDIS_URL already set is used as it is.
#   usage: scripts/with-test-services.sh <command> [args...]
set -u
PY="${PY:-.venv/bin/python}"
DEFAULT_DATABASE_URL="postgres://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL="redis://127.0.0.1:6379/0"

answers() {  # answers postgres|redis URL: exit 0 when the server accepts a connection within 2 seconds
  "$PY" - "$1" "$2" <<'EOF' >/dev/null 2>&1
import sys

kind, url = sys.argv[1], sys.argv[2]
if kind == "postgres":
    import psycopg

    # the server's maintenance database: the test database itself is created by the test run
    base, _, _name = url.rpartition("/")
    psycopg.connect(f"{base}/postgres", connect_timeout=2).close()
else:
    import redis

    redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
EOF
}

if [ -z "${DATABASE_URL:-}" ]; then
  if answers postgres "$DEFAULT_DATABASE_URL"; then
    export DATABASE_URL="$DEFAULT_DATABASE_URL"
    echo "make test: PostgreSQL answers at $DEFAULT_DATABASE_URL; the tests use it (set DATABASE_URL to choose another)"
  else
    echo "make test: notice: no PostgreSQL at $DEFAULT_DATABASE_URL, falling back to SQLite (the concurrency tests skip; set DATABASE_URL=postgres://... to run them)"
  fi
fi
if [ -z "${REDIS_URL:-}" ]; then
  if answers redis "$DEFAULT_REDIS_URL"; then
    export REDIS_URL="$DEFAULT_REDIS_URL"
    echo "make test: Redis answers at $DEFAULT_REDIS_URL; the tests use it (set REDIS_URL to choose another)"
  else
    echo "make test: notice: no Redis at $DEFAULT_REDIS_URL, falling back to the local-memory cache (the worker tests skip; set REDIS_URL=redis://... to run them)"
  fi
fi
exec "$@"
