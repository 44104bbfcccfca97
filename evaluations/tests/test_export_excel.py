"""Exports that Dutch Excel opens: the CSV starts with a UTF-8 byte order mark and separates fields with the list
separator of the admin's language (";" in Dutch, "," in English); XLSX stays available."""

import csv
import io
import uuid

import pytest
from django.urls import reverse
from wagtail.users.models import UserProfile

from evaluations.models import EvaluationAnswer

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(session):
    for number in range(6):
        EvaluationAnswer.objects.create(
            session=session,
            edit_key_hash=uuid.uuid4().hex,
            rating_session=4,
            comment=f"Zoë vond het ‘heel goed’; nummer {number}",
        )
    return session


def _csv(admin_client, session):
    url = reverse("evaluation_reports:session_export", args=[session.pk]) + "?export=csv"
    response = admin_client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8")


def test_dutch_admin_gets_a_csv_that_dutch_excel_splits_into_columns(admin_client, answered):
    text = _csv(admin_client, answered)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert len(rows[0]) > 5 and all(len(row) == len(rows[0]) for row in rows)
    assert len(rows) == 7
    assert any("Zoë vond het ‘heel goed’; nummer 0" in row for row in rows)  # the ";" inside is quoted


def test_english_admin_gets_commas(admin_client, admin_user, answered):
    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "en"
    profile.save()
    text = _csv(admin_client, answered)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert len(rows[0]) > 5 and all(len(row) == len(rows[0]) for row in rows)
    assert rows[0][0] == "Session"


def test_xlsx_is_still_there(admin_client, answered):
    url = reverse("evaluation_reports:session_export", args=[answered.pk]) + "?export=xlsx"
    response = admin_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"PK"
