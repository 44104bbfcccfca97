"""Template tags for the site chrome: the language switcher and hreflang alternates."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation

register = template.Library()


def _page_url_in(page, language_code, request):
    with translation.override(language_code):
        url = page.specific.get_url(request=request)
    return url


@register.simple_tag(takes_context=True)
def language_links(context):
    """One entry per language: code, name, URL of the same page in that language, and whether it is current."""
    request = context.get("request")
    page = context.get("page") or context.get("self")
    current = translation.get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        if page is not None and hasattr(page, "get_url"):
            url = _page_url_in(page, code, request)
        elif request is not None:
            url = translate_url(request.get_full_path(), code)
        else:
            url = "/"
        absolute = request.build_absolute_uri(url) if request is not None and url else url
        links.append(
            {
                "code": code,
                "name": translation.get_language_info(code)["name_local"],
                "url": url,
                "absolute_url": absolute,
                "current": code == current,
            }
        )
    return links


@register.simple_tag(takes_context=True)
def site_menu(context):
    """The live pages directly under the site root that editors marked 'show in menus'."""
    request = context.get("request")
    from wagtail.models import Site

    site = Site.find_for_request(request) if request is not None else Site.objects.filter(is_default_site=True).first()
    if site is None:
        return []
    return list(site.root_page.get_children().live().in_menu().specific())
