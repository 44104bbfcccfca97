"""Local development: `make run`. Mail goes to files under var/mail and is listed in the console."""

from .base import *  # noqa: F403
from .env import env, env_bool

DEBUG = env_bool("DEBUG", True)
EMAIL_BACKEND = env("EMAIL_BACKEND", "cms.mail.FolderEmailBackend")
