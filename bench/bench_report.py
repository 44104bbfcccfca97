"""Report: the admin's evaluation report for a training with 10,000 answers (each with success factors in three
columns, a top three and actions), against the bare view in the same process (the floor).
Targets: ≤ 500 ms, and the same number of queries for 100 and for 10,000 answers."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench.core import Result, median_ms
from bench.data import copy_rows

FACTORS = {
    "professional": [
        "Positieve insteek",
        "Duidelijke norm neerzetten",
        "Geloven en steunen van het slachtoffer",
        "Insteken op veilige sexting",
        "Pleger aanspreken",
    ],
    "environment": ["Open klimaat rond seksualiteit", "Duidelijke gedragsregels", "Collega's die je werk steunen"],
    "victim": ["Steun van familie en vrienden", "Weten waar je terecht kunt", "Steun uit de omgeving"],
}


def _training(label: str, sessions: int):
    from home.models import TrainingIndexPage, TrainingPage
    from workshops.models import Session

    index = TrainingIndexPage.objects.first()
    if index is None:  # a fresh bench database (e.g. `--only report`): the site's pages first
        from django.core.management import call_command

        call_command("load_initial_data", verbosity=0)
        index = TrainingIndexPage.objects.first()
    slug = f"bench-rapport-{label}"
    existing = TrainingPage.objects.filter(slug=slug).first()
    if existing and Session.objects.filter(training=existing).exists():
        return existing, list(Session.objects.filter(training=existing))
    if existing:
        existing.delete()
    training = TrainingPage(title_nl=f"Benchtraining {label}", slug_nl=slug, slug_en=slug)
    index.add_child(instance=training)
    training.save_revision().publish()
    start = timezone.now() - timedelta(days=10)
    made = Session.objects.bulk_create(
        [Session(training=training, starts_at=start, ends_at=start + timedelta(hours=2)) for _ in range(sessions)]
    )
    return training, made


@transaction.atomic
def _answers(sessions, total: int):
    from evaluations.cheatsheet import normalise
    from evaluations.models import EvaluationAction, EvaluationAnswer, EvaluationFactor, EvaluationTopItem

    if EvaluationAnswer.objects.filter(session__in=sessions).count() >= total:
        return
    rnd = random.Random(7)
    now = timezone.now()
    # normalise() may read the suggestion sets from the database: never inside a COPY, whose connection is busy
    normalised = {text: normalise(text) for texts in FACTORS.values() for text in texts}
    copy_rows(
        EvaluationAnswer,
        (
            {
                "session_id": sessions[i % len(sessions)].pk,
                "via": "personal",
                "language": "nl" if i % 3 else "en",
                "rating_session": rnd.randint(1, 5),
                "rating_material": rnd.randint(1, 5),
                "did_homework": "yes",
                "comment": "Goede sessie.",
                "created_at": now,
                "updated_at": now,
                "edit_key_hash": f"bench-{total}-{i}",
            }
            for i in range(total)
        ),
    )
    ids = list(EvaluationAnswer.objects.filter(session__in=sessions).values_list("id", flat=True))

    def factors():
        for answer_id in ids:
            picks = [("professional", t) for t in rnd.sample(FACTORS["professional"], 2)]
            picks += [("environment", rnd.choice(FACTORS["environment"])), ("victim", rnd.choice(FACTORS["victim"]))]
            for position, (column, text) in enumerate(picks):
                yield {
                    "answer_id": answer_id,
                    "column": column,
                    "text": text,
                    "normalised": normalised[text],
                    "position": position,
                }

    copy_rows(EvaluationFactor, factors())
    copy_rows(
        EvaluationTopItem,
        (
            {
                "answer_id": a,
                "rank": r,
                "text": FACTORS["professional"][r],
                "normalised": normalised[FACTORS["professional"][r]],
            }
            for a in ids
            for r in (1, 2, 3)
        ),
    )
    copy_rows(
        EvaluationAction,
        ({"answer_id": a, "text": "Gesprek in de klas plannen", "owner": "team", "position": 0} for a in ids[::5]),
    )
    with connection.cursor() as cursor:
        # fresh statistics for every table the data went into: without them the planner picks nested loops
        for table in (
            "workshops_session",
            "evaluations_evaluationanswer",
            "evaluations_evaluationfactor",
            "evaluations_evaluationtopitem",
            "evaluations_evaluationaction",
        ):
            cursor.execute(f"ANALYZE {table}")


def run(smoke: bool) -> list[Result]:
    from django.contrib.auth import get_user_model

    big = 1_000 if smoke else 10_000
    small_training, small_sessions = _training("klein", 5)
    _answers(small_sessions, 100)
    big_training, big_sessions = _training(f"groot-{big}", 50)
    _answers(big_sessions, big)

    user, _ = get_user_model().objects.get_or_create(
        username="bench-coordinator", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    urls = {
        n: reverse("evaluation_reports:training", args=[t.pk]) for n, t in ((100, small_training), (big, big_training))
    }
    queries = {}
    for n, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        queries[n] = len(ctx.captured_queries)
    repeat = 5 if smoke else 15
    floor = median_ms(lambda: client.get("/bench/bare/"), repeat)
    figure = median_ms(lambda: client.get(urls[big]), repeat, warmup=1)
    same = queries[100] == queries[big]
    return [
        Result(f"report: training with {big:,} answers", figure, floor, "ms", "≤ 500 ms", figure <= 500),
        Result(
            "report: queries, 100 vs many answers",
            queries[big],
            queries[100],
            "queries",
            "equal",
            same,
            f"{queries[100]} vs {queries[big]}",
        ),
    ]
