"""The evaluation form reached from the personal link (built by the evaluation issue)."""

from django.http import Http404


def answer(request, token):
    raise Http404
