from django.core.management.base import BaseCommand

from home.catalogues import fill_source_language


class Command(BaseCommand):
    help = "Fill the source-language (English) catalogues: each msgid translates to itself."

    def add_arguments(self, parser):
        parser.add_argument("language", nargs="?", default="en")

    def handle(self, language, **options):
        self.stdout.write(f"filled {fill_source_language(language)} {language} entries")
