"""Outbox mail over SMTP: the bytes the worker writes are the mail Django would build, the HTML is the one Django's
urlize and a full template render give, and the server accepts a mail only after the previous mail's "sent" mark
was written (a killed worker duplicates at most the mail in flight)."""

import asyncio
import email
import random
import smtplib
import threading
from email.policy import default as default_policy
from email.utils import parseaddr

import psycopg
import pytest
from aiosmtpd.controller import Controller
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import sanitize_address
from django.db import connection
from django.utils.html import urlize as django_urlize

from events import render
from events.api import Attachment, Recipient
from events.models import EventLog, MailRule, MailTemplate, OutboxMail
from events.render import sample_context
from events.services import outbox
from tests.smtp_sink import Sink, SinkServer, seed_defaults, use_sink

pytestmark = pytest.mark.django_db

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nSUMMARY:Tr\xc3\xa4ining\r\nEND:VCALENDAR\r\n"


@pytest.fixture(autouse=True)
def defaults(db):
    seed_defaults()


# --- rendering ------------------------------------------------------------------------------------------------
TRICKY_LINES = [
    "",
    "Beste Zoë & <Jan> \"Q\" 'O'Neil',",
    "Kijk op https://example.org/a?b=1&c=2. Of www.example.com, of (https://example.org/x).",
    "Mail ons: info@example.org; of [hulp@example.nl]!",
    "Om 19:30. Daarna: pauze… en &amp; &lt; &#x27; &nbsp; rest;",
    "http://[::1]/x https://x.y/z). (a) [b] {c}",
    "- https://example.org/list-item",
    "example.org/pad en voorbeeld.net, niet voorbeeld.nl",
    "mailto:iemand@example.org en javascript:alert(1)",
]


def test_urlize_gives_djangos_output_word_for_word():
    lines = list(TRICKY_LINES)
    for template in MailTemplate.objects.all():
        for language in ("nl", "en"):
            lines += render.fill(template.body_for(language), sample_context(language)).split("\n")
    pieces = ["a", "b.", ".", "@", ":", ";", "&", "&amp;", "(", ")", "[", "]", "<", ">", '"', "'", " ", "\t", "é"]
    pieces += ["http://", "https://", "www.", ".com", ".org", "x@y.nl", "mailto:", "!", ","]
    generator = random.Random(7)
    lines += ["".join(generator.choice(pieces) for _ in range(generator.randint(0, 14))) for _ in range(3000)]
    for line in lines:
        assert render.urlize(line) == django_urlize(line, autoescape=True), line


def test_render_gives_the_html_of_a_full_template_render_with_djangos_urlize(monkeypatch):
    contexts = [sample_context("nl"), sample_context("en")]
    contexts.append(dict(sample_context("nl"), first_name="Zoë & <Jan>", online_rules="\n".join(TRICKY_LINES)))
    fast = [
        render.render(template, language, context)
        for template in MailTemplate.objects.all()
        for language in ("nl", "en")
        for context in contexts
    ]
    # the reference: Django's urlize, and the whole template rendered for every mail (no cached layout)
    monkeypatch.setattr(render, "urlize", lambda line: django_urlize(line, autoescape=True))
    monkeypatch.setattr(render, "_layout", lambda language, subject: None)
    reference = [
        render.render(template, language, context)
        for template in MailTemplate.objects.all()
        for language in ("nl", "en")
        for context in contexts
    ]
    assert fast == reference
    assert all('style="' in mail.html and "<style" not in mail.html for mail in fast)


# --- the message bytes ------------------------------------------------------------------------------------------
def _django_bytes(case) -> bytes:
    message = EmailMultiAlternatives(
        case["subject"],
        case["text"],
        case["from_email"],
        [case["to_email"]],
        headers={"Message-ID": case["message_id"], "Auto-Submitted": "auto-generated"},
    )
    if case["html"]:
        message.attach_alternative(case["html"], "text/html")
    for attachment in case["attachments"]:
        message.attach(*attachment)
    return message.message().as_bytes(linesep="\r\n")


def _parsed(data: bytes) -> dict:
    """What a mail client sees: the headers (decoded, Date aside) and every part's type, name and content."""
    message = email.message_from_bytes(data, policy=default_policy)
    seen = {name: str(value) for name, value in message.items() if name not in ("Date", "Content-Type")}
    seen["Content-Type"] = message.get_content_type()  # without the random boundary
    parts = []
    for part in message.walk():
        assert not part.defects, part.defects
        if part.is_multipart():
            parts.append(part.get_content_type())
        else:
            parts.append((part.get_content_type(), part.get_filename(), part.get_content()))
    seen["parts"] = parts
    return seen


