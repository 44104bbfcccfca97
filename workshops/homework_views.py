"""Tracked homework links: record that a participant opened the podcast or background reading, then redirect."""

from django.http import Http404


def open_homework(request, token, kind):
    """Built by the event engine issue (homework tracking)."""
    raise Http404
