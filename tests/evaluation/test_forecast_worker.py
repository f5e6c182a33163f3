"""The daily forecast run by a real Celery worker on Redis, as beat would start it: the rows it stores are
those of the day's open objectives, and a second delivery of the same task stores nothing twice."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from config.celery import app
from evaluation.models import ObjectiveForecast
from tests.notifications.workers import WORKER_TESTS, running_workers
from tests.workflow.world import build_world

pytestmark = WORKER_TESTS
DAY = dt.date(2026, 5, 15)


def test_a_worker_stores_one_forecast_per_open_objective_even_when_the_task_comes_twice(tmp_path: Path) -> None:
    world = build_world()
    with running_workers(tmp_path, 1) as pool:
        ids = [str(uuid.uuid4()), str(uuid.uuid4())]
        for task_id in ids:
            app.send_task("evaluation.tasks.store_forecasts", kwargs={"day": DAY.isoformat()}, task_id=task_id)
        results = pool.wait(ids)
    stored = set(ObjectiveForecast.objects.values_list("objective_id", "date"))
    assert stored == {(world.objective.pk, DAY), (world.transversal.pk, DAY)}
    assert [result["stored"] for result in results] == [2, 2]
