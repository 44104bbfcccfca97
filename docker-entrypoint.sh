#!/bin/sh
# Production container entry: migrate and (optionally) load demo content on the web service, then run the command.
set -e
if [ "${DJANGO_MIGRATE:-off}" = "on" ]; then
  python manage.py migrate --noinput
fi
if [ "${DJANGO_LOAD_INITIAL_DATA:-off}" = "on" ]; then
  python manage.py load_initial_data
fi
exec "$@"
