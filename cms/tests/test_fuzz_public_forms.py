"""Hypothesis posts generated input to every public form and token URL: never a 5xx, and invalid input gets field
errors in the page's language.

Generated input: odd Unicode (combining marks, right-to-left, emoji, NUL and other control characters, text that
grows under NFKC normalisation or case folding such as 150 × "ﬃ" and 200 × "ß"), very long values, HTML and SQL
fragments, missing fields, duplicated fields, and forged, truncated or wrong-purpose tokens. Raw request bodies add
every charset (latin-1, UTF-16, an unknown one), multipart/JSON/urlencoded confusion, random bytes, too many fields
and 1 MB fields, sent with and without Django's CSRF check (which reads the body before the view does).

Profiles (environment variable FUZZ_PROFILE): "ci" (default, a few examples per target, run by `make test`) and
"slow" (`make test-slow`, used by the test marked `slow` that sends at least 10,000 requests and prints the count).
"""

from __future__ import annotations

import datetime
import json
import os
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import polib
import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.test.client import encode_multipart
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

settings.register_profile(
    "ci",
    max_examples=12,
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "slow",
    max_examples=700,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("FUZZ_PROFILE", "ci"))

SLOW_MINIMUM_REQUESTS = 10_000
REQUESTS: Counter = Counter()
STATUSES: Counter = Counter()  # (target, status): the table the slow run prints

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202eevil\u202c",
    "Z\u0351\u0350\u034e\u0353a\u0324\u0345l\u0327g\u0326o",
    "👩‍👩‍👧‍👦" * 20,
    "\ufeff",
    "\r\n\t",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE workshops_registration; --",
    "' OR '1'='1",
    "%00%27%22",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "../../etc/passwd",
    "http://evil.example/",
    "a@b",
    "person@example.org",
    "x" * 5000,
    "ü" * 300,
    "ﬃ" * 150,  # 150 characters, 450 once NFKC-normalised
    "ß" * 200,  # 200 characters, 400 once case-folded
    "ﬃ" * 67 + "x",  # fits as typed, not once normalised
    "ﷺ" * 12,  # one character becomes eighteen under NFKC
    "İ" * 200,  # lower() makes two characters of each
    "\u200b\u200dAnna\u2066\u202eBakker\u2069\ufeff",
    "ｈｔｔｐ：／／evil．example",
    "Visit evil.example now",
    "9" * 40,
    "-1",
    "0",
    "1e309",
    "2026-02-30",
    "31-12-2030",
    "nl",
    "en",
    "on",
    "true",
]
text_values = st.one_of(
    st.sampled_from(NASTY),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=250, max_size=400),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.dates().map(lambda d: d.isoformat()),
)
# a field is missing, present once, or sent two or three times (duplicated fields)
field_value = st.one_of(st.none(), text_values, st.lists(text_values, min_size=2, max_size=3))


def form_data(fields: list[str], extra_keys: bool = True):
    base = st.fixed_dictionaries({name: field_value for name in fields})
    extras = st.dictionaries(st.sampled_from(["csrfmiddlewaretoken", "id", "pk", "status", "__proto__"]), text_values)
    return st.tuples(base, extras if extra_keys else st.just({})).map(
        lambda pair: {k: v for k, v in {**pair[0], **pair[1]}.items() if v is not None}
    )