CASES = {
    "plain ascii": dict(subject="Je aanmelding is bevestigd", text="Beste Sam,\n\nTot dan.\n", html="<p>Tot dan.</p>"),
    "non-ascii everywhere, long lines": dict(
        subject="Überraschung für dich – één ☃ " * 3,
        text="Zoë,\n\n" + "lange regel é " * 120 + "\n",
        html="<p>" + "x" * 1500 + "</p>",
        from_email="Stichting Ünïcode <no-reply@qpido.nl>",
        to_email="zoe.o'neil+x@example.org",
        attachments=[
            ("session.ics", ICS, "text/calendar"),
            ("hé.pdf", bytes(range(256)), "application/pdf"),
            ("bad.txt", b"\xff\xfe", "text/plain"),
        ],
    ),
    "text only, long ascii subject, international domain": dict(
        subject="A subject long enough to be folded because it is longer than seventy-eight characters in all",
        text=".leading dot\r\nwindows line\rold mac line\n",
        html="",
        to_email="user@bücher.example",
    ),
    "html only, quoted local part": dict(
        subject="Alleen HTML", text="", html="<p>x</p>", to_email='"quoted name"@example.org', attachments=[]
    ),
}


class Keeper(Sink):
    """A sink that keeps the raw bytes and the envelope of what arrives."""

    def __init__(self):
        super().__init__()
        self.raw: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.raw.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return await super().handle_DATA(server, session, envelope)


def _row(case) -> OutboxMail:
    """A rendered row, as the worker holds it just before sending."""
    return OutboxMail(
        subject=case["subject"],
        body_text=case["text"],
        body_html=case["html"],
        to_email=case["to_email"],
        message_id=case["message_id"],
        attachments=outbox._encode_attachments([Attachment(*a) for a in case["attachments"]]),
    )


@pytest.mark.parametrize("name", CASES)
def test_message_bytes_are_the_mail_django_builds(name, settings):
    case = {
        "from_email": "Qpido <no-reply@qpido.nl>",
        "to_email": "b0@example.org",
        "attachments": [("session.ics", ICS, "text/calendar")],
        "message_id": "<123.456@qpido.nl>",
        **CASES[name],
    }
    keeper = Keeper()
    with _serve(keeper, 2532) as sink:
        use_sink(settings, sink.port)
        backend = get_connection()
        backend.open()
        try:
            outbox._send(_row(case), case["from_email"], backend, meanwhile=lambda: None)
        finally:
            backend.close()
    [(envelope_from, envelope_to, data)] = keeper.raw
    assert _parsed(data) == _parsed(_django_bytes(case))
    # the envelope carries the bare addresses (smtplib takes them from the sanitised headers)
    assert envelope_from == parseaddr(sanitize_address(case["from_email"], "utf-8"))[1]
    assert envelope_to == [parseaddr(sanitize_address(case["to_email"], "utf-8"))[1]]
    lines = data.split(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"") and b"\r" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 998
    assert data.split(b"\r\n\r\n", 1)[0].isascii()  # headers are ASCII (RFC 2047 encoded)


@pytest.mark.parametrize("name", CASES)
def test_the_outbox_message_writes_the_very_bytes_django_writes(name):
    """OutboxMessage only skips work (no Header round trip for headers that need no folding, a boundary without a
    search for clashes): with the same boundary and Date, its bytes are Django's, byte for byte."""
    case = {"from_email": "Qpido <no-reply@qpido.nl>", "to_email": "b0@example.org", "attachments": [], **CASES[name]}
    built = []
    for cls in (outbox.OutboxMessage, EmailMultiAlternatives):
        message = cls(
            case["subject"],
            case["text"],
            case["from_email"],
            [case["to_email"]],
            headers={"Message-ID": "<1.2@qpido.nl>", "Date": "Sun, 06 Dec 2026 12:00:00 +0100"},
        )
        if case["html"]:
            message.attach_alternative(case["html"], "text/html")
        for filename, content, mimetype in case["attachments"]:
            message.attach(filename, content, mimetype)
        mime = message.message()
        if mime.is_multipart():
            boundary = mime.get_boundary() if cls is outbox.OutboxMessage else built[0][1]
            mime.set_boundary(boundary)
            for part in mime.walk():
                if part.is_multipart() and part is not mime:  # nested parts: the same boundaries on both sides
                    part.set_boundary(boundary + "-inner")
        built.append((mime.as_bytes(linesep="\r\n"), mime.get_boundary() if mime.is_multipart() else None))
    assert built[0][0] == built[1][0]


