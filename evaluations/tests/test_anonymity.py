"""Anonymity is a property of the schema: nothing joins an evaluation answer to a registration or a person."""

import pytest
from django.apps import apps
from django.db import connection, models
from django.urls import reverse

from evaluations.models import EvaluationAction, EvaluationAnswer, EvaluationFactor, EvaluationTopItem
from evaluations.tests.support import full_post, make_session, make_training, register
from workshops.models import Registration, Session
from workshops.tokens import make_token

ANSWER_MODELS = {EvaluationAnswer, EvaluationFactor, EvaluationTopItem, EvaluationAction}


def test_answer_tables_relate_only_to_each_other_and_the_session():
    """Walk every relation (forward and reverse) from the answer; only Session leads outside the answer tables."""
    reached, todo = set(), [EvaluationAnswer]
    exits = set()
    while todo:
        model = todo.pop()
        if model in reached:
            continue
        reached.add(model)
        for field in model._meta.get_fields(include_hidden=True):
            if not field.is_relation or field.related_model is None:
                continue
            target = field.related_model
            if target in ANSWER_MODELS:
                todo.append(target)
            else:
                exits.add((model.__name__, field.name, target))
    assert reached == ANSWER_MODELS
    assert exits == {("EvaluationAnswer", "session", Session)}
    assert Registration not in reached and apps.get_model("auth", "User") not in reached


def test_no_identifying_or_timing_columns_on_the_answer():
    names = {f.name for f in EvaluationAnswer._meta.concrete_fields}
    assert not any(word in name for name in names for word in ("registration", "email", "public_id", "user", "ip"))
    # no timestamps that could be matched against Registration.evaluation_responded_at
    assert not [
        f for f in EvaluationAnswer._meta.concrete_fields if isinstance(f, (models.DateField, models.TimeField))
    ]
    # a random UUID key: the order of the rows says nothing about who answered first
    assert isinstance(EvaluationAnswer._meta.pk, models.UUIDField)


@pytest.mark.django_db
def test_database_foreign_keys_of_the_answer_tables():
    """The real schema (PostgreSQL or SQLite): the answer table's only foreign key is to the session table."""
    with connection.cursor() as cursor:
        answer_fks = connection.introspection.get_relations(cursor, EvaluationAnswer._meta.db_table)
        assert {(column, target[1]) for column, target in answer_fks.items()} == {
            ("session_id", Session._meta.db_table)
        }
        for child in (EvaluationFactor, EvaluationTopItem, EvaluationAction):
            fks = connection.introspection.get_relations(cursor, child._meta.db_table)
            assert {target[1] for target in fks.values()} == {EvaluationAnswer._meta.db_table}


@pytest.mark.django_db
def test_stored_rows_hold_nothing_of_the_registration(client, home_page):
    session = make_session(make_training(home_page))
    anna = register(session, "Anna de Vries", email="anna.devries@example.org")
    client.post(reverse("evaluation:answer", args=[make_token(anna, "evaluation")]), full_post())
    answer = EvaluationAnswer.objects.get()
    secrets_of_anna = {str(anna.public_id), anna.public_id.hex, anna.email, anna.name, "Anna"}
    rows = [EvaluationAnswer.objects.filter(pk=answer.pk).values().get()]
    for model in (EvaluationFactor, EvaluationTopItem, EvaluationAction):
        rows += list(model.objects.filter(answer=answer).values())
    stored = " ".join(str(value) for row in rows for value in row.values())
    for secret in secrets_of_anna:
        assert secret not in stored
    assert str(anna.pk) != str(answer.pk)
    anna.refresh_from_db()
    assert anna.evaluation_responded_at is not None  # the only trace: a responded mark on the registration
