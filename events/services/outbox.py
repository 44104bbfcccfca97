"""The outbox: insert each mail once, hand it to the worker after commit, claim it, send it, retry or fail it.

A mail is first a row (OutboxMail) and only then a task. The row's unique dedupe key (rule key, scope, recipient
key, occurrence) makes a second insert a no-op; the `send` task claims the row in one UPDATE (queued → sending)
and returns early when it did not get it, so a task delivered twice sends one mail. Broker trouble never loses a
mail: a row that was not handed over stays queued and the sweep hands it over again.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import secrets
import smtplib
import threading
import time
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from email.policy import Compat32
from functools import cached_property, lru_cache

from celery import current_app
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from events.contract import Recipient, Trigger, context_provider, providers
from events.models import EventLog, MailRule, OutboxMail
from events.services.rules import all_rules

logger = logging.getLogger("events.outbox")

BATCH_SIZE = 50  # mails per `send_batch` task, sent over one SMTP connection
RETRY_SCHEDULE = [60, 5 * 60, 15 * 60, 60 * 60, 3 * 60 * 60, 6 * 60 * 60, 12 * 60 * 60]  # seconds, by attempt
MAX_ATTEMPTS = len(RETRY_SCHEDULE) + 1
CLAIM_LEASE = timedelta(seconds=45)  # a row in `sending` whose claim was not renewed this long is re-queued
HEARTBEAT_SECONDS = 15  # how often a batch in progress renews its claim (see Heartbeat)
LOST_AFTER = timedelta(minutes=10)  # a row handed over this long ago and still queued: its message went missing
ENQUEUE_LIMIT = 5000  # rows handed over per tick/sweep; the rest follows a minute later

JOIN_TRIGGERS = (Trigger.REGISTRATION_CONFIRMED, Trigger.PROMOTED)

_EMAIL = re.compile(r"[^\s<>@]+@[^\s<>@]+")


# --- which rules apply --------------------------------------------------------------------------------------
def normalise_training_key(training_key) -> str:
    """ "training:5", "5" and 5 all name the same training: rules store the bare id."""
    return str(training_key or "").rsplit(":", 1)[-1].strip()


def rules_for(trigger: str, training_key: str | None) -> list[MailRule]:
    """Active rules for this trigger; a rule for this training replaces the general rule with the same key."""
    training_key = normalise_training_key(training_key)
    keys = [""] + ([training_key] if training_key else [])
    chosen: dict[str, MailRule] = {}
    for rule in all_rules():  # cached; see events/services/rules.py
        if rule.trigger != trigger or rule.training_key not in keys:
            continue
        if rule.key not in chosen or rule.training_key:
            chosen[rule.key] = rule
    return [rule for rule in chosen.values() if rule.is_active]


# --- insert -------------------------------------------------------------------------------------------------
def _encode_attachments(attachments) -> list[dict]:
    return [
        {"filename": a.filename, "mimetype": a.mimetype, "content": base64.b64encode(a.content).decode("ascii")}
        for a in attachments or ()
    ]


def build_row(rule: MailRule, scope: str, recipient: Recipient, occurrence: str = "", now=None) -> OutboxMail:
    return OutboxMail(
        rule=rule,
        rule_key=rule.key,
        scope=scope,
        recipient_key=recipient.key,
        occurrence=occurrence or "",
        to_email=recipient.email,
        language=recipient.language if recipient.language in ("nl", "en") else "nl",
        context=dict(recipient.context),
        attachments=_encode_attachments(recipient.attachments),
        due_at=now or timezone.now(),
        created_at=timezone.now(),
    )


_INSERT_FIELDS = [
    "rule",
    "rule_key",
    "scope",
    "recipient_key",
    "occurrence",
    "to_email",
    "language",
    "context",
    "attachments",
    "subject",
    "body_text",
    "body_html",
    "status",
    "attempts",
    "last_error",
    "due_at",
    "created_at",
    "message_id",
]


def insert_rows(rows: list[OutboxMail]) -> list[int]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id: the ids of the rows that are new (a repeat inserts nothing)."""
    if not rows:
        return []
    meta = OutboxMail._meta
    fields = [meta.get_field(name) for name in _INSERT_FIELDS]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    new_ids: list[int] = []
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        params = []
        for row in chunk:
            params.extend(f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields)
        placeholders = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(chunk))
        sql = (
            f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) VALUES {placeholders} "
            "ON CONFLICT (rule_key, scope, recipient_key, occurrence) DO NOTHING RETURNING id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            new_ids.extend(r[0] for r in cursor.fetchall())
    return new_ids


def queue_rows(rows: list[OutboxMail]) -> list[int]:
    """Insert rows once and hand the new ones to the worker after the surrounding transaction commits."""
    with transaction.atomic(savepoint=False):
        ids = insert_rows(rows)
        if ids:
            EventLog.record(
                "mail_queued", "outbox", ids[0], count=len(ids), rules=sorted({row.rule_key for row in rows})
            )
            transaction.on_commit(lambda: hand_over(ids))
    return ids


