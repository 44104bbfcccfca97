"""The SMTP sink the mail tests deliver to: it accepts, refuses (550) and defers (451) as a real server would."""

import smtplib

import pytest

from tests.smtp_sink import PORTS, SinkServer


def test_sink_accepts_refuses_and_defers():
    with SinkServer(PORTS["self"]) as sink:
        sink.refuse.add("gone@example.org")
        with smtplib.SMTP("127.0.0.1", sink.port, timeout=5) as smtp:
            smtp.sendmail("a@example.org", ["b@example.org"], b"Subject: hi\r\n\r\nBeste B,\r\n")
            with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
                smtp.sendmail("a@example.org", ["gone@example.org"], b"Subject: hi\r\n\r\nx\r\n")
            assert refused.value.recipients["gone@example.org"][0] == 550
            sink.temporary_failure = True
            with pytest.raises(smtplib.SMTPRecipientsRefused) as deferred:
                smtp.sendmail("a@example.org", ["b@example.org"], b"Subject: hi\r\n\r\nx\r\n")
            assert deferred.value.recipients["b@example.org"][0] == 451
        assert [(m.to, m.language) for m in sink.received()] == [("b@example.org", "nl")]
