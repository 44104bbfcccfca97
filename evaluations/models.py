"""Evaluation models: one participant's answers per session and the group's consolidated results.

Anonymity is a property of the schema: an EvaluationAnswer points at its Session only. There is no foreign key,
no copy of a registration id, public id, e-mail address or hash of any of them, and no timestamp that could be
matched against Registration.evaluation_responded_at; the primary key is a random UUID so the order of answers
says nothing about who answered first. The participant may type a name (`respondent_name`) if they want to.

Success factors, top-three items and actions are child rows, so the reports count them with GROUP BY on a
normalised column instead of looping over answers in Python.
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable

from evaluations.cheatsheet import FactorColumn, normalise

__all__ = [
    "FactorColumn",
    "EvaluationAnswer",
    "EvaluationFactor",
    "EvaluationTopItem",
    "EvaluationAction",
    "GroupResult",
    "GroupFactor",
    "GroupTopItem",
    "GroupAction",
]

ITEM_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 2000
COMMENT_MAX_LENGTH = 4000


class EvaluationAnswer(models.Model):
    """One participant's evaluation of one session, stored apart from their identity."""

    class Via(models.TextChoices):
        PERSONAL = "personal", _("personal link")
        ROOM = "room", _("session link in the room")

    class Homework(models.TextChoices):
        YES = "yes", _("yes")
        PARTLY = "partly", _("partly")
        NO = "no", _("no")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(
        "workshops.Session",
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="evaluation_answers",
    )
    via = models.CharField(_("answered via"), max_length=10, choices=Via.choices, default=Via.PERSONAL)
    language = models.CharField(_("language"), max_length=2, default="nl")
    edit_key_hash = models.CharField(
        _("edit key hash"),
        max_length=64,
        unique=True,
        editable=False,
        help_text=_("SHA-256 of a random key only the participant holds; it says nothing about who they are."),
    )
    respondent_name = models.CharField(
        _("name (only if the participant chose to add it)"), max_length=ITEM_MAX_LENGTH, blank=True
    )
    new_insights = models.TextField(_("new insights"), blank=True)
    learned = models.TextField(_("what we learn from this"), blank=True)
    needs = models.TextField(_("what we need to put it into practice"), blank=True)
    rating_session = models.PositiveSmallIntegerField(
        _("rating of the session"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_material = models.PositiveSmallIntegerField(
        _("rating of the preparation material"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    did_homework = models.CharField(_("did the homework"), max_length=6, choices=Homework.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("evaluation answer")
        verbose_name_plural = _("evaluation answers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating_session__isnull=True)
                | models.Q(rating_session__gte=1, rating_session__lte=5),
                name="evaluation_rating_session_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(rating_material__isnull=True)
                | models.Q(rating_material__gte=1, rating_material__lte=5),
                name="evaluation_rating_material_1_to_5",
            ),
        ]

    def __str__(self):
        return str(_("Evaluation answer"))


class EvaluationFactor(models.Model):
    """One success factor named in one answer; `normalised` is what the report groups by."""

    answer = models.ForeignKey(EvaluationAnswer, on_delete=models.CASCADE, related_name="factors")
    column = models.CharField(_("column"), max_length=16, choices=FactorColumn.choices)
    text = models.CharField(_("success factor"), max_length=ITEM_MAX_LENGTH)
    normalised = models.CharField(_("normalised"), max_length=ITEM_MAX_LENGTH + 8, editable=False)
    suggestion = models.CharField(_("cheat-sheet suggestion"), max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("success factor")
        verbose_name_plural = _("success factors")
        ordering = ["column", "position"]
        indexes = [models.Index(fields=["column", "normalised"], name="evaluation_factor_norm_idx")]
        constraints = [
            models.UniqueConstraint(fields=["answer", "column", "normalised"], name="evaluation_factor_once")
        ]

    def __str__(self):
        return self.text


class EvaluationTopItem(models.Model):
    """One place (1–3) of an answer's ranked top three."""

    answer = models.ForeignKey(EvaluationAnswer, on_delete=models.CASCADE, related_name="top_items")
    rank = models.PositiveSmallIntegerField(_("rank"), validators=[MinValueValidator(1), MaxValueValidator(3)])
    text = models.CharField(_("success factor"), max_length=ITEM_MAX_LENGTH)
    normalised = models.CharField(_("normalised"), max_length=ITEM_MAX_LENGTH + 8, editable=False)

    class Meta:
        verbose_name = _("top-three item")
        verbose_name_plural = _("top-three items")
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "rank"], name="evaluation_top_rank_once"),
            models.CheckConstraint(condition=models.Q(rank__gte=1, rank__lte=3), name="evaluation_top_rank_1_to_3"),
        ]

    def __str__(self):
        return f"{self.rank}. {self.text}"


class EvaluationAction(models.Model):
    """An action the participant's team agreed on, with an optional owner and date."""

    answer = models.ForeignKey(EvaluationAnswer, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(_("action"), max_length=300)
    owner = models.CharField(_("who"), max_length=ITEM_MAX_LENGTH, blank=True)
    due_date = models.DateField(_("when"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["position"]

    def __str__(self):
        return self.text


class GroupResult(ClusterableModel):
    """The group's consolidated flip charts for a session, recorded by the facilitator apart from the answers."""

    session = models.OneToOneField(
        "workshops.Session",
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="evaluation_group_result",
    )
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [
        FieldPanel("session"),
        InlinePanel("factors", label=_("Success factors (three columns)"), heading=_("Success factors")),
        InlinePanel("top_items", label=_("Top three"), heading=_("Top three"), max_num=3),
        InlinePanel("actions", label=_("Actions"), heading=_("Actions")),
        FieldPanel("notes"),
    ]

    class Meta:
        verbose_name = _("group result")
        verbose_name_plural = _("group results")

    def __str__(self):
        return f"{_('Group result')}: {self.session}"


def _normalise(text):
    return normalise(text)


class GroupFactor(Orderable):
    result = ParentalKey(GroupResult, on_delete=models.CASCADE, related_name="factors")
    column = models.CharField(_("column"), max_length=16, choices=FactorColumn.choices)
    text = models.CharField(_("success factor"), max_length=ITEM_MAX_LENGTH)
    normalised = models.CharField(max_length=ITEM_MAX_LENGTH + 8, editable=False)

    panels = [FieldPanel("column"), FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("group success factor")
        verbose_name_plural = _("group success factors")

    def save(self, *args, **kwargs):
        self.normalised = _normalise(self.text)
        super().save(*args, **kwargs)

    def __str__(self):
        return self.text


class GroupTopItem(Orderable):
    result = ParentalKey(GroupResult, on_delete=models.CASCADE, related_name="top_items")
    text = models.CharField(_("success factor"), max_length=ITEM_MAX_LENGTH)

    panels = [FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("group top-three item")
        verbose_name_plural = _("group top-three items")

    def __str__(self):
        return self.text


class GroupAction(Orderable):
    class Status(models.TextChoices):
        """How far the action is, as its owner says in the follow-up (evaluations.board.followup)."""

        UNKNOWN = "", _("not asked yet")
        DONE = "done", _("done")
        IN_PROGRESS = "in_progress", _("in progress")
        NOT_STARTED = "not_started", _("not started")
        DROPPED = "dropped", _("dropped")

    result = ParentalKey(GroupResult, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(_("action"), max_length=300)
    owner = models.CharField(_("who"), max_length=ITEM_MAX_LENGTH, blank=True)
    owner_email = models.EmailField(_("e-mail address of the owner (for the follow-up)"), blank=True)
    due_date = models.DateField(_("when"), null=True, blank=True)
    status = models.CharField(_("follow-up status"), max_length=12, choices=Status.choices, blank=True, default="")
    status_comment = models.TextField(_("follow-up comment"), blank=True)
    status_updated_at = models.DateTimeField(_("follow-up answered at"), null=True, blank=True)

    panels = [FieldPanel("text"), FieldPanel("owner"), FieldPanel("owner_email"), FieldPanel("due_date")]

    class Meta(Orderable.Meta):
        verbose_name = _("group action")
        verbose_name_plural = _("group actions")

    def __str__(self):
        return self.text


# The board, suggestion sets and follow-up live in their own module (registered here so Django finds them).
from evaluations.board_models import (  # noqa: E402
    ActionFollowUp,
    Board,
    BoardAction,
    BoardCard,
    BoardMember,
    BoardVote,
    SuggestionItem,
    SuggestionSet,
    TrainingTeamTool,
)

__all__ += [
    "ActionFollowUp",
    "Board",
    "BoardAction",
    "BoardCard",
    "BoardMember",
    "BoardVote",
    "SuggestionItem",
    "SuggestionSet",
    "TrainingTeamTool",
]
