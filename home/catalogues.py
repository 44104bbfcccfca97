"""Find, fill and compile the gettext catalogues with polib, so running the site needs no gettext tools."""

from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings


def locale_dirs() -> list[Path]:
    """The project's locale/ folder and every installed app of ours that has one."""
    dirs = [Path(p) for p in settings.LOCALE_PATHS]
    base = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve() / "locale"
        if path.is_dir() and base in path.parents and "site-packages" not in path.parts:
            dirs.append(path)
    return [d for d in dirs if d.is_dir()]


def catalogue_files(language: str | None = None) -> list[Path]:
    pattern = f"{language or '*'}/LC_MESSAGES/*.po"
    return sorted(p for d in locale_dirs() for p in d.glob(pattern))


def compile_all() -> int:
    files = catalogue_files()
    for po_path in files:
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
    return len(files)


def normalise_headers() -> None:
    """Give every catalogue a real header: its language, and not marked fuzzy."""
    for po_path in catalogue_files():
        catalogue = polib.pofile(str(po_path))
        catalogue.metadata["Language"] = po_path.parent.parent.name
        catalogue.metadata["Project-Id-Version"] = "qpido-platform"
        catalogue.metadata_is_fuzzy = False
        catalogue.save()


def fill_source_language(language: str) -> int:
    """Our msgids are English: the English catalogue translates each string to itself."""
    normalise_headers()
    filled = 0
    for po_path in catalogue_files(language):
        catalogue = polib.pofile(str(po_path))
        for entry in catalogue:
            if entry.obsolete:
                continue
            # always the msgid itself: a fuzzy match that makemessages carried over from an older text must not
            # survive (a plural one kept the old English before)
            if entry.msgid_plural:
                wanted = {0: entry.msgid, 1: entry.msgid_plural}
                if entry.msgstr_plural != wanted:
                    entry.msgstr_plural = wanted
                    filled += 1
            elif entry.msgstr != entry.msgid:
                entry.msgstr = entry.msgid
                filled += 1
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = None
        catalogue.save()
    return filled


def untranslated(language: str) -> list[tuple[str, str]]:
    """(file, msgid) for every string without a usable translation in this language."""
    missing = []
    for po_path in catalogue_files(language):
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete:
                continue
            empty = not all(entry.msgstr_plural.values()) if entry.msgid_plural else not entry.msgstr
            if empty or "fuzzy" in entry.flags:
                missing.append((str(po_path), entry.msgid))
    return missing
