"""Strings shown in the admin by packages that ship no Dutch translation for them.

wagtail-modeltranslation has no catalogues at all; its locale picker says "View / edit fields for". Wagtail's
Dutch catalogue keeps "Editor Guide" (the help menu) in English. Listed here
(marked, not translated at import) so `make messages` keeps them in the project catalogue in locale/, which
Django reads before any package's own.
"""

from django.utils.translation import gettext_noop

STRINGS = (gettext_noop("View / edit fields for"), gettext_noop("Editor Guide"))
