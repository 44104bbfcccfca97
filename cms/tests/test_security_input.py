"""What visitors type into the public forms is cleaned on input: no right-to-left overrides or zero-width characters
in a name (which could show it reversed or hide part of it in the admin), lengths measured on the cleaned text, and
no links in names, organisations and towns (which reach the mail of coordinators)."""

import datetime

import pytest
from django.utils import timezone

from cms.text import clean_text, looks_like_link
from workshops.forms import RegistrationForm, SchoolRequestForm


@pytest.mark.parametrize(
    "typed,stored",
    [
        ("\u202eseirV ed annA\u202c", "seirV ed annA"),  # a right-to-left override: shown reversed in the admin
        ("Anna\u200b de\u200d\u2060 Vries\ufeff", "Anna de Vries"),  # zero-width space, joiner, word joiner, BOM
        ("\u2066Anna\u2069 de Vries", "Anna de Vries"),  # bidi isolates
        ("  Anna \t de\n Vries  ", "Anna de Vries"),
        ("Anai\u0308s", "Anaïs"),  # composed (NFC), so the same name is stored the same way
        ("Zoë O\u2019Brien-Łukasz", "Zoë O\u2019Brien-Łukasz"),
    ],
)
def test_names_are_cleaned_of_invisible_and_direction_characters(typed, stored):
    assert clean_text(typed) == stored
    form = RegistrationForm(data={"name": typed, "email": "anna@example.org", "language": "nl", "consent": "on"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == stored


def test_lengths_are_measured_on_the_cleaned_name():
    padded = "A" * 200 + "\u200b" * 60  # 260 characters typed, 200 once cleaned: fits
    form = RegistrationForm(data={"name": padded, "email": "a@example.org", "language": "nl", "consent": "on"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "A" * 200
    too_long = RegistrationForm(data={"name": "A" * 201, "email": "a@example.org", "language": "nl", "consent": "on"})
    assert "name" in too_long.errors


@pytest.mark.parametrize(
    "text",
    [
        "http://evil.example",
        "Visit evil.example now",
        "www.evil.example",
        "ｗｗｗ．evil．example",  # full-width: becomes www.evil.example
        "mail me at x@evil.example",
        "javascript:alert(1)",
        "<a href=x>click</a>",
    ],
)
def test_links_are_refused_in_names_organisations_and_towns(text):
    assert looks_like_link(text)
    registration = RegistrationForm(
        data={"name": text, "email": "a@example.org", "organisation": text, "language": "nl", "consent": "on"}
    )
    assert "name" in registration.errors and "organisation" in registration.errors
    school = SchoolRequestForm(data=school_data(school_name=text, town=text, contact_name=text))
    assert {"school_name", "town", "contact_name"} <= set(school.errors)


@pytest.mark.parametrize("text", ["St. Michielsgestel", "Alphen a/d Rijn", "J.R.R. Tolkien", "groep 7/8", "O'Brien"])
def test_ordinary_names_and_towns_are_not_mistaken_for_links(text):
    assert not looks_like_link(text)


def school_data(**overrides):
    day = timezone.localdate() + datetime.timedelta(days=30)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    data = {
        "school_name": "De Regenboog",
        "contact_name": "Mirjam Bakker",
        "email": "mirjam@school.example.nl",
        "phone": "020 123 4567",
        "town": "Utrecht",
        "school_type": "primary",
        "year_group": "groep 7/8",
        "groups": "2",
        "pupils": "50",
        "date_1": day.isoformat(),
        "part_of_day_1": "any",
        "consent": "on",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_school_request_text_is_cleaned_and_remarks_keep_their_lines():
    form = SchoolRequestForm(
        data=school_data(
            contact_name="\u202eMirjam\u202c\u200b Bakker",
            remarks="Graag in de ochtend.\r\n\r\n\r\n\r\nOnze site: www.regenboog.example\u200b",
        )
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["contact_name"] == "Mirjam Bakker"
    assert form.cleaned_data["remarks"] == "Graag in de ochtend.\n\nOnze site: www.regenboog.example"
    long_remarks = SchoolRequestForm(data=school_data(remarks="x" * 2001))
    assert "remarks" in long_remarks.errors
