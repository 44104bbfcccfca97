"""`migrate` as wagtail-modeltranslation runs it (adds the translated page columns), then fills the default
language's translation fields of rows that migrations created before those columns existed (Wagtail's root
page, for one). Without that, such rows serialize and re-save with an empty Dutch title."""

from django.core.management import call_command
from wagtail_modeltranslation.management.commands.migrate_translation import Command as TranslationMigrate


class Command(TranslationMigrate):
    def handle(self, *args, **options):
        super().handle(*args, **options)
        call_command("update_translation_fields", verbosity=0)
