"""Template tags for the site chrome: the language switcher and hreflang alternates."""

from typing import NamedTuple

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation

from cms.cache import use_site_root_paths

register = template.Library()


def _page_url_in(page, language_code, request):
    with translation.override(language_code):
        if request is not None:
            use_site_root_paths(request)
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
    if request is not None:
        use_site_root_paths(request)  # the page's own language again, for the page URLs that follow
    return links


@register.simple_tag(takes_context=True)
def site_menu(context):
    """The live pages directly under the site root that editors marked 'show in menus', as title and URL in the
    active language: built once per process, site and language until content changes (cms.cache.remember)."""
    request = context.get("request")
    from wagtail.models import Site

    from cms.cache import remember

    site = Site.find_for_request(request) if request is not None else Site.objects.filter(is_default_site=True).first()
    if site is None:
        return []
    language = translation.get_language()
    return remember(request, ("menu", site.pk, language), lambda: _menu(site, request))


def _menu(site, request):
    pages = site.root_page.get_children().live().in_menu().only(*MENU_COLUMNS)
    return tuple(MenuItem(page.title, page.get_url(request=request)) for page in pages)


class MenuItem(NamedTuple):
    title: str
    url: str


# a menu entry needs its title and URL in both languages (the translated title falls back to Dutch), not the
# whole translated page row
MENU_COLUMNS = ("title", *(f"{field}_{code}" for field in ("title", "url_path") for code, _name in settings.LANGUAGES))
MENU_COLUMNS += ("url_path", "path", "depth")


OG_LOCALES = {"nl": "nl_NL", "en": "en_GB"}


@register.simple_tag(takes_context=True)
def seo_meta(context):
    """Title, description, canonical URL and Open Graph values for the current page or view, in its language."""
    from django.utils.html import strip_tags
    from django.utils.text import Truncator
    from django.utils.translation import gettext

    request = context.get("request")
    page = context.get("page")
    title = context.get("seo_title") or ""
    description = context.get("seo_description") or ""
    if page is not None and hasattr(page, "seo_title"):
        title = page.seo_title or page.title
        description = page.search_description or ""
        if not description:
            intro = getattr(page, "intro", "") or ""
            description = Truncator(strip_tags(str(intro)).strip()).chars(160)
    language = translation.get_language() or settings.LANGUAGE_CODE
    site_name = gettext("Qpido")
    return {
        "title": title or site_name,
        # the home page is called after the site: "Qpido", not "Qpido | Qpido"
        "title_suffix": "" if title == site_name else f" | {site_name}",
        # every page has a description; a page without its own gets the site's
        "description": description or gettext("Qpido helps children and young people grow up sexually safe."),
        "site_name": site_name,
        "og_type": "website",
        "url": request.build_absolute_uri(request.path) if request is not None else "",
        "locale": OG_LOCALES.get(language, language),
        "alternate_locales": [OG_LOCALES.get(code, code) for code, _n in settings.LANGUAGES if code != language],
        "image": context.get("og_image"),
    }


@register.filter
def weekdays(days):
    """['0','1','2','3','4'] → 'Monday to Friday'; ['0','3'] → 'Monday and Thursday' (in the active language)."""
    from django.utils.dates import WEEKDAYS
    from django.utils.text import get_text_list
    from django.utils.translation import gettext

    numbers = sorted(int(d) for d in days or [])
    if not numbers:
        return ""
    names = [str(WEEKDAYS[n]) for n in numbers]
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return gettext("%(first)s to %(last)s") % {"first": names[0], "last": names[-1]}
    return get_text_list(names, gettext("and"))


# The statements linked from every page's footer, by their Dutch slug under the home page (demo content creates
# them; editors change their words like any other page).
FOOTER_SLUGS = ("toegankelijkheid", "privacy")


@register.simple_tag(takes_context=True)
def footer_links(context):
    """The accessibility and privacy statements that exist and are live, as title and URL in the active language;
    built once per process, site and language until content changes (cms.cache.remember)."""
    request = context.get("request")
    from wagtail.models import Site

    from cms.cache import remember

    site = Site.find_for_request(request) if request is not None else Site.objects.filter(is_default_site=True).first()
    if site is None:
        return ()
    language = translation.get_language()
    return remember(request, ("footer-links", site.pk, language), lambda: _footer_links(site, request))


def _footer_links(site, request):
    pages = {page.slug_nl: page for page in site.root_page.get_children().live().filter(slug_nl__in=FOOTER_SLUGS)}
    return tuple(
        MenuItem(pages[slug].title, pages[slug].get_url(request=request)) for slug in FOOTER_SLUGS if slug in pages
    )
