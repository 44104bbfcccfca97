"""Settings for pytest. PostgreSQL when DATABASE_URL is set, otherwise SQLite."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

SECRET_KEY = "test-secret-key-not-for-production"
DEBUG = False
DEMO_PASSWORD = "qpido-demo-2026"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A worker subprocess in an integration test sends to a local SMTP sink: TEST_EMAIL_BACKEND=...smtp.EmailBackend.
EMAIL_BACKEND = os.environ.get("TEST_EMAIL_BACKEND") or "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "test-media"
STATIC_ROOT = VAR_DIR / "test-static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
SITE_BASE_URL = "http://testserver"

# Tests talk to the real Redis (integration tests skip, or fail under CI=true, when it is absent).
from .env import env, env_bool  # noqa: E402

TEST_REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:6379/0")
if not env("REDIS_URL"):  # each test process its own cache (make run's file cache is shared between processes)
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BROKER_URL = TEST_REDIS_URL
CELERY_RESULT_BACKEND = TEST_REDIS_URL
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_MAX_RETRIES = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "test-celerybeat-schedule")

# The page cache is switched on only by the tests that exercise it (tests/test_page_cache.py, and the server
# processes that tests/integration/test_redis_outage.py starts with PAGE_CACHE_ENABLED=1).
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", False)

# Rate limits count per client address in the shared cache; tests of them switch them on (tests/test_security_*;
# server processes started by a test with RATELIMIT_ENABLE=1).
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", False)

# Mail reads the organisation name from the site settings afresh in every test.
MAIL_SETTINGS_CACHE_SECONDS = 0
# Every trigger hands its mail to the worker at once; tests/test_outbox_burst.py switches the burst window on.
OUTBOX_HAND_OVER_WINDOW = 0
