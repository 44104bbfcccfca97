"""gunicorn settings for every production-shaped run (Procfile, Dockerfile, docker-compose.yml):
`gunicorn -c python:cms.gunicorn_conf cms.wsgi:application`.

The access log carries the path without its query string and no Referer: admin searches (`?q=<a name>`) and
filters never reach a log line.
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
# host, time, "METHOD /path PROTOCOL", status, bytes, duration in seconds: %(U)s is the path without the query.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(L)s'
