import re

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import Http404
from django.urls import include, path, re_path
from django.utils.translation import pgettext_lazy
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import views

# A body or URL we cannot read gets the translated 400 page, rendered with the request (cms/security.py).
handler400 = "cms.security.bad_request"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("home.seo_urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()


def media(request, path):
    """Uploaded images and documents from MEDIA_ROOT where no web server in front does it (`make run`, with DEBUG
    on or off: SERVE_MEDIA); elsewhere nginx or the S3 bucket serves them and this answers 404."""
    if not settings.SERVE_MEDIA:
        raise Http404
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.MEDIA_URL.startswith("/"):
    urlpatterns.append(re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$", media, name="media"))

urlpatterns += i18n_patterns(
    path(pgettext_lazy("URL path", "browse-safely/"), views.browse_safely, name="browse_safely"),
    path("", include("home.urls")),
    path("", include("workshops.urls")),
    path("", include("evaluations.urls")),
    path("", include("events.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
