"""Plan data edited after the moment (in the admin, by an import, in a shell) is shown as it was at the moment:
a changed text takes back its old value, a deleted row comes back, an objective moved between areas is under its
old area; rows written before the trail existed stay as written."""

from __future__ import annotations

import datetime as dt

import pytest

from plans.models import Activity, Objective
from reports.as_of import build_monitoring
from reports.monitoring_sections import Monitoring
from tests.reports import as_of_story as story
from tests.reports.as_of_story import Story
from tests.roles import triggers_off

pytestmark = pytest.mark.django_db


@pytest.fixture
def told(db: None) -> Story:
    return story.tell()


def areas_of(report: Monitoring, code: str) -> list[str]:
    return [area.code for area in report.areas if any(o.code == code for o in area.objectives)]


def descriptions(report: Monitoring, code: str = "SOC-1") -> dict[str, str]:
    objective = next(o for area in report.areas for o in area.objectives if o.code == code)
    return {activity.description: activity.planned for activity in objective.activities}


def test_edits_and_deletions_after_the_moment_are_undone(told: Story) -> None:
    world = told.world
    mobile = Activity.objects.create(objective=world.objective, position=4, description="Sportello mobile")
    Activity.objects.filter(pk=world.second_activity.pk).update(planned_raw="Ottobre")
    moment = story.database_now()
    Activity.objects.filter(pk=world.second_activity.pk).update(planned_raw="Novembre", description="Formazione")
    mobile.delete()
    world.transversal.areas.remove(world.technical)

    then = build_monitoring(plan=world.plan, moment=moment)
    assert descriptions(then)["Formazione degli operatori"] == "Ottobre"
    assert "Sportello mobile" in descriptions(then)
    assert areas_of(then, "TRA-1") == ["SOC", "TEC"]

    now = build_monitoring(plan=world.plan, moment=story.database_now())
    assert descriptions(now)["Formazione"] == "Novembre"
    assert "Sportello mobile" not in descriptions(now)
    assert areas_of(now, "TRA-1") == ["SOC"]


def test_rows_written_before_the_trail_existed_stay_as_written(told: Story) -> None:
    """As a database of before the trail: rows with no history are taken as they are, at any moment."""
    world = told.world
    with triggers_off():
        old = Objective.objects.create(plan=world.plan, code="STO-1", title="Obiettivo storico")
        old.areas.add(world.technical)
        Activity.objects.create(objective=old, position=1, description="Fase storica", planned_raw="Marzo")
    yesterday = build_monitoring(plan=world.plan, moment=told.today - dt.timedelta(days=1))
    assert [o.code for area in yesterday.areas for o in area.objectives] == ["STO-1"]
    assert descriptions(yesterday, "STO-1") == {"Fase storica": "Marzo"}
    assert yesterday.first_recorded is None  # something was known: no explanation needed
