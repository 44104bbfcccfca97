"""WSGI entry for benchmarks. With gunicorn --preload the app, URLconf and templates are warmed in the master
process once, so every forked worker starts warm (measuring steady state, not first-request imports)."""

import gc
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
    # the first publish to the broker in a process costs ~90 ms of CPU (kombu's connection and message
    # machinery): the request that opens a rush publishes its decide run; measure it warm, as the pages
    from workshops.tasks import decide_pending

    try:
        decide_pending.apply_async(args=[0])  # no session 0: the run decides nothing
    except Exception:  # noqa: BLE001  (no broker: the benchmark says so itself)
        pass
    connections.close_all()


_warm()
gc.freeze()  # as cms/wsgi.py: what start-up loaded is never scanned by the collector again
