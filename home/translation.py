"""modeltranslation registrations: every page type is registered, Dutch is required, English falls back."""

from modeltranslation.decorators import register
from modeltranslation.translator import TranslationOptions

from .models import (
    CampaignIndexPage,
    CampaignPage,
    ContactPage,
    ContentPage,
    HelpLink,
    HelpLinksPage,
    HomePage,
    LessonIndexPage,
    LessonPage,
    SiteSettings,
    Theme,
    TrainingAgendaStep,
    TrainingIndexPage,
    TrainingPage,
)


class Dutch(TranslationOptions):
    required_languages = ("nl",)


@register(HomePage)
class HomePageTR(Dutch):
    fields = ("intro", "help_teaser")


@register(ContentPage)
class ContentPageTR(Dutch):
    fields = ("intro", "body", "sections")


@register(ContactPage)
class ContactPageTR(Dutch):
    fields = ("intro", "body")


@register(LessonIndexPage)
class LessonIndexPageTR(Dutch):
    fields = ("intro",)


@register(LessonPage)
class LessonPageTR(Dutch):
    fields = ("intro", "learning_goals", "body")


@register(TrainingIndexPage)
class TrainingIndexPageTR(Dutch):
    fields = ("intro",)


@register(TrainingPage)
class TrainingPageTR(Dutch):
    fields = ("intro", "goals", "body", "podcast_title", "online_rules")


@register(CampaignIndexPage)
class CampaignIndexPageTR(Dutch):
    fields = ("intro",)


@register(CampaignPage)
class CampaignPageTR(Dutch):
    fields = ("intro", "body")


@register(HelpLinksPage)
class HelpLinksPageTR(Dutch):
    fields = ("intro",)


@register(Theme)
class ThemeTR(Dutch):
    fields = ("name", "description")


@register(HelpLink)
class HelpLinkTR(Dutch):
    fields = ("description", "hours")
    required_languages = {"nl": ("description",)}


@register(SiteSettings)
class SiteSettingsTR(Dutch):
    fields = ("chat_intro", "consult_intro")
    required_languages: tuple = ()


@register(TrainingAgendaStep)
class TrainingAgendaStepTR(Dutch):
    fields = ("title", "description")
    required_languages = {"nl": ("title",)}
