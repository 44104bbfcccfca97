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
    # machinery): a registration hands its mail to the worker after commit; measure it warm, as the pages
    from celery import current_app

    try:
        current_app.send_task("events.hand_over")  # hands over nothing that is not due anyway
    except Exception:  # noqa: BLE001  (no broker: the benchmark says so itself)
        pass
    connections.close_all()


_warm()
from cms.cache import PageCacheApplication  # noqa: E402  (as cms/wsgi.py: cached pages answered in front of Django)

application = PageCacheApplication(application)
gc.freeze()  # as cms/wsgi.py: what start-up loaded is never scanned by the collector again
