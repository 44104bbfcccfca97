"""Admin wiring of the workshops app: the coordinator's screens and the evaluation reports."""

from . import admin_views, evaluation_admin  # noqa: F401