def fire_rules(
    trigger: str,
    recipients: list[Recipient],
    *,
    scope: str,
    training_key: str | None = None,
    occurrence: str = "",
) -> int:
    """Immediate triggers: one row per (active rule, recipient); see events.api.fire."""
    if trigger == Trigger.SESSION_CANCELLED:
        # nothing planned for a cancelled session goes out any more, except cancellation notices: every one fired
        # for this session, and a participant's own cancellation queued just before
        cancel_pending(scope, keep_triggers=(Trigger.SESSION_CANCELLED, Trigger.REGISTRATION_CANCELLED))
    rules = rules_for(trigger, training_key)
    rows = [build_row(rule, scope, recipient, occurrence) for rule in rules for recipient in recipients]
    if trigger in JOIN_TRIGGERS:
        rows += late_rows(recipients, scope=scope, training_key=training_key)
    return len(queue_rows(rows))


def late_rows(recipients: list[Recipient], *, scope: str, training_key: str | None, now=None) -> list[OutboxMail]:
    """Someone just joined: the "send late" timed rules whose moment already passed (homework after the 7-day
    moment) go out now rather than at the next tick; providers decide who is in the audience and still in time."""
    now = now or timezone.now()
    keys = [recipient.key for recipient in recipients]
    rows = []
    for rule in rules_for(Trigger.BEFORE_START, training_key):
        if not rule.send_late:
            continue
        for provider in providers():
            joined = getattr(provider, "joined", None)
            if joined is None or Trigger.BEFORE_START not in getattr(provider, "triggers", ()):
                continue
            for due in joined(scope=scope, recipient_keys=keys, offset=rule.offset, audience=rule.audience, now=now):
                rows.append(build_row(rule, due.scope, due.recipient, due.occurrence))
    return rows


# --- hand over to the worker ----------------------------------------------------------------------------------
HAND_OVER_KEY = "events:outbox:hand-over"
# The worker's tasks (events/tasks.py), published by name: the tasks call this module, never the other way round.
SEND_BATCH_TASK = "events.send_batch"
HAND_OVER_TASK = "events.hand_over"


def hand_over(ids: list[int]) -> int:
    """After commit: give new rows to the worker. Outside a burst the rows are published at once. Within
    OUTBOX_HAND_OVER_WINDOW seconds of a publish (200 people registering in the same second), the rows are left
    for the `hand_over` task that the first publish scheduled for the end of the window: one message for the
    whole burst instead of one per registration. Nothing waits longer than the window, and the sweep is the net
    under everything (a row not handed over stays queued)."""
    window = int(settings.OUTBOX_HAND_OVER_WINDOW)  # whole seconds: a cache expiry
    if window > 0:
        try:
            first = cache.add(HAND_OVER_KEY, 1, timeout=window)
        except Exception:  # the cache is down: publish now, as without a window
            first = None
        if first is False:
            return 0
        if first:
            try:  # runs after the key expired, so it sees every row committed while the key stood
                current_app.send_task(HAND_OVER_TASK, countdown=window + 0.5, ignore_result=True)
            except Exception as exc:
                logger.warning("broker unavailable (%s); the sweep hands the mail over", type(exc).__name__)
    return enqueue(ids)


def enqueue(ids: Iterable[int], publish=None) -> int:
    """Publish `send_batch` tasks; a row is marked handed over only after its message reached the broker.
    `publish(ids)` defaults to sending the `events.send_batch` task; a test passes one bound to another broker."""
    # ignore_result: no result is read, and a result backend that is down would hold the visitor's request while
    # it reconnects (20 tries a second apart): only the broker is asked, and it fails fast (one quick retry)
    publish = publish or (lambda chunk: current_app.send_task(SEND_BATCH_TASK, args=[chunk], ignore_result=True))
    ids = list(ids)
    published = 0
    for start in range(0, len(ids), BATCH_SIZE):
        chunk = ids[start : start + BATCH_SIZE]
        try:
            publish(chunk)
        except Exception as exc:  # broker down: the rows stay queued and the sweep hands them over later
            logger.warning("broker unavailable (%s); %d mails stay queued for the sweep", type(exc).__name__, len(ids))
            break
        OutboxMail.objects.filter(pk__in=chunk, status=OutboxMail.Status.QUEUED).update(enqueued_at=timezone.now())
        published += len(chunk)
    return published


