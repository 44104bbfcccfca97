"""StreamField blocks shared by lessons, trainings, campaigns and content pages."""

import re

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

YOUTUBE_ID = re.compile(r"(?:youtu\.be/|youtube(?:-nocookie)?\.com/(?:watch\?(?:.*&)?v=|embed/|shorts/))([\w-]{11})")
VIMEO_ID = re.compile(r"vimeo\.com/(?:video/)?(\d+)")


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt_text = blocks.CharBlock(
        label=_("alternative text"),
        required=False,
        help_text=_("What the image shows, for people who cannot see it. Leave empty if it is only decoration."),
    )
    caption = blocks.CharBlock(label=_("caption"), required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "home/blocks/image.html"


class VideoValue(blocks.StructValue):
    def embed_url(self):
        """A privacy-friendly player URL for YouTube or Vimeo links; None for other sites (shown as a link)."""
        url = self.get("url") or ""
        match = YOUTUBE_ID.search(url)
        if match:
            return f"https://www.youtube-nocookie.com/embed/{match.group(1)}"
        match = VIMEO_ID.search(url)
        if match:
            return f"https://player.vimeo.com/video/{match.group(1)}?dnt=1"
        return None


class VideoBlock(blocks.StructBlock):
    url = blocks.URLBlock(label=_("video link"), help_text=_("A YouTube or Vimeo link, e.g. https://youtu.be/…"))
    title = blocks.CharBlock(label=_("title"), help_text=_("Read out by screen readers and shown under the video."))
    caption = blocks.TextBlock(label=_("caption"), required=False)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "home/blocks/video.html"
        value_class = VideoValue


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("quote"))
    attribution = blocks.CharBlock(label=_("who said it"), required=False)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "home/blocks/quote.html"


class DefinitionBlock(blocks.StructBlock):
    term = blocks.CharBlock(label=_("term"), help_text=_("E.g. Grooming"))
    pronunciation = blocks.CharBlock(
        label=_("pronunciation"), required=False, help_text=_("How to say it, e.g. /groe:ming/")
    )
    definition = blocks.RichTextBlock(label=_("definition"), features=["bold", "italic", "link"])

    class Meta:
        icon = "help"
        label = _("Definition")
        template = "home/blocks/definition.html"


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("step"))
    text = blocks.TextBlock(label=_("explanation"), required=False)


class StepsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), required=False)
    steps = blocks.ListBlock(StepBlock(), label=_("steps"), min_num=1)

    class Meta:
        icon = "list-ol"
        label = _("Numbered steps")
        template = "home/blocks/steps.html"


class FaqItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("question"))
    answer = blocks.RichTextBlock(label=_("answer"), features=["bold", "italic", "link", "ul", "ol"])


class FaqBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), required=False)
    items = blocks.ListBlock(FaqItemBlock(), label=_("questions"), min_num=1)

    class Meta:
        icon = "help"
        label = _("Frequently asked questions")
        template = "home/blocks/faq.html"


RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "document-link", "ol", "ul"]


class BodyBlock(blocks.StreamBlock):
    """The building blocks editors use for lesson, training, campaign and content pages."""

    text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES, icon="pilcrow")
    image = ImageBlock()
    video = VideoBlock()
    quote = QuoteBlock()
    definition = DefinitionBlock()
    steps = StepsBlock()
    faq = FaqBlock()

    class Meta:
        required = False


class GoalsBlock(blocks.StreamBlock):
    """A short list of goals, one per line."""

    goal = blocks.CharBlock(label=_("Goal"), icon="tick")

    class Meta:
        required = False


class ChatHoursBlock(blocks.StructBlock):
    days = blocks.MultipleChoiceBlock(
        label=_("days"),
        choices=[
            ("0", _("Monday")),
            ("1", _("Tuesday")),
            ("2", _("Wednesday")),
            ("3", _("Thursday")),
            ("4", _("Friday")),
            ("5", _("Saturday")),
            ("6", _("Sunday")),
        ],
    )
    opens = blocks.TimeBlock(label=_("opens"))
    closes = blocks.TimeBlock(label=_("closes"))

    class Meta:
        icon = "time"
        label = _("Opening hours")


class SocialLinkBlock(blocks.StructBlock):
    network = blocks.CharBlock(label=_("name"), help_text=_("E.g. Instagram"))
    url = blocks.URLBlock(label=_("link"))

    class Meta:
        icon = "link"
        label = _("Social link")
