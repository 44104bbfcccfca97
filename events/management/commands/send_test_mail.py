from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from events.tasks import send_test_mail


class Command(BaseCommand):
    help = "Queue a test mail that the Celery worker sends (proves broker, worker and mail settings)."

    def add_arguments(self, parser):
        parser.add_argument("recipient")
        parser.add_argument("--language", default="nl", choices=["nl", "en"])
        parser.add_argument("--wait", type=float, default=0, help="seconds to wait for the worker's result")

    def handle(self, recipient, language, wait, **options):
        try:
            validate_email(recipient)
        except ValidationError as exc:
            raise CommandError("Not a valid e-mail address.") from exc
        result = send_test_mail.delay(recipient, language)
        self.stdout.write(f"queued test mail as task {result.id}")
        if wait:
            result.get(timeout=wait)
            self.stdout.write(self.style.SUCCESS("the worker sent the test mail"))