def enqueue_due(now: datetime | None = None, limit: int = ENQUEUE_LIMIT) -> int:
    """Queued rows that are due and not handed over yet (new, or waiting for a retry)."""
    now = now or timezone.now()
    ids = list(
        OutboxMail.objects.filter(status=OutboxMail.Status.QUEUED, due_at__lte=now, enqueued_at__isnull=True)
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    if ids:
        transaction.on_commit(lambda: enqueue(ids))  # at once outside a transaction; after commit inside one
    return len(ids)


def requeue_stuck(now: datetime | None = None, limit: int = ENQUEUE_LIMIT) -> int:
    """Rows in `sending` whose claim lapsed (the worker died: nothing renewed it for CLAIM_LEASE) go back to the
    queue (they were due when claimed). The minute tick calls this, so stuck mail moves again within CLAIM_LEASE
    and one minute."""
    now = now or timezone.now()
    stuck = list(
        OutboxMail.objects.filter(status=OutboxMail.Status.SENDING, claimed_at__lt=now - CLAIM_LEASE).values_list(
            "pk", flat=True
        )[:limit]
    )
    if not stuck:
        return 0
    count = OutboxMail.objects.filter(
        pk__in=stuck, status=OutboxMail.Status.SENDING, claimed_at__lt=now - CLAIM_LEASE
    ).update(status=OutboxMail.Status.QUEUED, enqueued_at=None, last_error="worker stopped while sending")
    if count:
        EventLog.record("mail_requeued", "outbox", "sweep", count=count)
        logger.info("%d mails whose worker stopped while sending are queued again", count)
    return count


def sweep(now: datetime | None = None, limit: int = ENQUEUE_LIMIT) -> dict:
    """Re-queue rows stuck in `sending` (a worker died) and hand over again rows whose message went missing."""
    now = now or timezone.now()
    requeued = requeue_stuck(now, limit)
    lost = list(
        OutboxMail.objects.filter(status=OutboxMail.Status.QUEUED, due_at__lte=now)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - LOST_AFTER))
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    if lost:
        transaction.on_commit(lambda: enqueue(lost))
    logger.info("sweep: %d stuck rows re-queued, %d rows handed over again", requeued, len(lost))
    return {"requeued": requeued, "enqueued": len(lost)}


# --- send ---------------------------------------------------------------------------------------------------
def claim(pk: int) -> bool:
    """queued → sending in one statement; False when another worker (or an earlier delivery) already has it."""
    return bool(
        OutboxMail.objects.filter(pk=pk, status=OutboxMail.Status.QUEUED).update(
            status=OutboxMail.Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
        )
    )


def claim_batch(ids: list[int], domain: str = "localhost") -> set[int]:
    """queued → sending for every row of a batch in one statement; the ids this call got. A worker that dies
    mid-batch leaves its unsent rows in `sending`, where the next tick finds them once their claim lapses
    (`requeue_stuck`); none is sent twice. A row claimed for the first time gets its Message-ID in the same
    statement, so every attempt at it (a retry, a rare duplicate after a worker died) carries the same one.

    On PostgreSQL the claim's commit does not wait for the disk, like the "sent" marks (see `_mark_sent`): row
    locks still let only one worker claim a row; a crash of the database server itself could forget the last
    moment's claims and marks together, and those mails would be sent again once — never lost."""
    if not ids:
        return set()
    table = connection.ops.quote_name(OutboxMail._meta.db_table)
    placeholders = ", ".join(["%s"] * len(ids))
    postgresql = connection.vendor == "postgresql"
    quick, source, status = (_QUICK_COMMIT, "FROM quick ", _STATUS_IS) if postgresql else ("", "", "status = %s")
    # "<random per batch>.<row id>@<sender's domain>": unique without a round trip per row
    message_id = (
        "CASE WHEN message_id = '' THEN CAST(%s AS TEXT) || CAST(id AS TEXT) || CAST(%s AS TEXT) ELSE message_id END"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"{quick}UPDATE {table} SET status = %s, claimed_at = %s, attempts = attempts + 1, "
            f"message_id = {message_id} {source}WHERE id IN ({placeholders}) AND {status} RETURNING id",
            [
                OutboxMail.Status.SENDING,
                timezone.now(),
                f"<{secrets.token_hex(8)}.",
                f"@{domain}>",
                *ids,
                OutboxMail.Status.QUEUED,
            ],
        )
        return {row[0] for row in cursor.fetchall()}


# A statement that starts with this and reads `quick` commits without waiting for the disk (PostgreSQL): the
# setting holds for its own transaction only, and statement and setting travel in one round trip.
_QUICK_COMMIT = "WITH quick AS (SELECT set_config('synchronous_commit', 'off', true)) "

# "status = %s", written so that PostgreSQL finds the rows by primary key: with "=" the planner may pick the
# partial index of queued and sending rows and walk every entry of that status (dead ones too) to find a few ids;
# profiled on 3,000 sending rows, a mark cost 0.5 ms of database time instead of 0.17. (status is never NULL.)
_STATUS_IS = "status IS NOT DISTINCT FROM %s"


_SENDER: tuple[float, str] | None = None  # (when read, the From header), per process


def sender() -> str:
    """The From header: the neutral sender name from the site settings when there is one, else the default. Read
    at most once a minute per process (MAIL_SETTINGS_CACHE_SECONDS), as the mail context reads the organisation
    name: profiled, the two queries cost a batch of 50 mails about 2.5 ms."""
    global _SENDER
    seconds = settings.MAIL_SETTINGS_CACHE_SECONDS
    if _SENDER is not None and time.monotonic() - _SENDER[0] < seconds:
        return _SENDER[1]
    value = _read_sender()
    _SENDER = (time.monotonic(), value)
    return value


def _read_sender() -> str:
    from email.utils import formataddr, parseaddr

    default_name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    name = default_name
    try:
        model = apps.get_model("home", "SiteSettings")
    except LookupError:
        model = None
    if model is not None:
        try:
            if hasattr(model, "for_site"):
                from wagtail.models import Site

                site = Site.objects.filter(is_default_site=True).first()
                instance = model.for_site(site) if site else None
            else:
                instance = model.load()
            name = (getattr(instance, "mail_sender_name", "") or "").strip() or default_name
            address = (getattr(instance, "mail_from_address", "") or "").strip() or address
        except Exception:  # settings table missing or not migrated yet: keep the default
            name = default_name
    return formataddr((name, address)) if name else address


