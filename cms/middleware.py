"""Project middleware that is about neither security (cms/security.py) nor the page cache (cms/cache.py)."""

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware without the work whose answer it throws away on this site.

    With ``i18n_patterns(prefix_default_language=False)`` Django activates the language in the path, or else
    LANGUAGE_CODE, for every request: the language cookie and Accept-Language header it parses first are never
    used. This subclass goes straight to that answer and reads the path's language once instead of twice; the
    response gets the same Vary and Content-Language headers. With any other URL configuration it is Django's
    middleware unchanged."""

    def process_request(self, request):
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        i18n_patterns_used, prefixed_default_language = is_language_prefix_patterns_used(urlconf)
        if not i18n_patterns_used or prefixed_default_language:
            return super().process_request(request)
        language_from_path = translation.get_language_from_path(request.path_info)
        request._language_from_path = language_from_path
        translation.activate(language_from_path or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(self, request, response):
        try:
            language_from_path = request._language_from_path
        except AttributeError:
            return super().process_response(request, response)
        if not language_from_path:
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
