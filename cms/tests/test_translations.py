"""Every translatable string has a Dutch and an English translation in the committed catalogues."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

from home.catalogues import catalogue_files, untranslated
from tests.services import service_unavailable

BASE = Path(settings.BASE_DIR)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_committed_catalogues_are_complete(language):
    assert catalogue_files(language), f"no {language} catalogues found"
    missing = untranslated(language)
    assert not missing, f"{len(missing)} strings without {language} translation, e.g. {missing[:5]}"


def test_english_catalogues_translate_every_string_to_itself():
    """The msgids are English: an English page shows exactly the source text (a stale fuzzy match once made the
    English team board say "3 ratings" for "3 votes")."""
    wrong = []
    for path in catalogue_files("en"):
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            if entry.msgid_plural:
                if entry.msgstr_plural != {0: entry.msgid, 1: entry.msgid_plural}:
                    wrong.append(entry.msgid)
            elif entry.msgstr != entry.msgid:
                wrong.append(entry.msgid)
    assert not wrong, f"{len(wrong)} English entries differ from their source text, e.g. {wrong[:3]}"


def test_catalogues_hold_every_string_in_the_source(tmp_path):
    """Extract strings from a copy of the tree: any string not yet in the committed catalogues fails."""
    if not shutil.which("xgettext"):
        service_unavailable("gettext (xgettext) is not installed; run `make system-deps` or apt-get install gettext")
    copy = tmp_path / "src"
    shutil.copytree(
        BASE,
        copy,
        ignore=shutil.ignore_patterns(".venv", "var", ".git", "node_modules", "__pycache__", "*.mo", "bench"),
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "nl",
            "-l",
            "en",
            "--no-location",
            "--no-obsolete",
            "--ignore=var",
            "--ignore=node_modules",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "PATH": "/usr/bin:/bin",
            "VAR_DIR": str(tmp_path / "var"),
        },
    )
    new_strings = []
    for extracted in copy.rglob("*/LC_MESSAGES/django.po"):
        committed_path = BASE / extracted.relative_to(copy)
        committed = {e.msgid for e in polib.pofile(str(committed_path))} if committed_path.exists() else set()
        for entry in polib.pofile(str(extracted)):
            if entry.msgid not in committed:
                new_strings.append((str(committed_path.relative_to(BASE)), entry.msgid))
    assert not new_strings, (
        f"{len(new_strings)} strings are missing from the catalogues (run `make messages` and translate): "
        f"{new_strings[:8]}"
    )
