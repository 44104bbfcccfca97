"""Public views of the workshops app: registration, the personal manage page, school requests (issue 4)."""

from django.http import Http404


def manage(request, token):
    """The personal manage page (see details, .ics, homework, cancel). Built by the workshops issue."""
    raise Http404
