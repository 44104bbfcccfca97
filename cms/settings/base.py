"""Settings shared by every environment. Everything that differs between machines comes from the environment."""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .env import env, env_bool, env_float, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = (BASE_DIR / env("VAR_DIR", "var")).resolve()  # a relative VAR_DIR is taken from the checkout

SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        # connections stay open between requests (every mode; production most of all), checked before reuse
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
USING_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if not USING_POSTGRES:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # SQLite cannot create its folder

REDIS_URL = env("REDIS_URL")

INSTALLED_APPS = [
    # cms first: its `migrate` wraps wagtail-modeltranslation's. modeltranslation precedes the apps it translates.
    "cms",
    "wagtail_modeltranslation",
    "wagtail_modeltranslation.makemigrations",
    "wagtail_modeltranslation.migrate",
    "home",
    "events",
    "workshops",
    "evaluations",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
if USING_POSTGRES:
    INSTALLED_APPS.append("django.contrib.postgres")

MIDDLEWARE = [
    # First: a cached anonymous page is answered, with the headers the whole stack gave it, before the rest runs.
    "cms.cache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "cms.security.ContentSecurityPolicyMiddleware",
    "cms.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cms.middleware.LocaleMiddleware",  # Django's, minus the work it throws away with our i18n_patterns
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "cms.security.RateLimitMiddleware",
    "cms.security.RejectNulBytesMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages ---------------------------------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Amsterdam"

MODELTRANSLATION_DEFAULT_LANGUAGE = "nl"
MODELTRANSLATION_LANGUAGES = ("nl", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("nl",)
WAGTAILMODELTRANSLATION_TRANSLATE_SLUGS = True
WAGTAILMODELTRANSLATION_LOCALE_PICKER = True

# --- Static and media --------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
# Uploaded images and documents ("media") load in every mode, with DEBUG on or off:
# * one machine (`make run`): files under MEDIA_ROOT, served by Django itself (SERVE_MEDIA, on in cms.settings.dev);
# * the compose production shape: files on a volume, served by nginx in front of the web containers (docker/);
# * several web hosts: an S3-compatible bucket through django-storages (MEDIA_S3_BUCKET and friends); the pages
#   then link to the bucket's (or MEDIA_S3_CUSTOM_DOMAIN's) URLs, and the CSP allows that origin for images.
MEDIA_URL = env("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
MEDIA_S3_BUCKET = env("MEDIA_S3_BUCKET")
MEDIA_S3_ENDPOINT_URL = env("MEDIA_S3_ENDPOINT_URL")  # e.g. https://s3.eu-central-1.example.com; empty: AWS
MEDIA_S3_CUSTOM_DOMAIN = env("MEDIA_S3_CUSTOM_DOMAIN")  # a CDN or public host name for the bucket, if any
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
if MEDIA_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": MEDIA_S3_ENDPOINT_URL,
            "region_name": env("MEDIA_S3_REGION"),
            "access_key": env("MEDIA_S3_ACCESS_KEY_ID"),
            "secret_key": env("MEDIA_S3_SECRET_ACCESS_KEY"),
            "custom_domain": MEDIA_S3_CUSTOM_DOMAIN,
            "addressing_style": env("MEDIA_S3_ADDRESSING_STYLE", "path" if MEDIA_S3_ENDPOINT_URL else None),
            "querystring_auth": env_bool("MEDIA_S3_SIGNED_URLS", False),  # off: the bucket serves media publicly
            "file_overwrite": False,
            "default_acl": None,
        },
    }


def media_origin() -> str | None:
    """Where media is fetched from when it is not this site (the S3 bucket), for the CSP; None for local media."""
    if not MEDIA_S3_BUCKET:
        return None
    if MEDIA_S3_CUSTOM_DOMAIN:
        return f"https://{MEDIA_S3_CUSTOM_DOMAIN}"
    if MEDIA_S3_ENDPOINT_URL:
        scheme, _sep, rest = MEDIA_S3_ENDPOINT_URL.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}"
    return "https://*.amazonaws.com"


DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Wagtail -----------------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Qpido"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False  # one page tree; languages live in modeltranslation fields
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "pptx", "odt", "txt"]
SITE_BASE_URL = env("SITE_BASE_URL", WAGTAILADMIN_BASE_URL)

