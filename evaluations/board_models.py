"""The team tool's models beyond the answers: editable suggestion sets per training, the live session board and
the follow-up of the actions a team agreed on.

`evaluations.models` imports this module (so Django registers the models); it imports nothing of the app but the
cheat sheet's columns, so the board's services may import both without an import cycle.

Privacy by shape: a board member is a random key (only its SHA-256 is stored), a join number and an optional first
name; cards point at their author only so a participant can change their own, never shown on the projector.
The purge (`purge_session_personal_data`) clears names, owners and addresses with the session's other personal data.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.models import Orderable
from wagtail.search import index

from evaluations.cheatsheet import FactorColumn

BOARD_TEXT_MAX = 200
ACTION_TEXT_MAX = 300
DEFAULT_FOLLOW_UP_WEEKS = 12
REMINDER_DAYS = 4  # the seeded reminder rule mails 96 hours after the follow-up


def purge_days() -> int:
    from django.conf import settings

    return settings.PURGE_PERSONAL_DATA_AFTER_DAYS


def last_mail_day(weeks: int) -> int:
    """Days after the session the follow-up's reminder goes out: before the purge removes the addresses."""
    return weeks * 7 + REMINDER_DAYS


# --- Suggestion sets ("spiekbriefje") ------------------------------------------------------------------------------


