"""Anonymise registrations, school requests and outbox mails of sessions that ended long enough ago."""

from django.core.management.base import BaseCommand, CommandError

from workshops.purge import purge_after_days, purge_personal_data


class Command(BaseCommand):
    help = (
        "Anonymise personal data a number of days after the session (default PURGE_PERSONAL_DATA_AFTER_DAYS, 90), "
        "keeping counts and evaluation aggregates. Prints the counts before and after."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help=f"days after the session (default {purge_after_days()})"
        )

    def handle(self, days, **options):
        try:
            result = purge_personal_data(days)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Personal data of sessions that ended before {result.cutoff:%Y-%m-%d %H:%M} ({result.days} days)"
        )
        width = max(len(name) for name in result.before)
        self.stdout.write(f"{'':{width}}  {'before':>8}  {'after':>8}")
        for name, before in result.before.items():
            after = result.after.get(name)
            self.stdout.write(f"{name:{width}}  {_fmt(before):>8}  {_fmt(after):>8}")
        changed = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in result.changed.items())
        self.stdout.write(self.style.SUCCESS(f"anonymised: {changed}"))


def _fmt(value) -> str:
    return "-" if value is None else str(value)
