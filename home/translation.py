"""modeltranslation registrations: every page type is registered, Dutch is required, English falls back."""

from modeltranslation.decorators import register
from modeltranslation.translator import TranslationOptions

from .models import ContentPage, HomePage, LessonPage, TrainingPage


@register(HomePage)
class HomePageTR(TranslationOptions):
    fields = ("intro",)
    required_languages = ("nl",)


@register(ContentPage)
class ContentPageTR(TranslationOptions):
    fields = ("intro", "body")
    required_languages = ("nl",)


@register(LessonPage)
class LessonPageTR(TranslationOptions):
    fields = ("intro",)
    required_languages = ("nl",)


@register(TrainingPage)
class TrainingPageTR(TranslationOptions):
    fields = ("intro",)
    required_languages = ("nl",)
