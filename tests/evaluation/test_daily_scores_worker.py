"""The daily score refresh run by a real Celery worker, as beat publishes it, on the real Redis and PostgreSQL:
committed changes (their trail rows sealed by the commit itself) make only their plan recomputed."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from config.celery import app
from evaluation.models import ScoreSnapshot
from evaluation.scores import as_json, plan_scores
from plans.models import Indicator, IndicatorTarget, Measurement, Objective, Plan
from plans.parsing import parse_value
from tests.notifications.workers import WORKER_TESTS, Workers, running_workers
from tests.workflow.world import World

pytestmark = WORKER_TESTS


@pytest.fixture(scope="module")
def worker(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workers]:
    with running_workers(tmp_path_factory.mktemp("scores-worker"), 1) as pool:
        yield pool


def _refresh(worker: Workers) -> dict[str, int]:
    task_id = str(uuid.uuid4())
    app.send_task("evaluation.tasks.refresh_scores", kwargs={"today": "2026-05-15"}, task_id=task_id)
    [result] = worker.wait([task_id])
    return result


def test_the_worker_recomputes_only_the_plan_whose_measurement_changed(world: World, worker: Workers) -> None:
    indicator = Indicator.objects.create(objective=world.objective, position=2, name="Pratiche evase")
    IndicatorTarget.objects.create(indicator=indicator, year=2026, **IndicatorTarget.spec_values(parse_value("100")))
    value = Measurement.spec_values(parse_value("60"))
    measurement = Measurement.objects.create(indicator=indicator, year=2026, **value)
    other = Plan.objects.create(
        organization=world.borgo, code="PEG-B", kind=Plan.Kind.PEG, title="PEG", year_start=2026, year_end=2026
    )
    Objective.objects.create(plan=other, code="B-1", title="Protocollo informatico")

    first = _refresh(worker)
    assert (first["plans"], first["first_run"]) == (2, 2)
    untouched = ScoreSnapshot.objects.get(plan=other).computed_at

    Measurement.objects.filter(pk=measurement.pk).update(**Measurement.spec_values(parse_value("100")))
    second = _refresh(worker)

    assert (second["plans"], second["changes"], second["first_run"]) == (1, 1, 0)
    assert ScoreSnapshot.objects.get(plan=world.plan).data == as_json(plan_scores(world.plan, 2026))
    assert ScoreSnapshot.objects.get(plan=other).computed_at == untouched
    assert _refresh(worker)["plans"] == 0  # nothing changed since
    assert "Task evaluation.tasks.refresh_scores[" in worker.output()
