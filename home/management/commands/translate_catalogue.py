import json

import polib
from django.core.management.base import BaseCommand, CommandError

from home.catalogues import catalogue_files


class Command(BaseCommand):
    help = (
        "Apply translations from a JSON object {msgid: msgstr} to every catalogue of a language, filling empty or "
        "fuzzy entries (use --overwrite to replace existing ones). Prints what is still untranslated."
    )

    def add_arguments(self, parser):
        parser.add_argument("language")
        parser.add_argument("json_file")
        parser.add_argument("--overwrite", action="store_true")

    def handle(self, language, json_file, overwrite, **options):
        try:
            with open(json_file, encoding="utf-8") as fh:
                translations = json.load(fh)
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {json_file}: {exc}") from exc
        applied, missing = 0, []
        for po_path in catalogue_files(language):
            catalogue = polib.pofile(str(po_path))
            for entry in catalogue:
                if entry.obsolete:
                    continue
                empty = not all(entry.msgstr_plural.values()) if entry.msgid_plural else not entry.msgstr
                needs = overwrite or empty or "fuzzy" in entry.flags
                if needs and entry.msgid in translations:
                    entry.msgstr = translations[entry.msgid]
                    if "fuzzy" in entry.flags:
                        entry.flags.remove("fuzzy")
                    applied += 1
                elif empty or "fuzzy" in entry.flags:
                    missing.append(entry.msgid)
            catalogue.save()
        self.stdout.write(f"applied {applied} translations; {len(missing)} still untranslated")
        for msgid in missing:
            self.stdout.write(f"  {msgid!r}")
