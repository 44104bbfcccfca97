"""Public forms: registration for a session and a school's booking request. Every error is translatable."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from cms.text import clean_text, looks_like_link
from workshops.models import LANGUAGE_CHOICES, SchoolBookingRequest
from workshops.services.booking import normalise_email

# The retention period is the purge task's (PURGE_PERSONAL_DATA_AFTER_DAYS), so the promise and the deed agree.
PRIVACY_TEXT = format_lazy(
    _(
        "I agree that Qpido stores my details to organise this training and to mail me about it "
        "(confirmation, reminder, homework and evaluation). They are never shared and are deleted {days} days "
        "after the training."
    ),
    days=settings.PURGE_PERSONAL_DATA_AFTER_DAYS,
)
SCHOOL_PRIVACY_TEXT = format_lazy(
    _(
        "I agree that Qpido stores these details to plan the lesson with our school and to mail me about it. "
        "They are never shared and are deleted {days} days after the lesson."
    ),
    days=settings.PURGE_PERSONAL_DATA_AFTER_DAYS,
)
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()-]{7,18}[0-9]$")
EMAIL_MAX_LENGTH = 254
REMARKS_MAX_LENGTH = 2000
NO_LINKS = _("Please leave out links, e-mail addresses and web addresses here.")


class CleanCharField(forms.CharField):
    """A CharField whose value is cleaned (cms.text.clean_text: NFC, no control characters, no bidirectional
    overrides or zero-width characters) before its length is checked, so the stored value is the one measured."""

    def __init__(self, *, multiline=False, links=True, **kwargs):
        self.multiline, self.links = multiline, links
        super().__init__(**kwargs)

    def to_python(self, value):
        return clean_text(value, multiline=self.multiline)

    def bound_data(self, data, initial):
        """What the form shows again after an error: never more than a little over the limit (a 1 MB value is
        refused, not sent back)."""
        data = super().bound_data(data, initial)
        if isinstance(data, str) and self.max_length and len(data) > 2 * self.max_length:
            return data[: 2 * self.max_length]
        return data

    def validate(self, value):
        super().validate(value)
        if not self.links and looks_like_link(value):
            raise forms.ValidationError(NO_LINKS, code="link")


def _clean_email(value: str) -> str:
    """The address as stored, checked for length after normalisation (a lower-cased domain can grow)."""
    email = normalise_email(value)
    if len(email) > EMAIL_MAX_LENGTH:
        raise forms.ValidationError(
            _("An e-mail address can have at most %(max)s characters."), params={"max": EMAIL_MAX_LENGTH}
        )
    return email


class HoneypotMixin(forms.Form):
    """A field people never see or fill; bots do. A filled honeypot is rejected with a neutral message."""

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("This form could not be sent. Please try again."))
        return ""


class RegistrationForm(HoneypotMixin, forms.Form):
    name = CleanCharField(
        label=_("Name"),
        max_length=200,
        error_messages={"required": _("Please fill in your name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=EMAIL_MAX_LENGTH,
        error_messages={
            "required": _("Please fill in your e-mail address."),
            "invalid": _("Please fill in a valid e-mail address, like name@example.org."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    organisation = CleanCharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        links=False,
        help_text=_("For example your school or practice."),
    )
    role = CleanCharField(
        label=_("Role"),
        max_length=200,
        required=False,
        links=False,
        help_text=_("For example teacher, youth worker or parent."),
    )
    language = forms.ChoiceField(
        label=_("Preferred language for mail"),
        choices=LANGUAGE_CHOICES,
        error_messages={"invalid_choice": _("Choose Dutch or English.")},
    )
    consent = forms.BooleanField(
        label=PRIVACY_TEXT,
        error_messages={"required": _("We can only register you with your consent.")},
    )

    field_order = ["name", "email", "organisation", "role", "language", "consent", "website"]

    def clean_name(self):
        name = self.cleaned_data["name"]
        if len(name) < 2:
            raise forms.ValidationError(_("Please fill in your name."))
        if re.search(r"[<>{}\[\]\\/@]|https?:", name) or looks_like_link(name):
            raise forms.ValidationError(_("A name cannot contain links or special characters like < > @ /."))
        return name

    def clean_email(self):
        return _clean_email(self.cleaned_data["email"])


def _clean_field(field: str, *, multiline: bool = False, links: bool = False, max_length: int | None = None):
    """The model field's form field, cleaned before its length check (see CleanCharField)."""
    model_field = SchoolBookingRequest._meta.get_field(field)
    return CleanCharField(
        label=capfirst(model_field.verbose_name),
        max_length=max_length or model_field.max_length,
        required=not model_field.blank,
        multiline=multiline,
        links=links,
        widget=forms.Textarea(attrs={"rows": 4}) if multiline else None,
    )


