"""The API's `overdue` (the flag and the filter) follows the one rule of lateness: only the items of a live plan
(adopted or in execution, plans.freeze) are overdue; a closed year's open items are not."""

from __future__ import annotations

import datetime as dt

import pytest

from plans.models import Activity, Objective
from tests.plan_life import close_year
from tests.workflow.test_api import client_for
from tests.workflow.world import World

pytestmark = pytest.mark.django_db


def test_a_closed_plans_open_items_are_not_overdue_in_the_api(world: World) -> None:
    Activity.objects.filter(pk=world.activity.pk).update(planned_end=dt.date(2026, 5, 1))
    Objective.objects.filter(pk=world.objective.pk).update(planned_end=dt.date(2026, 5, 1))
    diana = client_for(world.diana)
    assert [row["id"] for row in diana.get("/api/activities/", {"overdue": "true"}).json()["results"]] == [
        world.activity.pk
    ]
    assert [row["code"] for row in diana.get("/api/objectives/", {"overdue": "true"}).json()["results"]] == ["SOC-1"]

    close_year(world.plan, world.diana)
    assert diana.get("/api/activities/", {"overdue": "true"}).json()["count"] == 0
    assert diana.get("/api/objectives/", {"overdue": "true"}).json()["count"] == 0
    on_time = diana.get("/api/activities/", {"overdue": "false"}).json()["results"]
    assert sorted(row["id"] for row in on_time) == sorted([world.activity.pk, world.second_activity.pk])
    assert diana.get(f"/api/activities/{world.activity.pk}/").json()["overdue"] is False
    assert diana.get(f"/api/objectives/{world.objective.pk}/").json()["overdue"] is False
