"""The evaluation models moved from `workshops` to `evaluations` without losing a row or a permission.

The database is migrated back to the schema before the move (workshops 0008, no evaluations app), filled through
the old `workshops_*` tables, and migrated forward to the latest schema: every answer, factor, top item, action and
group result is found again through the `evaluations` models, with the same ids and texts, and the groups keep
their right to read the evaluations.
"""

import uuid
from datetime import timedelta

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group
from django.contrib.contenttypes.management import create_contenttypes
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_THE_MOVE = [("workshops", "0008_registration_no_pending"), ("evaluations", None)]
MOVED = [
    "evaluationanswer",
    "evaluationaction",
    "evaluationfactor",
    "evaluationtopitem",
    "groupresult",
    "groupfactor",
    "groupaction",
    "grouptopitem",
]


def migrate(targets=None):
    """Migrate the test database to `targets` (default: the latest migration of every app); returns the executor
    (its loader gives the models of any state). The content-type cache is cleared: the migrations changed the
    rows behind it."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    return executor


@pytest.fixture
def old_schema():
    """The database as it was before the move (its models returned); back to the latest schema afterwards,
    whatever the test did."""
    try:
        executor = migrate(BEFORE_THE_MOVE)
        nodes = [target for target in BEFORE_THE_MOVE if target[1] is not None]  # (app, None): no migration of app
        yield executor.loader.project_state(nodes).apps
    finally:
        migrate()
        # the test database is restored after the test by saving serialized rows, some of which look their
        # content type up: with the cache filled from the migrated rows (same ids) none is created twice
        ContentType.objects.get_for_models(*global_apps.get_models(include_auto_created=True))


def fill_old_tables(old_apps):
    """Answers with factors, top items and actions, and a group result with its factors, actions and top items,
    written through the models as they were in `workshops` 0008 (so into the `workshops_*` tables)."""
    tables = {name: old_apps.get_model("workshops", name)._meta.db_table for name in MOVED}
    assert set(tables.values()) == {f"workshops_{name}" for name in MOVED}

    Session = old_apps.get_model("workshops", "Session")
    Answer = old_apps.get_model("workshops", "EvaluationAnswer")
    end = timezone.now() - timedelta(days=1)
    session = Session.objects.create(starts_at=end - timedelta(hours=2), ends_at=end, address="Utrecht")
    other = Session.objects.create(starts_at=end - timedelta(hours=5), ends_at=end - timedelta(hours=3))
    first = Answer.objects.create(
        id=uuid.uuid4(),
        session=session,
        language="nl",
        edit_key_hash="a" * 64,
        new_insights="Grenzen bespreekbaar maken",
        learned="Vaker vragen wat een leerling nodig heeft",
        needs="Tijd in het teamoverleg",
        rating_session=5,
        rating_material=4,
        did_homework="yes",
        comment="Heel bruikbaar",
    )
    second = Answer.objects.create(
        id=uuid.uuid4(), session=session, via="room", language="en", edit_key_hash="b" * 64, respondent_name="Sam"
    )
    for answer, column, text in [
        (first, "professional", "Rustig blijven"),
        (first, "environment", "Een vertrouwenspersoon op school"),
        (second, "victim", "Being believed"),
    ]:
        answer.factors.create(column=column, text=text, normalised=text.lower(), position=1)
    first.top_items.create(rank=1, text="Rustig blijven", normalised="rustig blijven")
    first.top_items.create(rank=2, text="Luisteren", normalised="luisteren")
    first.actions.create(text="Protocol bespreken", owner="Karin", due_date=end.date() + timedelta(days=30))
    second.actions.create(text="Share the cheat sheet", position=1)

    GroupResult = old_apps.get_model("workshops", "GroupResult")
    result = GroupResult.objects.create(session=session, notes="Levendig gesprek")
    # (the group's rows through their own models: a ParentalKey manager keeps new children in memory)
    GroupFactor = old_apps.get_model("workshops", "GroupFactor")
    GroupFactor.objects.create(
        result=result,
        column="environment",
        text="Steun van de directie",
        normalised="steun van de directie",
        sort_order=0,
    )
    GroupFactor.objects.create(
        result=result, column="victim", text="Geen schuld geven", normalised="geen schuld geven", sort_order=1
    )
    old_apps.get_model("workshops", "GroupAction").objects.create(
        result=result, text="Ouderavond plannen", owner="Team", sort_order=0
    )
    old_apps.get_model("workshops", "GroupTopItem").objects.create(
        result=result, text="Steun van de directie", sort_order=0
    )
    GroupResult.objects.create(session=other, notes="")

    snapshot = {}
    for name in MOVED:
        model = old_apps.get_model("workshops", name)
        snapshot[name] = {str(pk): values for pk, values in _rows(model)}
    return snapshot


def _rows(model):
    """Every row as (pk, {field: value}), foreign keys as their ids: comparable across the two schemas."""
    names = sorted(field.attname for field in model._meta.concrete_fields if not field.primary_key)
    for row in model.objects.order_by("pk").values("pk", *names):
        pk = row.pop("pk")
        yield pk, {name: str(value) if isinstance(value, uuid.UUID) else value for name, value in row.items()}


def group_may_view_evaluations(name):
    group = Group.objects.get(name=name)
    return group.permissions.filter(
        content_type__app_label="evaluations", content_type__model="evaluationanswer", codename="view_evaluationanswer"
    ).exists()


def test_every_evaluation_row_is_found_through_the_new_app_after_migrating(old_schema, django_user_model):
    snapshot = fill_old_tables(old_schema)
    assert (
        Group.objects.get(name="Coordinators")
        .permissions.filter(content_type__app_label="workshops", codename="view_evaluationanswer")
        .exists()
    ), "before the move the grant is on the workshops model"

    migrate()

    from evaluations import models as evaluation_models

    for name in MOVED:
        model = global_apps.get_model("evaluations", name)
        assert model.__module__ == evaluation_models.__name__
        assert model._meta.db_table == f"evaluations_{name}"
        # every field the row had before the move still holds the same value (later migrations may add fields)
        found = {str(pk): values for pk, values in _rows(model)}
        assert found.keys() == snapshot[name].keys(), name
        assert found, f"no {name} rows at all: the test filled nothing"
        for pk, before in snapshot[name].items():
            assert {key: found[pk][key] for key in before} == before, (name, pk)
    assert not {"workshops_evaluationanswer", "workshops_groupresult"} & set(connection.introspection.table_names())

    answer = evaluation_models.EvaluationAnswer.objects.get(edit_key_hash="a" * 64)
    assert answer.new_insights == "Grenzen bespreekbaar maken" and answer.rating_session == 5
    assert [item.text for item in answer.top_items.order_by("rank")] == ["Rustig blijven", "Luisteren"]
    assert answer.actions.get().owner == "Karin"
    result = evaluation_models.GroupResult.objects.get(notes="Levendig gesprek")
    assert [factor.text for factor in result.factors.all()] == ["Steun van de directie", "Geen schuld geven"]
    assert result.actions.get().text == "Ouderavond plannen"

    # the content types moved with their permissions: the groups' grants now name the evaluations models
    assert set(ContentType.objects.filter(model__in=MOVED).values_list("app_label", flat=True)) == {"evaluations"}
    assert group_may_view_evaluations("Coordinators") and group_may_view_evaluations("Trainers")
    trainer = django_user_model.objects.create_user("trainer-after-move", password="x")
    trainer.groups.add(Group.objects.get(name="Trainers"))
    assert trainer.has_perm("evaluations.view_evaluationanswer")
    assert trainer.has_perm("evaluations.change_groupresult")

    # new rows get fresh ids after the moved ones (the id sequences moved along with the tables)
    action = evaluation_models.EvaluationAction.objects.create(answer=answer, text="Nog een actie")
    assert action.pk > max(int(pk) for pk in snapshot["evaluationaction"])


def test_groups_keep_their_grants_when_the_new_content_types_were_created_early(old_schema):
    """An operator who migrated in steps (`migrate evaluations 0001`, then `migrate`) had the evaluations content
    types and permissions created by the first command's post-migrate step before 0002 moved the old ones."""
    fill_old_tables(old_schema)
    migrate([("evaluations", "0001_initial")])
    create_contenttypes(global_apps.get_app_config("evaluations"), verbosity=0)
    create_permissions(global_apps.get_app_config("evaluations"), verbosity=0)
    assert ContentType.objects.filter(app_label="evaluations", model="evaluationanswer").exists()

    migrate()

    assert group_may_view_evaluations("Coordinators") and group_may_view_evaluations("Trainers")
    assert Group.objects.get(name="Coordinators").permissions.filter(codename="delete_groupresult").exists()
    for model in MOVED:
        assert ContentType.objects.filter(model=model).count() == 1, model