_REPLY_TO: tuple[float, list[str]] | None = None


def reply_to() -> list[str]:
    """Reply-To: the organisation's e-mail address from the site settings (a reply reaches people, not the
    no-reply sender); none when it is not filled in. Read at most once a minute per process, as sender()."""
    global _REPLY_TO
    if _REPLY_TO is not None and time.monotonic() - _REPLY_TO[0] < settings.MAIL_SETTINGS_CACHE_SECONDS:
        return _REPLY_TO[1]
    value: list[str] = []
    try:
        from wagtail.models import Site

        model = apps.get_model("home", "SiteSettings")
        site = Site.objects.filter(is_default_site=True).first()
        address = (getattr(model.for_site(site), "email", "") or "").strip() if site else ""
        value = [address] if address else []
    except Exception:  # no settings app or table yet: no Reply-To
        value = []
    _REPLY_TO = (time.monotonic(), value)
    return value


def _render_row(row: OutboxMail) -> None:
    """Render subject and bodies in the recipient's language, once: the text is stored with the outcome (sent,
    retry or failed) and an earlier attempt's text is kept exactly as first rendered."""
    from events.render import render

    provided = _provided(row)
    if row.subject and row.body_text:
        return
    if row.rule is None:
        raise LookupError("the rule of this mail was deleted")
    rendered = render(row.rule.template, row.language, provided if provided is not None else row.context)
    row.subject, row.body_text, row.body_html = rendered.subject, rendered.text, rendered.html


def _provided(row: OutboxMail) -> dict | None:
    """A row fired with only ids (empty context, no attachments) for a recipient whose source registered a
    context provider (events.contract.register_context_provider): its context and attachments, built now. The
    attachments are set on the row for this attempt (a retry builds them again); None for any other row."""
    if row.context or row.attachments:
        return None
    provider = context_provider(row.recipient_key)
    if provider is None:
        return None
    trigger = row.rule.trigger if row.rule is not None else None
    built = provider(row.recipient_key, row.language, row.scope, trigger=trigger, occurrence=row.occurrence)
    if built is None:
        raise LookupError("the recipient of this mail no longer exists")
    context, attachments = built
    row.attachments = _encode_attachments(attachments)
    return dict(context)


def _rendered(row: OutboxMail) -> dict:
    if not row.subject:
        return {}
    return {"subject": row.subject, "body_text": row.body_text, "body_html": row.body_html}


class _Compat32Unfolded(Compat32):
    """The policy Django's messages use (compat32), without the Header round trip for a header that needs no
    folding: an ASCII value that fits on its line is written as it is, which is what Header.encode() writes for it
    (the same bytes: events/tests/test_mail_sending.py compares them); every other header is folded as before.
    Profiled: folding the fifteen headers of an outbox mail cost 0.45 ms, a quarter of the worker's time per mail."""

    def _fold(self, name, value, sanitize):
        limit = self.max_line_length or 78
        if (
            isinstance(value, str)
            and value.isascii()
            and len(name) + 2 + len(value) <= limit
            and "\n" not in value
            and "\r" not in value
        ):
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)


_POLICY = _Compat32Unfolded()


class OutboxMessage(EmailMultiAlternatives):
    """Django's EmailMultiAlternatives, flattened with the policy above and with its MIME boundary chosen here: a
    random 128-bit boundary needs no search of the text for a clash, where the standard library compiles a fresh
    regular expression for every message to look for one (0.1 ms per mail)."""

    def message(self):
        msg = super().message()
        msg.policy = _POLICY
        if msg.is_multipart():
            boundary = "==" + secrets.token_hex(16)
            while boundary in self.body or any(boundary in str(part[0]) for part in self.alternatives):
                boundary = "==" + secrets.token_hex(16)  # never in practice; kept so it never needs thought
            msg.set_boundary(boundary)
        return msg

    @cached_property
    def smtp_bytes(self) -> bytes:
        """The message as it goes over SMTP (CRLF line ends), as Django's SMTP backend writes it; built once, so
        that it can be built ahead while the server is busy with the previous mail."""
        return self.message().as_bytes(linesep="\r\n")


