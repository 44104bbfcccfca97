"""The evaluation form: lists of short items work without JavaScript (blank rows + an "add rows" button)."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from evaluations.cheatsheet import clean_text, normalise, suggestion_choices
from evaluations.models import (
    COMMENT_MAX_LENGTH,
    ITEM_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    EvaluationAnswer,
    FactorColumn,
)
from evaluations.services.evaluation import MAX_ACTIONS, MAX_ITEMS_PER_COLUMN

BLANK_ROWS = 3
ACTION_OWNER_MAX = 200
ACTION_TEXT_MAX = 300


def measured_length(text: str) -> int:
    """The length a success factor counts as: the longer of the text and the key the report groups it by (NFKC,
    case-folded), since both are stored; "ß" becomes "ss" and the ligature "ﬃ" becomes "ffi"."""
    return max(len(text), len(normalise(text)))


class ItemListWidget(forms.Widget):
    """A list of one-line text inputs sharing one name; shows the given items plus some blank rows."""

    template_name = "evaluations/form/widgets/item_list.html"

    def __init__(self, attrs=None, blank_rows=BLANK_ROWS):
        super().__init__(attrs)
        self.blank_rows = blank_rows

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def format_value(self, value):
        """The items shown again after an error, each cut to a little over the limit (never a 1 MB value back)."""
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        return [str(v)[: 2 * ITEM_MAX_LENGTH] for v in value if str(v).strip()]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        items = self.format_value(value)
        context["widget"]["items"] = items + [""] * self.blank_rows
        context["widget"]["maxlength"] = ITEM_MAX_LENGTH
        return context


class ItemListField(forms.Field):
    """Cleans to a list of unique, non-empty, single-line items."""

    widget = ItemListWidget

    def __init__(self, *, max_items=MAX_ITEMS_PER_COLUMN, max_length=ITEM_MAX_LENGTH, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.max_items = max_items
        self.max_length = max_length

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        items, seen, errors = [], set(), []
        for position, raw in enumerate(value, start=1):
            text = clean_text(raw)
            if not text:
                continue
            length = measured_length(text)
            if length > self.max_length:
                errors.append(
                    ValidationError(
                        _("Item %(number)s is too long: at most %(max)s characters, it has %(length)s."),
                        code="item_too_long",
                        params={"number": position, "max": self.max_length, "length": length},
                    )
                )
                continue
            key = " ".join(text.casefold().split())
            if key not in seen:
                seen.add(key)
                items.append(text)
        if len(items) > self.max_items:
            errors.append(
                ValidationError(
                    ngettext_lazy(
                        "Please keep it to at most %(max)s item.", "Please keep it to at most %(max)s items.", "max"
                    ),
                    code="too_many_items",
                    params={"max": self.max_items},
                )
            )
        if errors:
            raise ValidationError(errors)
        return items


class ActionListWidget(forms.Widget):
    """Rows of (action, who, when) inputs: names action_text / action_owner / action_due, aligned by position."""

    template_name = "evaluations/form/widgets/action_list.html"

    def value_from_datadict(self, data, files, name):
        getlist = data.getlist if hasattr(data, "getlist") else (lambda key: data.get(key, []))
        texts, owners, dues = getlist(f"{name}_text"), getlist(f"{name}_owner"), getlist(f"{name}_due")
        size = max(len(texts), len(owners), len(dues))

        def at(values, i):
            return values[i] if i < len(values) else ""

        return [{"text": at(texts, i), "owner": at(owners, i), "due_date": at(dues, i)} for i in range(size)]

    def value_omitted_from_data(self, data, files, name):
        return f"{name}_text" not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        rows = []
        for row in value or []:
            due = row.get("due_date") or ""
            if isinstance(due, datetime.date):
                due = due.isoformat()
            if any(str(v).strip() for v in (row.get("text"), row.get("owner"), due)):
                rows.append({"text": row.get("text") or "", "owner": row.get("owner") or "", "due_date": due})
        context["widget"]["rows"] = rows + [{"text": "", "owner": "", "due_date": ""}] * BLANK_ROWS
        context["widget"]["text_max"] = ACTION_TEXT_MAX
        context["widget"]["owner_max"] = ACTION_OWNER_MAX
        return context


class ActionListField(forms.Field):
    widget = ActionListWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        rows, errors = [], []
        for position, row in enumerate(value or [], start=1):
            text = clean_text(row.get("text"))
            owner = clean_text(row.get("owner"))
            due_raw = clean_text(row.get("due_date"))
            if not (text or owner or due_raw):
                continue
            params = {"number": position}
            if not text:
                errors.append(
                    ValidationError(_("Action %(number)s: describe the action, or clear its row."), params=params)
                )
                continue
            if len(text) > ACTION_TEXT_MAX or len(owner) > ACTION_OWNER_MAX:
                errors.append(
                    ValidationError(
                        _("Action %(number)s is too long: at most %(max)s characters for the action."),
                        params={**params, "max": ACTION_TEXT_MAX},
                    )
                )
                continue
            due = None
            if due_raw:
                try:
                    due = forms.DateField().to_python(due_raw)
                except ValidationError:
                    due = None
                if due is None or not (2000 <= due.year <= 2100):
                    errors.append(
                        ValidationError(
                            _("Action %(number)s: “%(value)s” is not a date; use the form 2026-12-31."),
                            params={**params, "value": due_raw[:20]},
                        )
                    )
                    continue
            rows.append({"text": text, "owner": owner, "due_date": due})
        if len(rows) > MAX_ACTIONS:
            errors.append(ValidationError(_("Please keep it to at most %(max)s actions."), params={"max": MAX_ACTIONS}))
        if errors:
            raise ValidationError(errors)
        return rows


class CleanCharField(forms.CharField):
    """A CharField that drops control and invisible format characters before the length check."""

    def __init__(self, *, multiline=False, **kwargs):
        self.multiline = multiline
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        return clean_text(value, multiline=self.multiline)

    def bound_data(self, data, initial):
        """What the form shows again after an error: never more than a little over the limit."""
        data = super().bound_data(data, initial)
        if isinstance(data, str) and self.max_length and len(data) > 2 * self.max_length:
            return data[: 2 * self.max_length]
        return data


RATING_CHOICES = [(i, str(i)) for i in range(1, 6)]


class EvaluationForm(forms.Form):
    """Steps 2–4 of the team tool plus ratings, homework, a comment and an optional name."""

    top_1 = CleanCharField(label=_("1st"), max_length=ITEM_MAX_LENGTH)
    top_2 = CleanCharField(label=_("2nd"), max_length=ITEM_MAX_LENGTH)
    top_3 = CleanCharField(label=_("3rd"), max_length=ITEM_MAX_LENGTH)
    new_insights = CleanCharField(
        label=_("New insights"),
        help_text=_("Hidden or underlying success factors you discovered together."),
        max_length=TEXT_MAX_LENGTH,
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    learned = CleanCharField(
        label=_("What do we learn from this?"),
        max_length=TEXT_MAX_LENGTH,
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    needs = CleanCharField(
        label=_("What do we need to put this into practice?"),
        max_length=TEXT_MAX_LENGTH,
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    actions = ActionListField(label=_("Actions we agreed on"))
    rating_session = forms.TypedChoiceField(
        label=_("How would you rate the session?"),
        help_text=_("1 = poor, 5 = excellent"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please rate the session from 1 to 5.")},
    )
    rating_material = forms.TypedChoiceField(
        label=_("How would you rate the preparation material (podcast and background information)?"),
        help_text=_("1 = poor, 5 = excellent; leave empty if you did not use it"),
        choices=RATING_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    did_homework = forms.ChoiceField(
        label=_("Did you listen to the podcast and read the background information beforehand?"),
        choices=EvaluationAnswer.Homework.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    comment = CleanCharField(
        label=_("Anything else you want to tell us?"),
        max_length=COMMENT_MAX_LENGTH,
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    respondent_name = CleanCharField(
        label=_("Your name (optional)"),
        help_text=_("Your answers are anonymous. Only fill in your name if you want it to be shown with them."),
        max_length=ITEM_MAX_LENGTH,
    )

    def __init__(self, *args, suggestion_set=None, **kwargs):
        initial = kwargs.get("initial") or {}
        if initial.get("top_three"):
            for rank, text in enumerate(initial["top_three"], start=1):
                initial[f"top_{rank}"] = text
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        # The three columns go first, each with its cheat-sheet suggestions and its own items.
        columns = {}
        for column in FactorColumn:
            columns[f"suggestions_{column}"] = forms.MultipleChoiceField(
                label=_("Suggestions from the cheat sheet"),
                choices=suggestion_choices(column, suggestion_set),  # the training's set (or the default)
                required=False,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": _("That suggestion does not exist; please tick from the list.")},
            )
            columns[f"factors_{column}"] = ItemListField(
                label=_("Your own success factors"),
                help_text=_("One short item per line; empty lines are ignored."),
            )
        self.fields = {**columns, **self.fields}

    def column_fields(self):
        """(column label, suggestions field, own-items field) per column, for the template."""
        return [(column.label, self[f"suggestions_{column}"], self[f"factors_{column}"]) for column in FactorColumn]

    def _clean_top(self, rank):
        text = self.cleaned_data.get(f"top_{rank}", "")
        length = measured_length(text) if text else 0
        if length > ITEM_MAX_LENGTH:
            raise ValidationError(
                _("At most %(max)s characters, it has %(length)s."),
                code="max_length",
                params={"max": ITEM_MAX_LENGTH, "length": length},
            )
        return text

    def clean_top_1(self):
        return self._clean_top(1)

    def clean_top_2(self):
        return self._clean_top(2)

    def clean_top_3(self):
        return self._clean_top(3)

    def clean(self):
        data = super().clean()
        data["top_three"] = [data.get(f"top_{rank}", "") for rank in (1, 2, 3)]
        filled = [t.casefold() for t in data["top_three"] if t]
        if len(filled) != len(set(filled)):
            self.add_error("top_2", _("The same success factor appears twice in your top three."))
        return data
