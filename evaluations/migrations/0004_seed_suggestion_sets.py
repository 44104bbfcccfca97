"""Seed the editable suggestion sets: the team tool's Shame Sexting cheat sheet (the default set, with the keys the
hard-coded cheat sheet used, so earlier answers keep counting together) and a set for the demo's grooming training.
Idempotent: a set that exists (by Dutch name) is left as the editors made it."""

import importlib

from django.db import migrations


def seed(apps, schema_editor):
    from evaluations.cheatsheet import SEED_SETS

    SuggestionSet = apps.get_model("evaluations", "SuggestionSet")
    SuggestionItem = apps.get_model("evaluations", "SuggestionItem")
    for name_nl, name_en, is_default, items, _slug in SEED_SETS:
        if SuggestionSet.objects.filter(name_nl=name_nl).exists():
            continue
        if is_default and SuggestionSet.objects.filter(is_default=True).exists():
            is_default = False
        suggestion_set = SuggestionSet.objects.create(name=name_nl, name_nl=name_nl, name_en=name_en, is_default=is_default)
        for position, (key, column, group_nl, group_en, text_nl, text_en) in enumerate(items):
            if SuggestionItem.objects.filter(key=key).exists():
                continue
            SuggestionItem.objects.create(
                suggestion_set=suggestion_set, sort_order=position, key=key, column=column,
                group=group_nl, group_nl=group_nl, group_en=group_en, text=text_nl, text_nl=text_nl, text_en=text_en,
            )
    link_demo_trainings(apps)


def link_demo_trainings(apps):
    """Sites that already hold the demo's grooming training get its set now (new sites: see board/demo.py)."""
    importlib.import_module("evaluations.board.demo").link_seeded_sets(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0003_board_suggestions_follow_up"),
        ("home", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