# --- Cache -------------------------------------------------------------------------------------------------
# Redis is a cache, never a single point of failure: django-redis with IGNORE_EXCEPTIONS turns an unreachable
# server into cache misses (pages render uncached, rate limits fail open), and short socket timeouts keep a
# request from hanging on a server that does not answer. Ignored errors are logged as one warning a minute
# (cms.cache.OncePerInterval). Without Redis (`make run`), a file cache under var/ is shared by all processes of
# the machine, so rate limits count per client, not per process.
CACHE_SOCKET_TIMEOUT = float(env("CACHE_SOCKET_TIMEOUT", "0.5"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": CACHE_SOCKET_TIMEOUT,
                "SOCKET_TIMEOUT": CACHE_SOCKET_TIMEOUT,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 10000},
        }
    }
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "cms.cache.unavailable"

# Anonymous page views are cached per language and path; any content change empties the cache (cms/cache.py).
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
PAGE_CACHE_ALIAS = "default"
# Each process keeps copies of the pages it served lately (this many bytes at most), so a hit reads only the
# generation from the cache server.
PAGE_CACHE_LOCAL_BYTES = env_int("PAGE_CACHE_LOCAL_BYTES", 32 * 1024 * 1024)

# --- Mail --------------------------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Qpido <no-reply@qpido.nl>")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# The Date header in the organisation's time zone (+0100/+0200), not "-0000" (time zone unknown).
EMAIL_USE_LOCALTIME = True
MAIL_FOLDER = Path(env("MAIL_FOLDER", str(VAR_DIR / "mail")))
# Mail rules, the organisation name and a training's mail texts are cached this long; saving them forgets at once.
MAIL_SETTINGS_CACHE_SECONDS = env_int("MAIL_SETTINGS_CACHE_SECONDS", 60)
# Within this many seconds of handing mail to the worker, new mail waits for one collective hand-over (bursts).
OUTBOX_HAND_OVER_WINDOW = env_int("OUTBOX_HAND_OVER_WINDOW", 1)

# --- Celery ------------------------------------------------------------------------------------------------
# With REDIS_URL the broker is Redis; without it an embedded filesystem broker under var/ needs no server.
CELERY_BROKER_FOLDER = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
    CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", REDIS_URL)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": env_float("CELERY_BROKER_CONNECT_TIMEOUT", 1.0),
    }
    # The result backend (used by `send_test_mail` only) gives up as fast when Redis is unreachable.
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = env_float("CELERY_BROKER_CONNECT_TIMEOUT", 1.0)
    CELERY_REDIS_BACKEND_HEALTH_CHECK_INTERVAL = 30
else:
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", "filesystem://localhost//")
    CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", f"file://{CELERY_BROKER_FOLDER / 'results'}")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),  # kombu's default is ./control in the working dir
        "store_processed": False,
    }