def _message(row: OutboxMail, from_email: str, backend) -> EmailMultiAlternatives:
    """The mail of one rendered row, as Django builds it: text, HTML alternative, attachments; the row's own
    Message-ID (set when the row was first claimed, so a retry or a rare duplicate carries the same one)."""
    message = OutboxMessage(
        subject=row.subject,
        body=row.body_text,
        from_email=from_email,
        to=[row.to_email],
        reply_to=reply_to(),
        connection=backend,
        headers={"Message-ID": row.message_id, **_EXTRA_HEADERS},
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    for item in row.attachments or []:
        message.attach(item["filename"], base64.b64decode(item["content"]), item["mimetype"])
    return message


_EXTRA_HEADERS = {"Auto-Submitted": "auto-generated"}  # the headers every outbox mail carries after Message-ID


def _send(row: OutboxMail, from_email: str, backend, meanwhile, then=None, message=None) -> None:
    """Send one rendered row over the batch's open connection (Django's mail backend); `meanwhile()` (writing the
    previous mail's "sent" mark) runs before the server is asked to accept this mail, and `then()` (preparing the
    next mail) once this one has been handed over; `message` is this row's mail when it was prepared already.

    Over Django's SMTP backend both run while the server is busy (`_transmit`): the mark while it reads this
    mail's MAIL FROM, the next mail's rendering while it stores this one. The database, the mail server and the
    worker work at the same time instead of in turns. Any other backend (the file backend of `make run`, the
    test backends, an API provider) gets the message from send_messages, with the two steps around it."""
    message = message or _message(row, from_email, backend)
    smtp = getattr(backend, "connection", None) if isinstance(backend, SMTPBackend) else None
    if smtp is None:
        meanwhile()
        backend.send_messages([message])
        if then is not None:
            then()
        return
    encoding = message.encoding or settings.DEFAULT_CHARSET
    envelope_from = _envelope_sender(message.from_email, encoding)
    recipients = [envelope_address(address, encoding) for address in message.recipients()]
    _transmit(smtp, envelope_from, recipients, message.smtp_bytes, meanwhile, then or (lambda: None))


# An address whose local part is a dot-atom and whose domain is plain ASCII: Django's sanitize_address() returns it
# as it is, and smtplib's quoteaddr() makes "<address>" of it. Both parse it with the email package first (0.1 ms
# a mail); every other address still takes their way (events/tests/test_mail_sending.py compares the two).
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_ADDRESS = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*@[A-Za-z0-9-]{{1,63}}(?:\.[A-Za-z0-9-]{{1,63}})+\Z")


def envelope_address(address: str, encoding: str = "utf-8") -> str:
    """The address as MAIL FROM and RCPT TO carry it: "<local@domain>", as Django's SMTP backend and smtplib's
    sendmail() would send it."""
    if _PLAIN_ADDRESS.match(address):
        return f"<{address}>"
    return smtplib.quoteaddr(sanitize_address(address, encoding))


@lru_cache(maxsize=8)
def _envelope_sender(from_email: str, encoding: str) -> str:
    """The envelope sender, the same for every mail of a batch: worked out once."""
    return envelope_address(from_email, encoding)


def _transmit(smtp: smtplib.SMTP, from_addr: str, to_addrs: list[str], data: bytes, meanwhile, then) -> None:
    """What smtplib's sendmail() does (the same commands, replies and exceptions, and after a 421 the connection
    closed), for addresses already in their envelope form (`envelope_address`), with two differences: `meanwhile()`
    runs between sending MAIL FROM and reading the answer, and `then()` between sending the end of the data and
    reading whether the server took the mail. The server is given the mail only at the end of DATA, so the previous
    mail's mark is still written first; when writing it fails, the exception ends the batch before this mail was
    handed over. `then()` must not raise."""
    smtp.ehlo_or_helo_if_needed()
    options = f" size={len(data)}" if smtp.does_esmtp and smtp.has_extn("size") else ""
    smtp.putcmd("mail", f"FROM:{from_addr}{options}")
    meanwhile()
    code, reply = smtp.getreply()
    if code != 250:
        _after_refusal(smtp, code)
        raise smtplib.SMTPSenderRefused(code, reply, _bare(from_addr))
    refused = {}
    for address in to_addrs:
        smtp.putcmd("rcpt", f"TO:{address}")
        code, reply = smtp.getreply()
        if code not in (250, 251):
            refused[_bare(address)] = (code, reply)
        if code == 421:
            smtp.close()
            raise smtplib.SMTPRecipientsRefused(refused)
    if len(refused) == len(to_addrs):
        _after_refusal(smtp, 0)
        raise smtplib.SMTPRecipientsRefused(refused)
    code, reply = smtp.docmd("data")
    if code != 354:  # as smtplib's data(); sendmail() passes this on without a reset
        raise smtplib.SMTPDataError(code, reply)
    body = _LEADING_DOT.sub(b"..", data)  # RFC 5321 4.5.2 dot-stuffing, as smtplib's data()
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    smtp.send(body + b".\r\n")
    then()
    code, reply = smtp.getreply()
    if code != 250:
        _after_refusal(smtp, code)
        raise smtplib.SMTPDataError(code, reply)


_LEADING_DOT = re.compile(rb"(?m)^\.")


def _bare(envelope: str) -> str:
    """The address inside its angle brackets, as sendmail() names it in its exceptions."""
    return envelope[1:-1] if envelope.startswith("<") and envelope.endswith(">") else envelope


def _after_refusal(smtp: smtplib.SMTP, code: int) -> None:
    """As sendmail(): a 421 means the server is closing, so close too; otherwise reset for the next mail."""
    if code == 421:
        smtp.close()
        return
    try:
        smtp.rset()
    except smtplib.SMTPServerDisconnected:
        pass


def _closed(backend) -> bool:
    """True when the SMTP connection of Django's backend was closed under it: smtplib closes it itself after a
    421 ("service not available, closing"), and the next mail needs a new connection."""
    smtp = getattr(backend, "connection", None)
    return smtp is not None and getattr(smtp, "sock", True) is None


def classify(exc: BaseException) -> str:
    """'permanent' (5xx), 'temporary' (4xx) or 'connection' (no usable connection)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return "permanent" if codes and all(code >= 500 for code in codes) else "temporary"
    code = getattr(exc, "smtp_code", None)  # SMTPResponseException: sender refused, data refused, …
    if isinstance(code, int) and not isinstance(exc, smtplib.SMTPConnectError):
        return "permanent" if code >= 500 else "temporary"
    if isinstance(exc, OSError):  # refused or dropped connections, timeouts (smtplib's errors are OSErrors too)
        return "connection"
    return "temporary"


def _describe(exc: BaseException) -> str:
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code = ",".join(str(c) for c, _m in exc.recipients.values())
    text = f"{type(exc).__name__}" + (f" {code}" if code else "")
    detail = getattr(exc, "smtp_error", None)
    if detail is None and not isinstance(exc, smtplib.SMTPRecipientsRefused):
        detail = str(exc)
    if isinstance(detail, bytes):
        detail = detail.decode("utf-8", "replace")
    detail = _EMAIL.sub("<address>", str(detail or ""))
    return f"{text}: {detail}"[:500] if detail else text


@lru_cache(maxsize=4)
def _mark_sent_sql(names: tuple[str, ...]) -> str:
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(OutboxMail._meta.get_field(name).column)} = %s" for name in names)
    return (
        f"{_QUICK_COMMIT.rstrip()}, sent AS (UPDATE {qn(OutboxMail._meta.db_table)} SET {assignments} "
        f"WHERE id = %s AND {_STATUS_IS} RETURNING id) "
        f"INSERT INTO {qn(EventLog._meta.db_table)} (at, action, object_type, object_id, payload) "
        "SELECT %s, 'mail_sent', 'outbox', sent.id::text, %s::jsonb FROM sent, quick"
    )


def _mark_sent(row: OutboxMail) -> None:
    """sending → sent with the text as sent, and its EventLog entry (ids only): one statement, its own commit.

    On PostgreSQL that commit does not wait for the disk (synchronous_commit off for this statement's transaction
    only, set inside the statement): only a crash of the database server itself could forget the last few hundred
    milliseconds of marks, and those mails would be sent again once — never lost. (Profiled: BEGIN, SET LOCAL,
    the statement and COMMIT were four round trips per mail; this is one.)"""
    now = timezone.now()
    fields = {"status": OutboxMail.Status.SENT, "sent_at": now, "last_error": ""}
    fields.update(_rendered(row))
    payload = {"rule": row.rule_key, "scope": row.scope, "attempt": row.attempts}
    if connection.vendor != "postgresql":
        with transaction.atomic():
            OutboxMail.objects.filter(pk=row.pk, status=OutboxMail.Status.SENDING).update(**fields)
            EventLog.record("mail_sent", "outbox", row.pk, **payload)
        return
    # A prepared statement with server-side parameters: PostgreSQL plans it once per connection, and the mail's
    # text is not quoted into the SQL in Python (Django's client-side cursor did both per mail; measured: 0.08 ms
    # less worker CPU and about 0.1 ms less CPU on the machine per mail). Errors come out as Django's.
    import psycopg

    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(
            _mark_sent_sql(tuple(fields)),
            [*fields.values(), row.pk, OutboxMail.Status.SENDING, now, json.dumps(payload)],
            prepare=True,
        )


def _mark_error(row: OutboxMail, exc: BaseException, kind: str) -> None:
    error = _describe(exc)
    now = timezone.now()
    if kind == "permanent" or row.attempts >= MAX_ATTEMPTS:
        OutboxMail.objects.filter(pk=row.pk).update(status=OutboxMail.Status.FAILED, last_error=error, **_rendered(row))
        EventLog.record("mail_failed", "outbox", row.pk, rule=row.rule_key, attempt=row.attempts, kind=kind)
        logger.warning("outbox %s failed for good after %d attempts (%s)", row.pk, row.attempts, type(exc).__name__)
        return
    delay = RETRY_SCHEDULE[min(row.attempts, len(RETRY_SCHEDULE)) - 1]
    OutboxMail.objects.filter(pk=row.pk).update(
        status=OutboxMail.Status.QUEUED,
        last_error=error,
        due_at=now + timedelta(seconds=delay),
        enqueued_at=None,
        **_rendered(row),
    )
    EventLog.record("mail_retry", "outbox", row.pk, rule=row.rule_key, attempt=row.attempts, delay=delay)
    logger.info("outbox %s: temporary error (%s), retry in %ds", row.pk, type(exc).__name__, delay)


def send_batch(ids: Iterable[int]) -> dict:
    """Send every row of `ids` that this call manages to claim, over one SMTP connection.

    The batch is claimed in one statement and read in one query; each mail's outcome is written as soon as it is
    known. A mail's "sent" mark is committed before the next mail is handed to the server, so a worker killed
    mid-batch duplicates at most the mail in flight. While the batch runs, its claim is renewed (`Heartbeat`).
    After a 421 the server has closed the connection: the next mail gets a new one, not a failed attempt."""
    results: Counter = Counter()
    ids = [int(pk) for pk in ids]
    from_email = sender()
    claimed = claim_batch(ids, domain=from_email.rsplit("@", 1)[-1].strip("> ") or "localhost")
    if len(claimed) < len(ids):
        results["skipped"] += len(ids) - len(claimed)
    if not claimed:
        return dict(results)
    rows = {row.pk: row for row in OutboxMail.objects.filter(pk__in=claimed)}
    # the batch's few rules with their templates, once: joined to every row, each template's texts came 50 times
    rules = MailRule.objects.select_related("template").in_bulk({row.rule_id for row in rows.values()} - {None})
    for row in rows.values():
        if row.rule_id in rules:
            row.rule = rules[row.rule_id]
    order = [pk for pk in ids if pk in rows]
    backend = None
    accepted: list[OutboxMail] = []  # at most one: accepted by the server, its mark not written yet

    def mark_accepted() -> None:
        while accepted:
            _mark_sent(accepted.pop())
            results["sent"] += 1

    prepared: dict[int, object] = {}  # the next mail, rendered while the server stored the previous one

    def prepare(index: int) -> None:
        """Render the mail at `index` and build its message; a failure is kept for that mail's own turn."""
        if index >= len(order):
            return
        row = rows[order[index]]
        try:
            _render_row(row)
            message = prepared[row.pk] = _message(row, from_email, backend)
            if isinstance(backend, SMTPBackend):
                message.smtp_bytes  # noqa: B018 (built now, while the server works)
        except Exception as exc:
            prepared[row.pk] = exc

    try:
        with Heartbeat(order):
            for index, pk in enumerate(order):
                row = rows[pk]
                try:
                    message = prepared.pop(pk, None)
                    if isinstance(message, Exception):
                        raise message
                    if message is None:
                        _render_row(row)
                    if backend is None:
                        backend = get_connection()
                        backend.open()
                    _send(
                        row,
                        from_email,
                        backend,
                        meanwhile=mark_accepted,
                        then=lambda index=index: prepare(index + 1),
                        message=message,
                    )
                except DatabaseError:
                    raise  # writing a mark failed: the task retries; the batch's unsent rows wait for the tick
                except Exception as exc:
                    mark_accepted()
                    kind = classify(exc)
                    _mark_error(row, exc, kind)
                    results[kind] += 1
                    if kind == "connection":
                        # No usable server: don't try every remaining mail against it. They were not attempted, so
                        # they go back (attempts unchanged) to wait for the first retry moment and the tick.
                        results["postponed"] += _release(order[index + 1 :])
                        break
                    if _closed(backend):  # a 421: this mail waits for its retry, the next one reconnects
                        _close(backend)
                        backend = None
                    continue
                accepted.append(row)
            mark_accepted()
    finally:
        if backend is not None:
            _close(backend)
    logger.info("send batch: %s", dict(results))
    return dict(results)


def _close(backend) -> None:
    try:
        backend.close()
    except Exception:  # the connection is gone either way
        pass


class Heartbeat:
    """While a batch is sent, renew the claim of its rows still in `sending` every HEARTBEAT_SECONDS, from a thread
    with its own database connection: a slow server never lets the claim lapse while the worker lives, and a worker
    that dies stops renewing it, so its rows are re-queued by the next tick (`requeue_stuck`) within
    CLAIM_LEASE plus a minute."""

    def __init__(self, ids: list[int]):
        self.ids = list(ids)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="outbox-heartbeat", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join(timeout=5)

    def _run(self) -> None:
        used_database = False
        try:
            while not self.stopped.wait(HEARTBEAT_SECONDS):
                used_database = True
                try:
                    OutboxMail.objects.filter(pk__in=self.ids, status=OutboxMail.Status.SENDING).update(
                        claimed_at=timezone.now()
                    )
                except DatabaseError as exc:
                    logger.warning("outbox heartbeat not written (%s)", type(exc).__name__)
        finally:
            if used_database:
                connection.close()  # this thread's own connection


def _release(ids: list[int]) -> int:
    """Claimed but not attempted: back to the queue for the first retry moment, the claim's attempt undone."""
    if not ids:
        return 0
    return OutboxMail.objects.filter(pk__in=ids, status=OutboxMail.Status.SENDING).update(
        status=OutboxMail.Status.QUEUED,
        attempts=F("attempts") - 1,
        enqueued_at=None,
        due_at=timezone.now() + timedelta(seconds=RETRY_SCHEDULE[0]),
    )


# --- admin actions -------------------------------------------------------------------------------------------
def resend(pks: Iterable[int]) -> int:
    """Failed (or cancelled) mails go back to the queue, keeping their text, and are handed over after commit."""
    with transaction.atomic():
        ids = list(
            OutboxMail.objects.filter(
                pk__in=list(pks), status__in=[OutboxMail.Status.FAILED, OutboxMail.Status.CANCELLED]
            ).values_list("pk", flat=True)
        )
        OutboxMail.objects.filter(pk__in=ids).update(
            status=OutboxMail.Status.QUEUED, attempts=0, due_at=timezone.now(), enqueued_at=None
        )
        for pk in ids:
            EventLog.record("mail_resend", "outbox", pk)
        transaction.on_commit(lambda: enqueue(ids))
    return len(ids)


def cancel(pks: Iterable[int]) -> int:
    with transaction.atomic():
        ids = list(
            OutboxMail.objects.filter(pk__in=list(pks), status=OutboxMail.Status.QUEUED).values_list("pk", flat=True)
        )
        OutboxMail.objects.filter(pk__in=ids, status=OutboxMail.Status.QUEUED).update(
            status=OutboxMail.Status.CANCELLED
        )
        for pk in ids:
            EventLog.record("mail_cancelled", "outbox", pk)
    return len(ids)


def cancel_pending(
    scope: str, rule_keys: Iterable[str] | None = None, keep_triggers: Iterable[str] | None = None
) -> int:
    """Cancel the queued mail of a scope (e.g. a session that was cancelled: no reminder for it any more): only of
    these rule keys when given, and never the mail of rules with one of `keep_triggers`."""
    queryset = OutboxMail.objects.filter(scope=scope, status=OutboxMail.Status.QUEUED)
    if rule_keys is not None:
        queryset = queryset.filter(rule_key__in=list(rule_keys))
    if keep_triggers is not None:
        queryset = queryset.exclude(rule__trigger__in=list(keep_triggers))
    ids = list(queryset.values_list("pk", flat=True))
    return cancel(ids)


# Everything of a mail that can hold a name or an address: emptied by both purges (rule, scope, recipient key,
# status and times stay for the delivery figures).
PURGED = {
    "to_email": "",
    "context": {},
    "attachments": [],
    "subject": "",
    "body_text": "",
    "body_html": "",
    "last_error": "",
}


def purge(older_than_days: int, now: datetime | None = None) -> int:
    """Blank the personal data (address, placeholder values, texts, attachments, error notes) of finished mail
    older than `older_than_days`; the row, its status and its times stay for the delivery figures."""
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    count = (
        OutboxMail.objects.filter(created_at__lt=cutoff)
        .exclude(status__in=[OutboxMail.Status.QUEUED, OutboxMail.Status.SENDING])
        .exclude(to_email="")
        .update(**PURGED)
    )
    if count:
        EventLog.record("mail_purged", "outbox", "purge", count=count)
    return count


def purge_recipients(recipient_keys: Iterable[str], scopes: Iterable[str] = ()) -> int:
    """The source purged these people (recipient keys such as "registration:42") or everything of these scopes
    ("session:7"): blank every copy of them in the outbox (address, placeholder values, the stored text, the
    attachments, error notes of earlier attempts). Mail still queued for them is cancelled first; a row in
    `sending` is left to its worker and blanked by the next run. Rows are chosen by key and scope, never by
    address, so the same person's mail about another, still upcoming registration keeps its text and goes out.
    Returns how many rows were blanked; safe to run again."""
    keys, scopes = list(set(recipient_keys)), list(set(scopes))
    if not keys and not scopes:
        return 0
    mine = (Q(recipient_key__in=keys) if keys else Q(pk__in=[])) | (Q(scope__in=scopes) if scopes else Q(pk__in=[]))
    with transaction.atomic():
        rows = OutboxMail.objects.filter(mine).exclude(status=OutboxMail.Status.SENDING)
        cancelled = rows.filter(status=OutboxMail.Status.QUEUED).update(status=OutboxMail.Status.CANCELLED)
        filled = Q()
        for name, empty in PURGED.items():
            filled |= ~Q(**{name: empty})
        count = rows.filter(filled).update(**PURGED)
        if count or cancelled:
            EventLog.record("mail_purged", "outbox", "recipients", count=count, cancelled=cancelled)
    return count


def delivery_figures(since: datetime | None = None) -> dict:
    """Counts by status (of mail created since `since`, default the last 30 days) for the dashboard."""
    since = since or timezone.now() - timedelta(days=30)
    counts = dict(
        OutboxMail.objects.filter(created_at__gte=since)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in OutboxMail.Status.values}


# Mail that should have gone out this long ago, or a tick this long ago, means a part of the mail service is down.
STALE_QUEUE = timedelta(minutes=10)  # the sweep re-queues every 5 minutes, so healthy mail never waits this long
STALE_TICK = timedelta(minutes=5)  # the beat ticks every minute


def delivery_health(now: datetime | None = None) -> dict:
    """For the dashboard and /healthz: minutes the oldest due mail has waited (while none was sent in the last five
    minutes) and minutes since the last tick, each only when it points at a part of the mail service that is not
    running (else None)."""
    now = now or timezone.now()
    oldest = (
        OutboxMail.objects.filter(status=OutboxMail.Status.QUEUED, due_at__lte=now)
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    timed = MailRule.objects.filter(is_active=True, trigger__in=Trigger.TIMED)
    last_tick = timed.order_by(F("checked_until").desc(nulls_last=True)).values_list("checked_until", flat=True).first()
    if last_tick is None:  # no tick ever ran: count from when the first timed rule was made
        last_tick = timed.order_by("created_at").values_list("created_at", flat=True).first()
    waiting = now - oldest if oldest and now - oldest >= STALE_QUEUE else None
    if waiting is not None and EventLog.objects.filter(action="mail_sent", at__gte=now - STALE_QUEUE / 2).exists():
        waiting = None  # mail is moving (a big send to a slow server): the worker runs, the queue is just long
    silent = now - last_tick if last_tick and now - last_tick >= STALE_TICK else None
    return {
        "waiting_minutes": int(waiting.total_seconds() // 60) if waiting else None,
        "tick_minutes": int(silent.total_seconds() // 60) if silent else None,
    }
