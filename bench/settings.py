"""Settings for benchmarks: production-like (DEBUG off, templates cached), on their own PostgreSQL database."""

import os

from cms.settings.base import *  # noqa: F403
from cms.settings.env import env

SECRET_KEY = "bench-only-secret-key-not-for-production-use-0123456789"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.urls"
DATABASES = {
    "default": dj_database_url.parse(  # noqa: F405
        env("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qpido_bench"), conn_max_age=600
    )
}
if "django.contrib.postgres" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS.append("django.contrib.postgres")  # noqa: F405
BENCH_REDIS_URL = env("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": BENCH_REDIS_URL}}
CELERY_BROKER_URL = BENCH_REDIS_URL
CELERY_RESULT_BACKEND = BENCH_REDIS_URL
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# The bench Redis is shared by every bench run on this machine: each bench database has its own task queue and
# cache keys there, so a run never hands its outbox ids to another run's worker (which would send that database's
# rows with those ids) nor waits for another run's hand-over.
BENCH_NAME = DATABASES["default"]["NAME"]
CELERY_TASK_DEFAULT_QUEUE = f"bench-{BENCH_NAME}"
CACHES["default"]["KEY_PREFIX"] = BENCH_NAME
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ.get("BENCH_SMTP_PORT", "2640"))
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "bench-media"  # noqa: F405
RATELIMIT_ENABLE = False  # the contention benchmark sends 200 POSTs from one address