class SchoolRequestForm(HoneypotMixin, forms.ModelForm):
    """Every text a school types is cleaned; the names and the town (which appear in mail to coordinators) may
    hold no links, and the remarks are kept to a readable length."""

    school_name = _clean_field("school_name")
    contact_name = _clean_field("contact_name")
    town = _clean_field("town")
    year_group = _clean_field("year_group")
    remarks = _clean_field("remarks", multiline=True, links=True, max_length=REMARKS_MAX_LENGTH)
    consent = forms.BooleanField(
        label=SCHOOL_PRIVACY_TEXT,
        error_messages={"required": _("We can only handle the request with your consent.")},
    )

    class Meta:
        model = SchoolBookingRequest
        fields = [
            "school_name",
            "contact_name",
            "email",
            "phone",
            "town",
            "school_type",
            "year_group",
            "groups",
            "pupils",
            "date_1",
            "part_of_day_1",
            "date_2",
            "part_of_day_2",
            "date_3",
            "part_of_day_3",
            "remarks",
        ]
        widgets = {
            "date_1": forms.DateInput(attrs={"type": "date"}),
            "date_2": forms.DateInput(attrs={"type": "date"}),
            "date_3": forms.DateInput(attrs={"type": "date"}),
            "remarks": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"year_group": _("For example group 7/8 or year 2.")}
        error_messages = {
            "school_name": {"required": _("Please fill in the name of the school.")},
            "contact_name": {"required": _("Please fill in the name of the contact person.")},
            "email": {
                "required": _("Please fill in your e-mail address."),
                "invalid": _("Please fill in a valid e-mail address, like name@example.org."),
            },
            "phone": {"required": _("Please fill in a phone number.")},
            "town": {"required": _("Please fill in the town.")},
            "school_type": {
                "required": _("Choose the type of school."),
                "invalid_choice": _("Choose the type of school."),
            },
            "year_group": {"required": _("Please fill in the year group.")},
            "groups": {"required": _("How many groups?"), "invalid": _("Fill in a whole number.")},
            "pupils": {"required": _("How many pupils?"), "invalid": _("Fill in a whole number.")},
            "date_1": {"required": _("Give at least one preferred date."), "invalid": _("Fill in a valid date.")},
            "date_2": {"invalid": _("Fill in a valid date.")},
            "date_3": {"invalid": _("Fill in a valid date.")},
        }

    field_order = [*Meta.fields, "consent", "website"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year_group"].help_text = self._meta.help_texts["year_group"]
        for name, messages in self._meta.error_messages.items():
            if name in self.fields:
                self.fields[name].error_messages.update(messages)

    def clean_email(self):
        return _clean_email(self.cleaned_data["email"])

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if not PHONE_RE.match(phone):
            raise forms.ValidationError(_("Please fill in a valid phone number, like 020 123 4567."))
        return phone

    def clean_groups(self):
        groups = self.cleaned_data["groups"]
        if not 1 <= groups <= 30:
            raise forms.ValidationError(_("The number of groups must be between 1 and 30."))
        return groups

    def clean_pupils(self):
        pupils = self.cleaned_data["pupils"]
        if not 1 <= pupils <= 1000:
            raise forms.ValidationError(_("The number of pupils must be between 1 and 1000."))
        return pupils

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        seen = set()
        for n in (1, 2, 3):
            day = cleaned.get(f"date_{n}")
            part = cleaned.get(f"part_of_day_{n}")
            if day is None:
                if part and n > 1:
                    cleaned[f"part_of_day_{n}"] = ""
                continue
            if day <= today:
                self.add_error(f"date_{n}", _("A preferred date must be in the future."))
            elif day.weekday() >= 5:
                self.add_error(f"date_{n}", _("Schools are closed at the weekend; choose a weekday."))
            elif day in seen:
                self.add_error(f"date_{n}", _("You already chose this date."))
            seen.add(day)
            if not part:
                cleaned[f"part_of_day_{n}"] = SchoolBookingRequest.PartOfDay.ANY
        groups, pupils = cleaned.get("groups"), cleaned.get("pupils")
        if groups and pupils and pupils < groups:
            self.add_error("pupils", _("There are fewer pupils than groups; please check both numbers."))
        return cleaned
