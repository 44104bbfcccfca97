"""Admin wiring of the workshops app: the coordinator's screens (sessions, participants, school requests)."""

from . import admin_views  # noqa: F401
