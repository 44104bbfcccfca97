"""The pages visitors read, by family: lessons, trainings, campaigns, help links and the standard pages (home,
content, contact), plus the snippets and settings they share. Every text is translated through modeltranslation
(see translation.py); Dutch is required.

Import from here (`from home.models import LessonPage`); the modules below are how the code is kept, not an API.
"""

from .base import ONLINE_RULE_FEATURES, BilingualPreviewMixin, tabs
from .campaigns import CampaignIndexPage, CampaignPage
from .help import HelpLinksPage
from .lessons import YEAR_WORD, LessonAudience, LessonIndexPage, LessonPage, SchoolType
from .pages import ContactPage, ContentPage, HomeFeaturedPage, HomePage
from .site_settings import SiteSettings
from .snippets import HelpLink, Theme
from .trainings import TrainingAgendaStep, TrainingAudience, TrainingIndexPage, TrainingPage

__all__ = [
    "ONLINE_RULE_FEATURES",
    "YEAR_WORD",
    "BilingualPreviewMixin",
    "CampaignIndexPage",
    "CampaignPage",
    "ContactPage",
    "ContentPage",
    "HelpLink",
    "HelpLinksPage",
    "HomeFeaturedPage",
    "HomePage",
    "LessonAudience",
    "LessonIndexPage",
    "LessonPage",
    "SchoolType",
    "SiteSettings",
    "Theme",
    "TrainingAgendaStep",
    "TrainingAudience",
    "TrainingIndexPage",
    "TrainingPage",
    "tabs",
]
