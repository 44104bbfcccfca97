"""One mail transaction on an open smtplib connection, in two steps, so the worker does something useful while the
server answers the first command.

`smtplib.SMTP.sendmail` writes MAIL FROM and then waits for the reply. `start` writes MAIL FROM and returns at once;
`finish` reads that reply and goes on exactly as sendmail does (RCPT TO, DATA, the same replies checked, the same
exceptions, RSET or close after a refusal). In between, the outbox writes the previous mail's "sent" mark: the
database round trip and the server's work on MAIL FROM overlap. This is no SMTP pipelining: one command is
outstanding at a time, its reply is only read a little later.
"""

from __future__ import annotations

import re
import smtplib
from functools import lru_cache
from smtplib import SMTPDataError, SMTPRecipientsRefused, SMTPSenderRefused, SMTPServerDisconnected

from events.services.mime import is_plain_address

_LEADING_DOT = re.compile(rb"(?m)^\.")


@lru_cache(maxsize=256)
def _quote_sender(address: str) -> str:
    return smtplib.quoteaddr(address)  # the envelope sender is the same for every mail of a batch


def _quote_recipient(address: str) -> str:
    return f"<{address}>" if is_plain_address(address) else smtplib.quoteaddr(address)


def _reset(smtp: smtplib.SMTP, code: int) -> None:
    if code == 421:  # the server is closing the connection
        smtp.close()
        return
    try:
        smtp.rset()
    except SMTPServerDisconnected:
        pass


def start(smtp: smtplib.SMTP, from_addr: str, size: int) -> None:
    """Write MAIL FROM (with SIZE when the server does ESMTP and knows it, as sendmail does); the reply waits."""
    smtp.ehlo_or_helo_if_needed()
    options = f" size={size}" if smtp.does_esmtp and smtp.has_extn("size") else ""
    smtp.putcmd("mail", f"from:{_quote_sender(from_addr)}{options}")


def finish(smtp: smtplib.SMTP, from_addr: str, to_addr: str, message: bytes) -> None:
    """Read the reply to MAIL FROM, then RCPT TO and DATA for one recipient: raises what sendmail raises."""
    code, response = smtp.getreply()
    if code != 250:
        _reset(smtp, code)
        raise SMTPSenderRefused(code, response, from_addr)
    smtp.putcmd("rcpt", f"TO:{_quote_recipient(to_addr)}")
    code, response = smtp.getreply()
    if code not in (250, 251):
        _reset(smtp, code)
        raise SMTPRecipientsRefused({to_addr: (code, response)})
    smtp.putcmd("data")
    code, response = smtp.getreply()
    if code != 354:
        raise SMTPDataError(code, response)  # as smtplib's data(): no RSET here
    data = _LEADING_DOT.sub(b"..", message)  # dot-stuffing, then the lone dot that ends the message
    if data[-2:] != b"\r\n":
        data += b"\r\n"
    smtp.send(data + b".\r\n")
    code, response = smtp.getreply()
    if code != 250:
        _reset(smtp, code)
        raise SMTPDataError(code, response)
