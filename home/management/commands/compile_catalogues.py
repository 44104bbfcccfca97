from django.core.management.base import BaseCommand

from home.catalogues import compile_all


class Command(BaseCommand):
    help = "Compile every .po catalogue of the project to .mo with polib (no gettext tools needed)."

    def handle(self, *args, **options):
        self.stdout.write(f"compiled {compile_all()} catalogues")
