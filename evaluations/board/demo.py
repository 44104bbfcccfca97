"""The demo's grooming training gets the grooming suggestion set: at the seed migration when the training is already
there, else as soon as the demo content publishes it (the loader lives in `home`, which may not import this app)."""

from __future__ import annotations


def link_seeded_sets(apps=None, training=None) -> int:
    """Choose each seeded set for the demo training it was made for, unless that training has a choice already."""
    from evaluations.cheatsheet import SEED_SETS

    if apps is None:
        from django.apps import apps
    SuggestionSet = apps.get_model("evaluations", "SuggestionSet")
    TrainingTeamTool = apps.get_model("evaluations", "TrainingTeamTool")
    TrainingPage = apps.get_model("home", "TrainingPage")
    linked = 0
    for name_nl, _name_en, _default, _items, slug in SEED_SETS:
        if not slug or (training is not None and getattr(training, "slug", None) != slug):
            continue
        suggestion_set = SuggestionSet.objects.filter(name_nl=name_nl).first()
        page = TrainingPage.objects.filter(slug=slug).first()
        if suggestion_set is None or page is None or TrainingTeamTool.objects.filter(training_id=page.pk).exists():
            continue
        TrainingTeamTool.objects.create(training_id=page.pk, suggestion_set=suggestion_set)
        linked += 1
    return linked


def on_page_published(sender, instance=None, **kwargs) -> None:
    """Wagtail's page_published signal: a demo training that has just been published gets its seeded set."""
    if instance is None or instance.specific_class.__name__ != "TrainingPage":
        return
    link_seeded_sets(training=instance)
