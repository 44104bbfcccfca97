"""WSGI entry for benchmarks. With gunicorn --preload the app, URLconf and templates are warmed in the master
process once, so every forked worker starts warm (measuring steady state, not first-request imports)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
application = get_wsgi_application()


def _warm():
    from django.db import connections
    from django.test import Client

    client = Client()
    for path in ("/bench/bare/", "/", "/en/"):
        client.get(path)
    connections.close_all()


_warm()
