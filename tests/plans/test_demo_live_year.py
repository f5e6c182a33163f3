"""The demo's live year (issue 20, item 1): seed 002's objectives as this year's plan of the same body, months moved
to this year, states as of today. Today is frozen at Friday 15 May 2026."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from plans.demo import live_year_document
from plans.models import Activity, Measurement, Plan, PlanState, WorkState
from tests.plans.helpers import REFERENCE_DATE, database_snapshot

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 5, 15)


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 5, 15, 10, 0, tzinfo=ZoneInfo("Europe/Rome")), tick=False):
        yield


def _activity(document: dict[str, Any], code: str, starts_with: str) -> dict[str, Any]:
    [objective] = [objective for objective in document["objectives"] if objective["code"] == code]
    [activity] = [item for item in objective["activities"] if item["description"].startswith(starts_with)]
    return activity


def test_the_document_moves_the_years_and_knows_only_what_happened_by_today() -> None:
    document = live_year_document(TODAY)
    assert document["plan"]["code"] == "PEG-2026"
    assert (document["plan"]["year_start"], document["plan"]["year_end"]) == (2026, 2026)
    assert document["objectives"][0]["code"] == "P26-DIR-1"
    assert all("reports" not in objective for objective in document["objectives"])
    # Planned May, done May (2021): today, 15 May, it is under way.
    assert _activity(document, "P26-DIR-1", "Costruzioni rappresentanze") == {
        "description": "Costruzioni rappresentanze Gruppo Tecnico - Politico",
        "planned": "Maggio",
        "actual": "avviato Maggio",
    }
    # Planned March 2022, done June 2022: now March and June 2027, not started.
    moved = _activity(document, "P26-DIR-1", "Approvazione dello schema")
    assert moved == {"description": moved["description"], "planned": "Marzo 2027"}
    indicator = document["objectives"][0]["indicators"][0]
    assert indicator["targets"] == [{"year": 2026, "value": "100"}]
    assert indicator["measurements"] == [{"year": 2026, "date": "2026-05-15", "value": "83"}]


def test_load_demo_adds_this_year_in_execution_once(frozen: None) -> None:
    call_command("load_demo", reference_date=REFERENCE_DATE)
    plan = Plan.objects.get(code="PEG-2026")
    assert plan.state == PlanState.IN_EXECUTION
    assert plan.organization.slug == "consorzio-inrete"
    activities = Activity.objects.filter(objective__plan=plan)
    assert activities.count() == Activity.objects.filter(objective__plan__code="RP-2021").count()
    states = set(activities.values_list("state", flat=True))
    assert {WorkState.AVVIATO, WorkState.PROGRAMMATO, WorkState.CONCLUSO} <= states
    assert not activities.filter(owner__isnull=True).exists()  # the areas' staff own them
    late = activities.filter(state__in=[WorkState.PROGRAMMATO, WorkState.AVVIATO], planned_end__lt=TODAY)
    assert late.exists()  # the dashboard has something to show this month
    assert not Measurement.objects.filter(indicator__objective__plan=plan, measured_on__gt=TODAY).exists()
    before = database_snapshot()
    call_command("load_demo", reference_date=REFERENCE_DATE)
    assert database_snapshot() == before