class SuggestionSet(index.Indexed, ClusterableModel):
    """A cheat sheet: ready-made success factors per flip-chart column, offered by the board and the evaluation form.
    A training uses the set chosen for it under "Team tool per training", else the default set."""

    name = models.CharField(_("name"), max_length=120)
    is_default = models.BooleanField(
        _("default set"), default=False, help_text=_("Used by every training that has no set of its own.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [FieldPanel("name"), FieldPanel("is_default"), InlinePanel("items", label=_("Suggestions"))]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("suggestion set")
        verbose_name_plural = _("suggestion sets")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="evaluations_one_default_set"
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.is_default:  # one default: choosing this one releases the previous
            SuggestionSet.objects.filter(is_default=True).exclude(pk=self.pk).update(is_default=False)
        super().save(*args, **kwargs)


class SuggestionItem(Orderable):
    """One suggested success factor. Its key stays the same when the text is edited, so earlier answers that ticked
    it keep counting together in the reports."""

    suggestion_set = ParentalKey(SuggestionSet, on_delete=models.CASCADE, related_name="items")
    column = models.CharField(_("column"), max_length=16, choices=FactorColumn.choices)
    group = models.CharField(
        _("heading within the column"), max_length=80, blank=True, help_text=_("E.g. 'In prevention'; optional.")
    )
    text = models.CharField(_("success factor"), max_length=BOARD_TEXT_MAX)
    key = models.SlugField(
        _("key"),
        max_length=40,
        unique=True,
        blank=True,
        help_text=_("Filled in automatically; answers refer to it. Leave it as it is."),
    )

    panels = [FieldRowPanel([FieldPanel("column"), FieldPanel("group")]), FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")

    def __str__(self):
        return self.text

    def save(self, *args, **kwargs):
        if not self.key:
            import uuid

            self.key = f"s-{uuid.uuid4().hex[:12]}"
        super().save(*args, **kwargs)


class TrainingTeamTool(models.Model):
    """Per training: which suggestion set its board and evaluation form offer, and when its follow-up mail goes."""

    training = models.OneToOneField(
        "home.TrainingPage", verbose_name=_("training"), on_delete=models.CASCADE, related_name="team_tool"
    )
    suggestion_set = models.ForeignKey(
        SuggestionSet,
        verbose_name=_("suggestion set"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="trainings",
        help_text=_("Empty: the default set."),
    )
    follow_up_weeks = models.PositiveSmallIntegerField(
        _("follow-up after (weeks)"),
        default=DEFAULT_FOLLOW_UP_WEEKS,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text=_("Weeks after the session the action owners get a mail to say how far the actions are."),
    )

    panels = [FieldPanel("training"), FieldPanel("suggestion_set"), FieldPanel("follow_up_weeks")]

    class Meta:
        verbose_name = _("team tool per training")
        verbose_name_plural = _("team tool per training")

    def __str__(self):
        return str(self.training)

    def clean(self):
        weeks = self.follow_up_weeks or DEFAULT_FOLLOW_UP_WEEKS
        if last_mail_day(weeks) >= purge_days():
            raise ValidationError(
                {
                    "follow_up_weeks": _(
                        "The follow-up and its reminder must go out before the session's personal data is removed "
                        "(%(days)s days after the session). Choose fewer weeks."
                    )
                    % {"days": purge_days()}
                }
            )


# --- The live board ------------------------------------------------------------------------------------------------


class Board(models.Model):
    """The live team board of one session: which step and round the group is in, the timer, and a version number
    that every change raises (screens poll it and fetch the board again only when it moved)."""

    class Step(models.IntegerChoices):
        LOBBY = 0, _("Welcome")
        PODCAST = 1, _("Step 1: discussing the podcast")
        FACTORS = 2, _("Step 2: collecting success factors")
        DEEPER = 3, _("Step 3: going deeper")
        ACTION = 4, _("Step 4: evaluation and action")
        DONE = 5, _("Finished")

    class Round(models.IntegerChoices):
        ALONE = 1, _("Alone")
        PAIRS = 2, _("In pairs")
        FOURS = 3, _("In fours")
        ALL = 4, _("All together")

    session = models.OneToOneField(
        "workshops.Session", verbose_name=_("session"), on_delete=models.CASCADE, related_name="team_board"
    )
    step = models.PositiveSmallIntegerField(_("step"), choices=Step.choices, default=Step.LOBBY)
    round = models.PositiveSmallIntegerField(_("round"), choices=Round.choices, default=Round.ALONE)
    language = models.CharField(_("language of the projector"), max_length=2, default="nl")
    questions = models.JSONField(_("questions of step 1"), default=list, blank=True)
    question = models.PositiveSmallIntegerField(_("question shown"), default=0)
    timer_total = models.PositiveIntegerField(_("timer length (seconds)"), default=0)
    timer_left = models.PositiveIntegerField(_("seconds left when the timer last stopped or started"), default=0)
    timer_started_at = models.DateTimeField(_("timer running since"), null=True, blank=True)
    contact_email = models.EmailField(
        _("contact for the follow-up"),
        blank=True,
        help_text=_("Gets the follow-up mail when no action has an owner's address."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    result_saved_at = models.DateTimeField(_("saved as group result at"), null=True, blank=True)

    class Meta:
        verbose_name = _("team board")
        verbose_name_plural = _("team boards")

    def __str__(self):
        return f"{_('Team board')}: {self.session}"


class BoardMember(models.Model):
    """A phone that joined the board: a join number, an optional first name, and the hash of a key only it holds."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="members")
    number = models.PositiveSmallIntegerField(_("join number"))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    first_name = models.CharField(_("first name (optional)"), max_length=40, blank=True)
    pair = models.PositiveSmallIntegerField(_("pair"), null=True, blank=True)
    four = models.PositiveSmallIntegerField(_("group of four"), null=True, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("board participant")
        verbose_name_plural = _("board participants")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["board", "number"], name="evaluations_member_number_once")]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return f"{self.number} {self.first_name}".strip() if self.first_name else f"#{self.number}"


class BoardCard(models.Model):
    """One sticky note: an answer in step 1, a success factor on a list in step 2 (own, pair, four, flip chart),
    an insight in step 3, or what we learn / what we need in step 4."""

    class Kind(models.TextChoices):
        ANSWER = "answer", _("answer")
        FACTOR = "factor", _("success factor")
        INSIGHT = "insight", _("new insight")
        LEARN = "learn", _("what we learn")
        NEED = "need", _("what we need")

    class Level(models.IntegerChoices):
        OWN = 0, _("own list")
        PAIR = 1, _("pair's list")
        FOUR = 2, _("list of the four")
        CHART = 3, _("flip chart")

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="cards")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.CHART)
    group = models.PositiveSmallIntegerField(default=0, help_text="member number, pair or four; 0 on the chart")
    column = models.CharField(max_length=16, choices=FactorColumn.choices, blank=True)
    question = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.CharField(max_length=BOARD_TEXT_MAX)
    normalised = models.CharField(max_length=BOARD_TEXT_MAX + 8)
    suggestion = models.CharField(max_length=40, blank=True)
    merged = models.PositiveSmallIntegerField(default=1, help_text="how many notes this one stands for")
    author = models.ForeignKey(BoardMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("board note")
        verbose_name_plural = _("board notes")
        ordering = ["id"]
        indexes = [models.Index(fields=["board", "kind", "level", "group"], name="evaluations_card_list")]

    def __str__(self):
        return self.text


class BoardVote(models.Model):
    """One dot of a participant's three in step 3."""

    member = models.ForeignKey(BoardMember, on_delete=models.CASCADE, related_name="votes")
    card = models.ForeignKey(BoardCard, on_delete=models.CASCADE, related_name="votes")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "card"], name="evaluations_vote_once")]

    def __str__(self):
        return f"{self.member_id} → {self.card_id}"


class BoardAction(models.Model):
    """An action agreed in step 4, with its owner and date; the group result copies it."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(_("action"), max_length=ACTION_TEXT_MAX)
    owner = models.CharField(_("who"), max_length=BOARD_TEXT_MAX, blank=True)
    owner_email = models.EmailField(_("e-mail address of the owner (for the follow-up)"), blank=True)
    due_date = models.DateField(_("when"), null=True, blank=True)
    author = models.ForeignKey(BoardMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("board action")
        verbose_name_plural = _("board actions")
        ordering = ["id"]

    def __str__(self):
        return self.text


# --- Follow-up ---------------------------------------------------------------------------------------------------


class ActionFollowUp(models.Model):
    """The follow-up of a session's agreed actions: when it is due, when it was mailed and reminded, when answered.
    The mail provider finds rows by this state (due and not mailed yet), so a missed minute never loses one."""

    group_result = models.OneToOneField(
        "evaluations.GroupResult", on_delete=models.CASCADE, related_name="follow_up", verbose_name=_("group result")
    )
    due_at = models.DateTimeField(_("due at"), db_index=True)
    mailed_at = models.DateTimeField(_("mailed at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder mailed at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("follow-up of actions")
        verbose_name_plural = _("follow-ups of actions")

    def __str__(self):
        return f"{_('Follow-up')}: {self.group_result}"
