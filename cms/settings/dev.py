"""Local development: `make run`. Mail goes to files under var/mail and is listed in the console."""

from .base import *  # noqa: F403
from .env import env, env_bool

DEBUG = env_bool("DEBUG", True)
DEMO_PASSWORD = env("DEMO_PASSWORD", "qpido-demo-2026")  # the demo accounts' password on a developer's machine
EMAIL_BACKEND = env("EMAIL_BACKEND", "cms.mail.FolderEmailBackend")
# `make run` has no web server in front: Django serves uploaded media itself, and whitenoise the static files
# straight from the apps, so images and styles load with DEBUG on or off (DEBUG=off make run).
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
WHITENOISE_USE_FINDERS = True
