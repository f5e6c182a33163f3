"""Races on the evaluation sheets: people on their own database connections take the same step at the same
moment. The year's sheets are created once, a sheet is submitted once (one frozen score), and nobody gets an
error page: the others are told that someone got there first."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import connection

from evaluation.models import BehaviourScore, EvaluationSheet
from evaluation.services import sheet_evaluate, sheet_submit, sheets_create
from plans.models import Organization
from tests.evaluation.sheets_world import build_sheets
from tests.workflow.world import World
from workflow.errors import Conflict

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
TIMEOUT = 60.0


def race(shot: Callable[[], str]) -> Counter[str]:
    """Run `shot` in THREADS threads released together; what each returned, or the name of what it raised."""
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait(timeout=TIMEOUT)
            outcome = shot()
        except Conflict:
            outcome = "conflict"
        except BaseException as error:  # every failure in a thread must reach the test
            outcome = f"{type(error).__name__}: {error}"
            barrier.abort()
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, daemon=True) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT)
    assert not any(thread.is_alive() for thread in threads)
    return Counter(outcomes)


def test_the_years_sheets_are_created_once_when_the_director_clicks_many_times(world: World) -> None:
    def create() -> str:
        diana = User.objects.get(username="diana")
        created = sheets_create(actor=diana, organization=Organization.objects.get(slug="aurelia"), year=2026)
        return f"created {len(created.sheets)}"

    outcomes = race(create)

    assert outcomes == Counter({"created 3": 1, "created 0": THREADS - 1})
    assert EvaluationSheet.objects.count() == 3


def test_a_sheet_is_submitted_once(world: World) -> None:
    sheets = build_sheets(world)
    sheet_evaluate(actor=world.diana, sheet=sheets.anna, scores={sheets.results.pk: 4, sheets.collaboration.pk: 3})

    def submit() -> str:
        diana = User.objects.get(username="diana")
        sheet_submit(actor=diana, sheet=EvaluationSheet.objects.get(pk=sheets.anna.pk))
        return "submitted"

    outcomes = race(submit)

    assert outcomes == Counter({"submitted": 1, "conflict": THREADS - 1})
    sheet = EvaluationSheet.objects.get(pk=sheets.anna.pk)
    assert (sheet.state, str(sheet.final_score)) == ("submitted", "80.88")
    assert BehaviourScore.objects.filter(sheet=sheet).count() == 2