def test_a_header_with_a_line_break_is_refused(mailoutbox):
    case = dict(CASES["plain ascii"], subject="Hallo\r\nBcc: x@example.org", to_email="b@example.org")
    case.update(message_id="<1@qpido.nl>", attachments=[])
    backend = get_connection()
    with pytest.raises(ValueError):
        outbox._send(_row(case), "no-reply@qpido.nl", backend, meanwhile=lambda: None)
    assert mailoutbox == []


# --- sending over SMTP ------------------------------------------------------------------------------------------
def _queue(count: int, attachments=()) -> list[int]:
    rule = MailRule.objects.select_related("template").get(key="confirmation", training_key="")
    recipients = [
        Recipient(
            key=f"test:{i}",
            email=f"p{i}@example.org",
            language="en" if i % 2 else "nl",
            context=dict(sample_context("en" if i % 2 else "nl"), first_name=f"Zoë{i}"),
            attachments=attachments,
        )
        for i in range(count)
    ]
    return outbox.insert_rows([outbox.build_row(rule, "test:mail", recipient) for recipient in recipients])


def _serve(sink: Sink, preferred_port: int) -> SinkServer:
    """The shared SinkServer (its port choice), answering with `sink`."""
    server = SinkServer(preferred_port)
    server.sink = sink
    sink.port = server.port
    server.controller = Controller(sink, hostname="127.0.0.1", port=server.port)
    return server


@pytest.fixture
def sink(settings):
    with SinkServer(2533) as sink:
        use_sink(settings, sink.port)
        yield sink


def test_a_batch_over_smtp_arrives_whole_in_each_language_with_its_attachment(sink):
    ids = _queue(6, attachments=(Attachment("session.ics", ICS, "text/calendar"),))
    assert outbox.send_batch(ids) == {"sent": 6}
    received = {m.to: m for m in sink.received()}
    assert set(received) == {f"p{i}@example.org" for i in range(6)}
    assert received["p1@example.org"].subject == "Your registration is confirmed"
    assert received["p0@example.org"].subject == "Je aanmelding is bevestigd"
    assert received["p1@example.org"].text.startswith("Dear Zoë1,")
    assert received["p0@example.org"].language == "nl"
    for row in OutboxMail.objects.filter(pk__in=ids):
        assert row.status == "sent" and received[row.to_email].message_id == row.message_id
        assert row.body_html and row.subject
    assert EventLog.objects.filter(action="mail_sent", object_id__in=[str(pk) for pk in ids]).count() == 6


def test_the_message_as_received_has_sender_name_alternatives_and_calendar(settings):
    seen = []

    class Keeper(Sink):
        async def handle_DATA(self, server, session, envelope):
            seen.append(envelope.original_content)
            return await super().handle_DATA(server, session, envelope)

    with _serve(Keeper(), 2534) as sink:
        use_sink(settings, sink.port)
        ids = _queue(1, attachments=(Attachment("session.ics", ICS, "text/calendar"),))
        outbox.send_batch(ids)
    message = email.message_from_bytes(seen[0], policy=default_policy)
    assert message["From"].addresses[0].addr_spec == "no-reply@qpido.nl" and message["From"].addresses[0].display_name
    assert message["Auto-Submitted"] == "auto-generated" and message["Date"] and message["Message-ID"]
    assert message.get_content_type() == "multipart/mixed"
    assert [p.get_content_type() for p in message.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
    ]
    calendar = [p for p in message.walk() if p.get_content_type() == "text/calendar"][0]
    assert calendar.get_filename() == "session.ics" and "Träining" in calendar.get_content()
    assert "Zoë0" in message.get_body(("html",)).get_content()


class CountingSink(Sink):
    """When a message arrives, counts in the database (a connection of its own) the mails marked sent. The first
    mail's row stays locked for a moment after it arrives, so its "sent" mark has to wait for the lock."""

    def __init__(self, connect):
        super().__init__()
        self.connect = connect
        self.sent_on_arrival: list[int] = []

    async def handle_DATA(self, server, session, envelope):
        with self.connect() as db:
            (count,) = db.execute(
                "SELECT count(*) FROM events_outboxmail WHERE scope = 'test:mail' AND status = 'sent'"
            ).fetchone()
        self.sent_on_arrival.append(count)
        if count == 0:
            locker = self.connect()
            locker.autocommit = False
            locker.execute("SELECT id FROM events_outboxmail WHERE to_email = %s FOR UPDATE", [envelope.rcpt_tos[0]])
            threading.Timer(0.5, locker.close).start()  # closing ends the transaction: the lock goes
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not connection.vendor == "postgresql", reason="the sink reads the marks over its own connection")
def test_each_mail_is_marked_sent_in_the_database_before_the_next_one_reaches_the_server(settings):
    params = connection.get_connection_params()
    with _serve(CountingSink(lambda: psycopg.connect(**params, autocommit=True)), 2533) as sink:
        use_sink(settings, sink.port)
        assert outbox.send_batch(_queue(8)) == {"sent": 8}
    # when mail n arrived, the n mails before it were marked sent (committed) and it was not: also the second mail,
    # although the first one's mark waited half a second for a lock
    assert sink.sent_on_arrival == list(range(8))
    assert OutboxMail.objects.filter(scope="test:mail", status="sent").count() == 8


