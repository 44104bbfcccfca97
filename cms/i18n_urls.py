"""Translated URL patterns and permanent redirects from the paths they replace.

Public paths are written in English and translated in the catalogues (`pgettext_lazy("URL path", …)`), so the
Dutch site keeps its Dutch paths and /en/ gets English ones. Until this was done /en/ used the Dutch paths, and
links to them went out in mails: `old_path` keeps those links working with a permanent redirect to the path of
the active language.
"""

from __future__ import annotations

from django.http import HttpResponsePermanentRedirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme


class HttpResponsePermanentRedirectKeepMethod(HttpResponsePermanentRedirect):
    """308: like 301, but a form posted to the old path is posted again to the new one."""

    status_code = 308


def redirect_to(url_name: str):
    """A view that sends the request to `url_name` in the active language, with the same arguments and query."""

    def view(request, **kwargs):
        target = reverse(url_name, kwargs=kwargs)
        if request.META.get("QUERY_STRING"):
            target += "?" + request.META["QUERY_STRING"]
        if not url_has_allowed_host_and_scheme(target, allowed_hosts=None):  # a path, never another site
            target = "/"
        if request.method in ("GET", "HEAD"):
            return HttpResponsePermanentRedirect(target)
        return HttpResponsePermanentRedirectKeepMethod(target)

    view.__name__ = f"old_path_to_{url_name.replace(':', '_')}"
    return view


def old_path(route: str, url_name: str):
    """The pattern of a path that moved: `route` (as it was, untranslated) redirects to `url_name`."""
    return path(route, redirect_to(url_name))
