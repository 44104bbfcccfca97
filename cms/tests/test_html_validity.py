"""The Nu Html Checker (vnu.jar) finds no error on the pages visitors see, in Dutch and in English.

Every page of the sitemap and every public form page (empty, and sent back with errors) is rendered with the test
client, written to a folder and checked in one run of the checker (one JVM start for all documents).

The checker comes from npm (`package.json`, `npm install` puts it in node_modules/) and runs on Java
(`VNU=1 bash scripts/system-deps.sh` installs both). Without them the test is skipped; under CI=true it fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from tests.services import service_unavailable

pytestmark = pytest.mark.django_db

LANGUAGES = ("nl", "en")
DEFAULT_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_command() -> list[str]:
    """`java -jar vnu.jar`, or a skip (a failure under CI=true) naming what is missing."""
    jar = Path(os.environ.get("VNU_JAR") or DEFAULT_JAR)
    java = shutil.which("java")
    if java is None:
        service_unavailable("java is not installed (VNU=1 bash scripts/system-deps.sh installs it)")
    if not jar.is_file():
        service_unavailable(f"the Nu Html Checker is missing at {jar} (run `npm install` at the top level)")
    return [java, "-Xss1024k", "-jar", str(jar)]


@pytest.fixture
def demo(db):
    """The demo content with a public session, a registration, a past session with an attendee and a proposed
    school request: everything a visitor can reach."""
    from django.core.management import call_command

    from home.models import LessonPage, TrainingPage
    from workshops.models import Registration, SchoolBookingRequest, Session

    call_command("load_initial_data", verbosity=0, stdout=open(os.devnull, "w"))
    training = TrainingPage.objects.live().first()
    start = timezone.now() + timedelta(days=12)
    session = Session.objects.create(
        training=training,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        mode=Session.Mode.ONLINE,
        meeting_url="https://meet.example.org/qpido-room",
        capacity=8,
        language="nl",
        is_public=True,
    )
    registrations = {
        code: Registration.objects.create(
            session=session,
            name="Html Tester",
            email=f"html.{code}@example.org",
            status=Registration.Status.CONFIRMED,
            language=code,
            consent_at=timezone.now(),
        )
        for code in LANGUAGES
    }
    end = timezone.now() - timedelta(hours=3)
    past = Session.objects.create(
        training=training, starts_at=end - timedelta(hours=3), ends_at=end, capacity=20, language="nl"
    )
    attendees = {
        code: Registration.objects.create(
            session=past,
            name="Past Tester",
            email=f"past.{code}@example.org",
            status=Registration.Status.ATTENDED,
            language=code,
            consent_at=timezone.now() - timedelta(days=10),
        )
        for code in LANGUAGES
    }
    lesson = LessonPage.objects.live().first()
    school = SchoolBookingRequest.objects.create(
        lesson=lesson,
        school_name="De Regenboog",
        contact_name="J. Jansen",
        email="school@example.org",
        phone="030 123 45 67",
        town="Utrecht",
        school_type=SchoolBookingRequest.SchoolType.choices[0][0],
        year_group="groep 8",
        groups=2,
        pupils=50,
        date_1=date.today() + timedelta(days=30),
        status=SchoolBookingRequest.Status.PROPOSED,
        proposed_starts_at=start,
        proposed_ends_at=start + timedelta(hours=2),
        proposed_address="Schoolstraat 1, Utrecht",
    )
    return {
        "session": session,
        "registrations": registrations,
        "attendees": attendees,
        "lesson": lesson,
        "school": school,
    }


def _room_token(session) -> str | None:
    for module in ("evaluations.services", "evaluations.services.evaluation", "workshops.services.evaluation"):
        try:
            service = __import__(module, fromlist=["room_token"])
        except ImportError:
            continue
        if hasattr(service, "room_token"):
            return service.room_token(session)
    return None


def sitemap_paths(client) -> list[str]:
    """Every URL of the sitemap (both languages), as paths."""
    xml = client.get("/sitemap.xml").content.decode()
    return sorted({re.sub(r"^https?://[^/]+", "", loc) for loc in re.findall(r"<loc>([^<]+)</loc>", xml)})


def form_documents(demo, language: str) -> dict[str, tuple[str, str, dict | None]]:
    """name → (method, path, POST data) of every public form page, empty and sent back with errors, plus the
    pages around them (confirmation, manage, link problems, search, filters)."""
    from workshops.tokens import make_token

    session, lesson = demo["session"], demo["lesson"]
    registration, attendee = demo["registrations"][language], demo["attendees"][language]
    with translation.override(language):
        register = reverse("workshops:register", args=[session.pk])
        school = reverse("workshops:school_request", args=[lesson.pk])
        evaluation = reverse("evaluation:answer", args=[make_token(attendee, "evaluation")])
        manage_token = make_token(registration, "manage")
        documents = {
            "register": ("get", register, None),
            "register-errors": ("post", register, {"name": "", "email": "not-an-address"}),
            "registered": ("get", reverse("workshops:registered", args=[manage_token]), None),
            "manage": ("get", reverse("workshops:manage", args=[manage_token]), None),
            "manage-notice": ("get", reverse("workshops:manage", args=[manage_token]) + "?notice=homework", None),
            "link-invalid": ("get", reverse("workshops:manage", args=["forged-token"]), None),
            "school-request": ("get", school, None),
            "school-request-errors": ("post", school, {"school_name": "", "email": "x", "pupils": "0"}),
            "school-request-sent": ("get", reverse("workshops:school_request_sent"), None),
            "school-response": (
                "get",
                reverse("workshops:school_response", args=[make_token(demo["school"], "school")]),
                None,
            ),
            "evaluation": ("get", evaluation, None),
            "evaluation-errors": ("post", evaluation, {"rating_session": "9", "actions_due": ["2020-01-01"]}),
            "search-empty": ("get", reverse("home:search"), None),
            "search": ("get", reverse("home:search") + "?q=sexting", None),
            "search-nothing": ("get", reverse("home:search") + "?q=zzzzqqq", None),
            "not-found": ("get", ("/" if language == "nl" else "/en/") + "bestaat-niet-does-not-exist/", None),
        }
        room = _room_token(session)
        if room:
            documents["evaluation-room"] = ("get", reverse("evaluation:room", args=[room]), None)
    return documents


def filter_paths(client, paths: list[str]) -> list[str]:
    """The filter links (?theme=, ?audience=, ?topic=) found on the index and help pages, one of each kind."""
    found = set()
    for path in paths:
        html = client.get(path).content.decode()
        for key in ("theme", "audience", "topic"):
            match = re.search(rf'href="([^"?]*\?{key}=[^"&]+)"', html)
            if match:
                found.add(match.group(1))
    return sorted(found)


def collect_documents(client, demo) -> tuple[dict[str, tuple[str, bytes]], list[str]]:
    """file name → (what it is, HTML bytes), and the pages that answered with a 5xx (there should be none)."""
    documents: dict[str, tuple[str, bytes]] = {}
    broken: list[str] = []

    def add(label: str, method: str, path: str, data=None):
        response = client.post(path, data) if method == "post" else client.get(path)
        if response.status_code >= 500:
            broken.append(f"{label} {path} answered {response.status_code}")
            return
        if response.status_code in (301, 302):
            return
        assert "text/html" in response.get("Content-Type", ""), f"{label} {path} is not HTML"
        name = f"{len(documents):03d}-{re.sub(r'[^a-z0-9]+', '-', label.lower()).strip('-')[:60]}.html"
        documents[name] = (f"{label} ({method.upper()} {path})", response.content)

    pages = sitemap_paths(client)
    assert len(pages) >= 20, pages
    for path in pages:
        add(f"page {path}", "get", path)
    for path in filter_paths(client, pages):
        add(f"filter {path}", "get", path)
    for language in LANGUAGES:
        for name, (method, path, data) in form_documents(demo, language).items():
            add(f"{language} {name}", method, path, data)
    return documents, broken


def run_vnu(folder: Path) -> list[dict]:
    result = subprocess.run(
        [*vnu_command(), "--errors-only", "--format", "json", "--stdout", "--skip-non-html", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        return json.loads(result.stdout or "{}").get("messages", [])
    except json.JSONDecodeError:
        pytest.fail(f"the checker did not answer in JSON (exit {result.returncode}): {result.stderr[-2000:]}")


def test_every_page_and_form_is_valid_html(client, demo, tmp_path):
    command = vnu_command()  # skip early, before rendering, when the checker is missing
    assert command
    client.raise_request_exception = False
    documents, broken = collect_documents(client, demo)
    for name, (_label, content) in documents.items():
        (tmp_path / name).write_bytes(content)
    messages = run_vnu(tmp_path)
    errors = []
    for message in messages:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        name = Path(message.get("url", "")).name
        label = documents.get(name, (name, b""))[0]
        errors.append(
            f"{label} line {message.get('lastLine', '?')}: {message.get('message')}"
            f" [{(message.get('extract') or '').strip()[:120]}]"
        )
    print(f"Nu Html Checker: {len(documents)} documents, {len(errors)} errors")
    assert not errors, f"{len(errors)} HTML errors in {len(documents)} documents:\n" + "\n".join(errors)
    assert not broken, "server errors:\n" + "\n".join(broken)
