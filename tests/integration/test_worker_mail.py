"""A real Celery worker on the real Redis broker delivers the test mail."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_worker_delivers_test_mail_in_the_requested_language(celery_worker, mailoutbox):
    from events.tasks import send_test_mail

    result = send_test_mail.delay("someone@example.org", "en")
    result.get(timeout=20)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["someone@example.org"]
    assert mailoutbox[0].subject == "Test message"


def test_management_command_queues_mail_that_the_worker_sends_in_dutch(celery_worker, mailoutbox, capsys):
    call_command("send_test_mail", "iemand@example.org", "--wait", "20")
    assert "the worker sent the test mail" in capsys.readouterr().out
    assert [m.subject for m in mailoutbox] == ["Testbericht"]