# Publishing never keeps a visitor waiting on a broker that is down: one quick retry, then the outbox row stays
# queued and the sweep (beat) hands it over once the broker is back (events/services/outbox.py).
CELERY_BROKER_CONNECTION_TIMEOUT = env_float("CELERY_BROKER_CONNECT_TIMEOUT", 1.0)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    # The event engine: timed mail comes from this minute tick reading the database (no long ETAs on Redis);
    # the sweep re-queues mail stuck in "sending" or whose message went missing.
    "events-tick": {"task": "events.tick", "schedule": 60},
    "events-sweep": {"task": "events.sweep", "schedule": 5 * 60},
    "events-purge-outbox": {"task": "events.purge_outbox", "schedule": 60 * 60 * 24},
    # Anonymise personal data PURGE_PERSONAL_DATA_AFTER_DAYS after each session (workshops/purge.py), nightly.
    "purge-personal-data": {"task": "workshops.purge_personal_data", "schedule": 60 * 60 * 24},
}
CELERY_IMPORTS = ["workshops.purge"]
PURGE_PERSONAL_DATA_AFTER_DAYS = env_int("PURGE_PERSONAL_DATA_AFTER_DAYS", 90)
# How long the personal links in mail stay valid, in seconds (workshops/tokens.py).
TOKEN_MAX_AGE_MANAGE = env_int("TOKEN_MAX_AGE_MANAGE", 60 * 60 * 24 * 365)
TOKEN_MAX_AGE_HOMEWORK = env_int("TOKEN_MAX_AGE_HOMEWORK", 60 * 60 * 24 * 365)
TOKEN_MAX_AGE_EVALUATION = env_int("TOKEN_MAX_AGE_EVALUATION", 60 * 60 * 24 * 180)
TOKEN_MAX_AGE_SCHOOL = env_int("TOKEN_MAX_AGE_SCHOOL", 60 * 60 * 24 * 60)
# Days after a session's end during which its evaluation form takes answers (evaluations/services/evaluation.py).
EVALUATION_OPEN_DAYS = env_int("EVALUATION_OPEN_DAYS", 14)
# Evaluation reports show figures, success factors and written answers only for groups of at least this many answers
# (a session, a training, any filtered part); smaller groups count toward the training's total (k-anonymity).
EVALUATION_MIN_GROUP_SIZE = env_int("EVALUATION_MIN_GROUP_SIZE", 5)
# Timed mail whose moment passed unsent (the beat was down, a session's end was edited into the past) still goes
# out this many days later, once (events/services/schedule.py).
MAIL_CATCH_UP_DAYS = env_int("MAIL_CATCH_UP_DAYS", EVALUATION_OPEN_DAYS)
# Minutes between the tick's looks at that whole horizon; in between it looks only at the moments that just passed
# (a change of a session's time through the admin makes the next tick look at once).
MAIL_FULL_SCAN_MINUTES = env_int("MAIL_FULL_SCAN_MINUTES", 10)
# Hours after a session's end that its live team board stays open (evaluations/board/services.py).
TEAM_BOARD_CLOSE_HOURS = env_int("TEAM_BOARD_CLOSE_HOURS", 4)
# The password of the demo accounts (editor, coordinator, trainer) that load_initial_data creates. Empty: each account
# gets a random one, printed once when it is created; `make run` and the tests use the documented demo password.
DEMO_PASSWORD = env("DEMO_PASSWORD", "")
# Seconds a registration waits for its session's booking lock (PostgreSQL lock_timeout) before the visitor is asked
# to send the form again (workshops/services/booking.py).
BOOKING_LOCK_TIMEOUT = env_float("BOOKING_LOCK_TIMEOUT", 5.0)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The worker and the beat wait for the broker as long as it is away (Celery's default gives up after 100 tries,
# about 45 minutes, and the process exits): when Redis is back, mail moves again without anyone restarting them.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None

# --- Security: CSP, cookies, rate limits (cms/security.py) -------------------------------------------------
# The public site runs no inline script or style; the Wagtail admin needs inline styles and scripts, so
# CONTENT_SECURITY_POLICY_ADMIN replaces those directives under ADMIN_PATH_PREFIXES only.
ADMIN_PATH_PREFIXES = ("/admin/", "/django-admin/")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *filter(None, [media_origin()])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "frame-src": [
            "'self'",
            "https://www.youtube-nocookie.com",
            "https://www.youtube.com",
            "https://player.vimeo.com",
        ],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
CONTENT_SECURITY_POLICY_ADMIN = {
    "script-src": ["'self'", "'unsafe-inline'"],  # Wagtail and wagtail-modeltranslation write inline scripts
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:", "https:"],
    "frame-ancestors": ["'self'"],
}
# The admin calls no outside service: no Gravatar (it would send a hash of each editor's e-mail address) and no
# release check.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)
CSRF_COOKIE_SAMESITE = "Lax"
# django-ratelimit on the default cache (Redis in production). Rates are "count/period"; see RateLimitMiddleware.
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = True  # an unreachable cache lets the request through (cms.security logs a warning)
RATELIMIT_IP_META_KEY = "cms.security.client_ip"
RATELIMIT_VIEW = "cms.security.too_many_requests"
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
RATELIMIT_PUBLIC_POST = env_list("RATELIMIT_PUBLIC_POST", "30/m,300/h")
RATELIMIT_LOGIN_FAILURES_IP = env("RATELIMIT_LOGIN_FAILURES_IP", "20/15m")
RATELIMIT_LOGIN_FAILURES_USER = env("RATELIMIT_LOGIN_FAILURES_USER", "5/15m")
RATELIMIT_PASSWORD_RESET = env("RATELIMIT_PASSWORD_RESET", "5/h")

# --- Logging: ids only, never personal data ----------------------------------------------------------------
LOGGING_CONFIG = "cms.security.configure_logging"  # redacts e-mail addresses in every record
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {
        "once_a_minute": {"()": "cms.cache.OncePerInterval", "seconds": 60},
        "no_query_strings": {"()": "cms.security.StripQueryStringsFilter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        # An unreachable cache server: one warning a minute per process, not a traceback per cache call.
        "cms.cache.unavailable": {"filters": ["once_a_minute"]},
        # runserver's request lines, without query strings (admin search terms); gunicorn: cms/gunicorn_conf.py
        "django.server": {
            "handlers": ["console"],
            "filters": ["no_query_strings"],
            "level": "INFO",
            "propagate": False,
        },
    },
}