def test_a_refused_address_does_not_stop_the_batch(sink):
    ids = _queue(5)
    sink.refuse.add("p1@example.org")
    result = outbox.send_batch(ids)
    assert result == {"sent": 4, "permanent": 1}
    assert sorted(m.to for m in sink.received()) == [f"p{i}@example.org" for i in (0, 2, 3, 4)]
    refused = OutboxMail.objects.get(to_email="p1@example.org")
    assert refused.status == "failed" and "550" in refused.last_error and "@" not in refused.last_error


def test_the_sender_is_read_once_a_minute(settings, django_assert_num_queries):
    settings.MAIL_SETTINGS_CACHE_SECONDS = 60
    outbox._SENDER = None
    try:
        first = outbox.sender()
        with django_assert_num_queries(0):
            assert outbox.sender() == first
    finally:
        outbox._SENDER = None


class ClosingSink(Sink):
    """Answers "421 closing" for one address at the chosen step (RCPT TO or the end of DATA), as a
    server that is shutting down does, and closes that connection; every other mail is accepted."""

    def __init__(self, address: str, step: str):
        super().__init__()
        self.address, self.step = address, step
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    def _closing(self, server):
        asyncio.get_running_loop().call_soon(server.transport.close)  # once the reply below is written
        return "421 4.3.2 Service shutting down, closing transmission channel"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.step == "rcpt" and address == self.address:
            return self._closing(server)
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    async def handle_DATA(self, server, session, envelope):
        if self.step == "data" and self.address in envelope.rcpt_tos:
            return self._closing(server)
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.parametrize("step", ["rcpt", "data"])
def test_after_a_421_the_batch_reconnects_and_the_next_mail_is_not_charged(settings, step):
    """The server closes the channel (421) during one mail: that mail waits for its retry and keeps its
    Message-ID; the mails after it go out over a new connection at their first attempt."""
    with _serve(ClosingSink("p1@example.org", step), 2534) as sink:
        use_sink(settings, sink.port)
        ids = _queue(4)
        assert outbox.send_batch(ids) == {"sent": 3, "temporary": 1}
        assert sorted(m.to for m in sink.received()) == ["p0@example.org", "p2@example.org", "p3@example.org"]
        assert sink.connections == 2
        rows = {row.to_email: row for row in OutboxMail.objects.filter(pk__in=ids)}
        deferred = rows["p1@example.org"]
        assert deferred.status == "queued" and deferred.attempts == 1 and "421" in deferred.last_error
        assert all(rows[f"p{i}@example.org"].attempts == 1 for i in (0, 2, 3))
        assert all(rows[f"p{i}@example.org"].status == "sent" for i in (0, 2, 3))

        sink.address = ""  # the server is back: the retry carries the Message-ID of the first attempt
        OutboxMail.objects.filter(pk=deferred.pk).update(due_at=deferred.created_at)
        assert outbox.send_batch([deferred.pk]) == {"sent": 1}
    [retried] = [m for m in sink.received() if m.to == "p1@example.org"]
    assert retried.message_id == deferred.message_id != ""
    assert OutboxMail.objects.get(pk=deferred.pk).attempts == 2


@pytest.mark.parametrize(
    "address",
    [
        "p1@example.org",
        "zoe.o'neil+x@example.org",
        "a.b-c_d@sub.example.co.uk",
        "UPPER@Example.ORG",
        "x!#$%&*/=?^_`{|}~-@example.org",
        '"quoted name"@example.org',
        "user@bücher.example",
        "zoë@example.org",
        "Zoë <z@example.org>",
        "Qpido <no-reply@qpido.nl>",
        "a..b@example.org",
        ".a@example.org",
        "a@example",
        "a@" + "x" * 64 + ".org",
    ],
)
def test_the_envelope_address_is_the_one_djangos_backend_and_smtplib_send(address):
    try:
        expected = smtplib.quoteaddr(sanitize_address(address, "utf-8"))
    except ValueError as exc:  # Django refuses it: so does the outbox
        with pytest.raises(type(exc)):
            outbox.envelope_address(address)
        return
    assert outbox.envelope_address(address) == expected
