"""modeltranslation registrations of the evaluations app: the suggestion sets are edited in Dutch and English."""

from modeltranslation.decorators import register
from modeltranslation.translator import TranslationOptions

from .board_models import SuggestionItem, SuggestionSet


@register(SuggestionSet)
class SuggestionSetTR(TranslationOptions):
    fields = ("name",)
    required_languages = ("nl",)


@register(SuggestionItem)
class SuggestionItemTR(TranslationOptions):
    fields = ("text", "group")
    required_languages = {"nl": ("text",)}