def token_values(valid_tokens: list[str]):
    def mutate(token_and_index):
        token, index = token_and_index
        index %= max(len(token), 1)
        return token[:index] + ("A" if token[index : index + 1] != "A" else "B") + token[index + 1 :]

    valid = st.sampled_from(valid_tokens) if valid_tokens else st.nothing()
    return st.one_of(
        st.text(
            alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/"), min_size=1, max_size=80
        ),
        st.sampled_from(NASTY).filter(lambda t: t and "/" not in t),
        st.tuples(valid, st.integers(min_value=0, max_value=200)).map(mutate),
        valid.map(lambda t: t[: len(t) // 2]),
        valid.map(lambda t: t + ":x"),
        valid,
    )


# --- the page's language ---------------------------------------------------------------------------------------


def _catalogue_pairs() -> list[tuple[str, str]]:
    pairs = []
    for po in Path(django_settings.BASE_DIR).glob("**/locale/nl/LC_MESSAGES/django.po"):
        if ".venv" in po.parts:
            continue
        for entry in polib.pofile(str(po)):
            if entry.msgstr and entry.msgstr != entry.msgid and not entry.obsolete and len(entry.msgid) > 12:
                pairs.append((entry.msgid, entry.msgstr))
    return pairs


CATALOGUE = _catalogue_pairs()
ENGLISH_ONLY = {msgid for msgid, _ in CATALOGUE}
DUTCH_ONLY = {msgstr for _, msgstr in CATALOGUE}
ERROR_TEXT = re.compile(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', re.DOTALL)
ERROR_MARKERS = ('class="errorlist', 'role="alert"', "form-errors", "field-error", "notice-closed")


def error_messages(html: str) -> list[str]:
    messages = []
    for block in ERROR_TEXT.findall(html):
        messages += [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", block, re.DOTALL)]
    return [m for m in messages if m]


def check_response(response, language: str, *, form: bool, where: str):
    REQUESTS[where] += 1
    STATUSES[where, response.status_code] += 1
    assert response.status_code < 500, f"{where}: {response.status_code}"
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return
    html = response.content.decode()
    assert f'<html lang="{language}"' in html, f"{where}: the page is not in {language}"
    if form and response.request["REQUEST_METHOD"] == "POST":
        assert any(marker in html for marker in ERROR_MARKERS), f"{where}: refused input but no error is shown"
    wrong = DUTCH_ONLY if language == "en" else ENGLISH_ONLY
    for message in error_messages(html):
        assert message not in wrong, f"{where}: error in the wrong language: {message!r}"


# --- the site under test ---------------------------------------------------------------------------------------


@pytest.fixture
def fuzz_site(db):
    from django.core.management import call_command

    from evaluations.services.evaluation import edit_token, room_token
    from home.models import LessonPage, TrainingPage
    from workshops import tokens
    from workshops.models import Registration, SchoolBookingRequest, Session

    call_command("load_initial_data", verbosity=0, stdout=open(os.devnull, "w"))
    training, lesson = TrainingPage.objects.live().first(), LessonPage.objects.live().first()
    start = timezone.now() + datetime.timedelta(days=10)
    future = Session.objects.create(
        training=training, starts_at=start, ends_at=start + datetime.timedelta(hours=2), capacity=3
    )
    past = Session.objects.create(
        training=training,
        starts_at=timezone.now() - datetime.timedelta(hours=5),
        ends_at=timezone.now() - datetime.timedelta(hours=2),
    )
    registration = Registration.objects.create(
        session=future, name="Fuzz Person", email="fuzz@example.org", status="confirmed", consent_at=start
    )
    participant = Registration.objects.create(
        session=past, name="Fuzz Participant", email="fuzz.p@example.org", status="attended", consent_at=start
    )
    school = SchoolBookingRequest.objects.create(
        lesson=lesson,
        school_name="Fuzz school",
        contact_name="Fuzz contact",
        email="school@example.org",
        phone="020 123 4567",
        town="Utrecht",
        school_type="primary",
        year_group="7",
        groups=1,
        pupils=20,
        date_1=(start + datetime.timedelta(days=20)).date(),
    )
    return {
        "future": future,
        "lesson": lesson,
        "manage": [tokens.make_token(registration, "manage")],
        "homework": [tokens.make_token(registration, "homework")],
        "evaluation": [tokens.make_token(participant, "evaluation"), tokens.make_token(registration, "manage")],
        "school": [tokens.make_token(school, "school")],
        "room": [room_token(past)],
        "edit": [edit_token("not-a-real-key")],
    }


def url(name: str, language: str, *args) -> str:
    """The URL with its arguments as they are: reverse() quotes them once (quoting them here too sent every valid
    token twice-encoded, so the fuzzer never reached a real personal page)."""
    with translation.override(language):
        return reverse(name, args=list(args))


REGISTRATION_FIELDS = ["name", "email", "organisation", "role", "language", "consent", "website"]
SCHOOL_FIELDS = [
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
    "consent",
    "website",
]
EVALUATION_FIELDS = [
    "suggestions_professional",
    "factors_professional",
    "factors_environment",
    "factors_victim",
    "top_1",
    "top_2",
    "top_3",
    "new_insights",
    "learned",
    "needs",
    "actions_text",
    "actions_owner",
    "actions_due",
    "rating_session",
    "rating_material",
    "did_homework",
    "comment",
    "respondent_name",
    "more_rows",
    "save",
]
languages = st.sampled_from(["nl", "en"])
client = Client(raise_request_exception=True)
# As a browser meets the site in production: the CSRF check reads the body before any view does (a browser has
# the CSRF cookie; the form carries the same secret).
CSRF_SECRET = "c" * 32
csrf_client = Client(raise_request_exception=True, enforce_csrf_checks=True)
csrf_client.cookies["csrftoken"] = CSRF_SECRET


def fuzz_registration(site, language, data):
    response = client.post(url("workshops:register", language, site["future"].pk), data)
    check_response(response, language, form=True, where="register")


def fuzz_school_request(site, language, data):
    response = client.post(url("workshops:school_request", language, site["lesson"].pk), data)
    check_response(response, language, form=True, where="school request")


def fuzz_manage(site, language, token, data):
    target = url("workshops:manage", language, token)
    check_response(client.get(target), language, form=False, where="manage (GET)")
    check_response(client.post(target, data), language, form=False, where="manage (POST)")
    check_response(client.get(url("workshops:registered", language, token)), language, form=False, where="registered")
    check_response(client.get(url("workshops:manage_ics", language, token)), language, form=False, where="manage .ics")


def fuzz_homework(site, language, token, kind):
    target = url("workshops:homework", language, token, kind)
    check_response(client.get(target), language, form=False, where="homework link")


def fuzz_school_response(site, language, token, data):
    target = url("workshops:school_response", language, token)
    check_response(client.get(target), language, form=False, where="school response (GET)")
    check_response(client.post(target, data), language, form=False, where="school response (POST)")


def fuzz_evaluation(site, language, token, kind, data):
    target = url(f"evaluation:{kind}", language, token)
    check_response(client.get(target), language, form=False, where=f"evaluation {kind} (GET)")
    response = client.post(target, data)
    check_response(response, language, form=False, where=f"evaluation {kind} (POST)")


def fuzz_search_and_language(site, language, query, data):
    with translation.override(language):
        search = reverse("home:search")
    check_response(client.get(search, {"q": query}), language, form=False, where="search")
    REQUESTS["set language"] += 1
    assert client.post("/i18n/setlang/", data).status_code < 500


# --- raw request bodies: charsets, content types, sizes ----------------------------------------------------------

CHARSETS = ["", "utf-8", "latin-1", "iso-8859-15", "windows-1252", "utf-16", "utf-32", "shift_jis", "koi8-r", "x-nope"]
CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "multipart/form-data; boundary=BoUnDaRy",
    "application/json",
    "text/plain",
    "application/xml",
    "",
]
ENCODINGS = ["urlencoded", "raw", "json", "multipart", "bytes"]


def _codec(charset: str) -> str:
    import codecs

    try:
        return codecs.lookup(charset).name if charset else "utf-8"
    except LookupError:
        return "utf-8"


def raw_body(encoding: str, fields: dict, charset: str, blob: bytes) -> bytes:
    """The fields as one request body: percent-encoded in the charset, written out raw in it, as JSON, as
    multipart, or just bytes."""
    pairs = [(k, v) for k, values in fields.items() for v in (values if isinstance(values, list) else [values])]
    codec = _codec(charset)
    if encoding == "urlencoded":
        return urlencode(pairs, encoding=codec, errors="replace").encode("ascii")
    if encoding == "raw":
        return "&".join(f"{k}={v}" for k, v in pairs).encode(codec, errors="replace")
    if encoding == "json":
        return json.dumps(fields).encode(codec, errors="replace")
    if encoding == "multipart":
        return encode_multipart("BoUnDaRy", dict(pairs))
    return blob


raw_requests = st.fixed_dictionaries(
    {
        "encoding": st.sampled_from(ENCODINGS),
        "content_type": st.sampled_from(CONTENT_TYPES),
        "charset": st.sampled_from(CHARSETS),
        "blob": st.binary(max_size=300),
        "csrf": st.booleans(),
    }
)
RAW_TARGETS = ["register", "school request", "evaluation room", "set language"]


def raw_target_url(site, target: str, language: str) -> str:
    if target == "register":
        return url("workshops:register", language, site["future"].pk)
    if target == "school request":
        return url("workshops:school_request", language, site["lesson"].pk)
    if target == "evaluation room":
        return url("evaluation:room", language, site["room"][0])
    return "/i18n/setlang/"


def fuzz_raw_body(site, language, target, fields, request):
    content_type = request["content_type"]
    if request["charset"] and content_type:
        content_type = f"{content_type}; charset={request['charset']}"
    if request["csrf"]:
        fields = {"csrfmiddlewaretoken": CSRF_SECRET, **fields}
    body = raw_body(request["encoding"], fields, request["charset"], request["blob"])
    sender = csrf_client if request["csrf"] else client
    response = sender.generic(
        "POST", raw_target_url(site, target, language), body, content_type=content_type, HTTP_ACCEPT_LANGUAGE=language
    )
    check_response(response, language, form=False, where=f"raw body: {target}")
    if response.status_code == 400 and target != "set language":
        page = response.content.decode()
        assert f'<html lang="{language}"' in page, f"{target}: the 400 page is not in {language}"
    return response


# --- make test: a few examples per target ----------------------------------------------------------------------


@pytest.mark.django_db
@given(language=languages, data=form_data(REGISTRATION_FIELDS))
def test_fuzz_registration_form(fuzz_site, language, data):
    fuzz_registration(fuzz_site, language, data)


@pytest.mark.django_db
@given(language=languages, data=form_data(SCHOOL_FIELDS))
def test_fuzz_school_request_form(fuzz_site, language, data):
    fuzz_school_request(fuzz_site, language, data)


@pytest.mark.django_db
@given(language=languages, choice=st.data())
def test_fuzz_manage_links(fuzz_site, language, choice):
    token = choice.draw(token_values(fuzz_site["manage"]))
    data = choice.draw(form_data(["action"]))
    fuzz_manage(fuzz_site, language, token, data)


@pytest.mark.django_db
@given(language=languages, choice=st.data())
def test_fuzz_homework_links(fuzz_site, language, choice):
    token = choice.draw(token_values(fuzz_site["homework"]))
    kind = choice.draw(
        st.one_of(
            st.sampled_from(["podcast", "background", "cheat-sheet"]),
            st.from_regex(r"[-a-z0-9_]{1,30}", fullmatch=True),
        )
    )
    fuzz_homework(fuzz_site, language, token, kind)


@pytest.mark.django_db
@given(language=languages, choice=st.data())
def test_fuzz_school_response_links(fuzz_site, language, choice):
    token = choice.draw(token_values(fuzz_site["school"]))
    data = choice.draw(form_data(["action"]))
    fuzz_school_response(fuzz_site, language, token, data)


@pytest.mark.django_db
@given(language=languages, choice=st.data())
def test_fuzz_evaluation_form_and_links(fuzz_site, language, choice):
    kind = choice.draw(st.sampled_from(["answer", "room", "edit"]))
    source = {"answer": "evaluation", "room": "room", "edit": "edit"}[kind]
    token = choice.draw(token_values(fuzz_site[source]))
    data = choice.draw(form_data(EVALUATION_FIELDS))
    fuzz_evaluation(fuzz_site, language, token, kind, data)


@pytest.mark.django_db
@given(language=languages, query=text_values, data=form_data(["language", "next"]))
@example(language="nl", query="a\x00b", data={"language": "\x00"})  # the slow run found a 500 here once
def test_fuzz_search_and_language_switch(fuzz_site, language, query, data):
    fuzz_search_and_language(fuzz_site, language, query, data)


@pytest.mark.django_db
@given(language=languages, target=st.sampled_from(RAW_TARGETS), choice=st.data())
@example(  # a registration posted as latin-1 (as an old client or a scanner does) used to answer 500
    language="nl",
    target="register",
    choice=None,
)
def test_fuzz_request_bodies_in_any_charset_and_content_type(fuzz_site, language, target, choice):
    if choice is None:
        fields = {"name": "Jérôme Müller", "email": "jerome@example.org", "language": "nl", "consent": "on"}
        request = {"encoding": "urlencoded", "content_type": CONTENT_TYPES[0], "charset": "latin-1", "blob": b""}
        for csrf in (False, True):
            fuzz_raw_body(fuzz_site, language, target, fields, {**request, "csrf": csrf})
        return
    fields = choice.draw(form_data(REGISTRATION_FIELDS if target == "register" else SCHOOL_FIELDS))
    fuzz_raw_body(fuzz_site, language, target, fields, choice.draw(raw_requests))


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_latin_1_form_gets_a_400_page_in_the_visitors_language(fuzz_site, language):
    body = urlencode(
        {"name": "Jérôme Müller", "email": "j@example.org", "language": language, "csrfmiddlewaretoken": CSRF_SECRET},
        encoding="latin-1",
    )
    for sender in (client, csrf_client):
        response = sender.generic(
            "POST",
            url("workshops:register", language, fuzz_site["future"].pk),
            body.encode("ascii"),
            content_type="application/x-www-form-urlencoded; charset=latin-1",
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert f'<html lang="{language}"' in page
        expected = "This form could not be read" if language == "en" else "Dit formulier kon niet gelezen worden"
        assert expected in page


ONE_MB = "x" * 1_000_000


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
def test_one_megabyte_fields_and_oversized_bodies_get_an_answer_not_an_error(fuzz_site, language):
    site = fuzz_site
    posts = [
        ("register", url("workshops:register", language, site["future"].pk), {"name": ONE_MB, "email": "a@b.nl"}),
        ("school request", url("workshops:school_request", language, site["lesson"].pk), {"remarks": ONE_MB}),
        ("evaluation", url("evaluation:room", language, site["room"][0]), {"comment": ONE_MB, "top_1": ONE_MB}),
        ("evaluation items", url("evaluation:room", language, site["room"][0]), {"factors_victim": [ONE_MB] * 2}),
        ("three megabytes", url("workshops:register", language, site["future"].pk), {"name": ONE_MB * 3}),
        (
            "two thousand fields",
            url("workshops:register", language, site["future"].pk),
            {f"f{n}": "x" for n in range(2000)},
        ),
    ]
    for where, target, data in posts:
        response = client.post(target, data, HTTP_ACCEPT_LANGUAGE=language)
        check_response(response, language, form=response.status_code == 200, where=f"large: {where}")
        assert response.status_code in (200, 400), f"{where}: {response.status_code}"
        assert len(response.content) < 200_000, f"{where} sends the megabyte back"


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["ﬃ" * 150, "ß" * 200, "ﬃ" * 67 + "x", "ﷺ" * 12])
def test_text_that_grows_under_normalisation_gets_a_field_error(fuzz_site, text):
    from evaluations.models import EvaluationAnswer

    target = url("evaluation:room", "en", fuzz_site["room"][0])
    before = EvaluationAnswer.objects.count()  # the demo content has answers of its own
    for data in ({"top_1": text, "rating_session": "4"}, {"factors_victim": [text], "rating_session": "4"}):
        response = client.post(target, data)
        assert response.status_code == 200
        assert "is too long" in response.content.decode() or "At most 200 characters" in response.content.decode()
    assert EvaluationAnswer.objects.count() == before
    # as long as the grouping key fits, the same characters are fine
    response = Client().post(target, {"top_1": "ﬃ" * 60, "factors_victim": ["ß" * 90], "rating_session": "4"})
    assert response.status_code == 302
    assert EvaluationAnswer.objects.count() == before + 1


# --- make test-slow: at least 10,000 generated requests --------------------------------------------------------


@pytest.mark.slow
@pytest.mark.django_db
def test_fuzz_everything_ten_thousand_requests(fuzz_site):
    """Runs every target with the "slow" profile's example count until at least 10,000 requests were sent."""
    REQUESTS.clear()
    examples = settings.get_profile("slow").max_examples
    slow = settings(settings.get_profile("slow"), max_examples=examples)
    site = fuzz_site

    @slow
    @given(language=languages, data=form_data(REGISTRATION_FIELDS))
    def registration(language, data):
        fuzz_registration(site, language, data)

    @slow
    @given(language=languages, data=form_data(SCHOOL_FIELDS))
    def school(language, data):
        fuzz_school_request(site, language, data)

    @slow
    @given(language=languages, choice=st.data())
    def links(language, choice):
        fuzz_manage(site, language, choice.draw(token_values(site["manage"])), choice.draw(form_data(["action"])))
        fuzz_homework(site, language, choice.draw(token_values(site["homework"])), "podcast")
        fuzz_school_response(
            site, language, choice.draw(token_values(site["school"])), choice.draw(form_data(["action"]))
        )

    @slow
    @given(language=languages, choice=st.data())
    def evaluation(language, choice):
        kind = choice.draw(st.sampled_from(["answer", "room", "edit"]))
        source = {"answer": "evaluation", "room": "room", "edit": "edit"}[kind]
        fuzz_evaluation(
            site, language, choice.draw(token_values(site[source])), kind, choice.draw(form_data(EVALUATION_FIELDS))
        )

    @slow
    @given(language=languages, query=text_values, data=form_data(["language", "next"]))
    def search(language, query, data):
        fuzz_search_and_language(site, language, query, data)

    @slow
    @given(language=languages, target=st.sampled_from(RAW_TARGETS), choice=st.data())
    def bodies(language, target, choice):
        fields = choice.draw(form_data(REGISTRATION_FIELDS if target == "register" else SCHOOL_FIELDS))
        fuzz_raw_body(site, language, target, fields, choice.draw(raw_requests))

    STATUSES.clear()
    rounds = 0
    while sum(REQUESTS.values()) < SLOW_MINIMUM_REQUESTS and rounds < 20:
        for target in (registration, school, links, evaluation, search, bodies):
            target()
            if sum(REQUESTS.values()) >= SLOW_MINIMUM_REQUESTS:
                break
        rounds += 1
    total = sum(REQUESTS.values())
    print(
        f"\nfuzz: {total} generated requests, none answered 5xx: " + ", ".join(f"{k} {v}" for k, v in REQUESTS.items())
    )
    print(status_table())
    assert total >= SLOW_MINIMUM_REQUESTS


def status_table() -> str:
    """Requests per target and status code, as a plain table."""
    codes = sorted({code for _target, code in STATUSES})
    targets = sorted({target for target, _code in STATUSES})
    width = max([len(t) for t in targets] + [6])
    lines = [f"{'target':<{width}} " + " ".join(f"{code:>6}" for code in codes)]
    for target in targets:
        lines.append(f"{target:<{width}} " + " ".join(f"{STATUSES[target, code]:>6}" for code in codes))
    lines.append(f"{'total':<{width}} " + " ".join(f"{sum(STATUSES[t, code] for t in targets):>6}" for code in codes))
    return "\n".join(lines)


@pytest.fixture(scope="module", autouse=True)
def _print_status_table():
    """After the module: the status table of every request it sent (shown with -s or -rA)."""
    yield
    if STATUSES:
        print("\nfuzz status table\n" + status_table())
