"""The admin applies the bounds of plans.limits, like the API, the pages and the importer: a date outside the plan's
years or a value too large for its column is a message beside the field, nothing is saved, never a 500."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from plans.models import Activity, IndicatorBaseline, IndicatorTarget, Measurement, Objective
from tests.workflow.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client: Client, world: World) -> Client:
    client.force_login(User.objects.create_superuser("root", "root@aurelia.example", "x"))
    return client


def refused(response: Any, field: str) -> str:
    assert response.status_code == 200, response.status_code  # the form again, with its errors
    errors = response.context["adminform"].form.errors
    assert field in errors, errors
    return str(errors[field])


def objective_form(world: World, **changes: Any) -> dict[str, Any]:
    objective = world.objective
    data = {
        "plan": objective.plan_id,
        "code": objective.code,
        "title": objective.title,
        "areas": [world.social.pk],
        "owner": objective.owner_id,
        "planned_end": "2026-12-31",
        "reports-TOTAL_FORMS": "0",
        "reports-INITIAL_FORMS": "0",
    }
    return data | changes


@pytest.mark.parametrize("day", ["0001-01-02", "9999-12-31", "2031-01-01"])
def test_an_objective_deadline_outside_the_plans_years_is_refused(root: Client, world: World, day: str) -> None:
    url = reverse("admin:plans_objective_change", args=[world.objective.pk])
    message = refused(root.post(url, objective_form(world, planned_end=day)), "planned_end")
    assert "La data deve cadere tra il 01/01/2025 e il 31/12/2027" in message
    assert Objective.objects.get(pk=world.objective.pk).planned_end == dt.date(2026, 12, 31)


def test_an_activity_whose_text_means_a_date_outside_the_plans_years_is_refused(root: Client, world: World) -> None:
    activity = world.activity
    url = reverse("admin:plans_activity_change", args=[activity.pk])
    data = {
        "objective": activity.objective_id,
        "position": activity.position,
        "description": activity.description,
        "owner": activity.owner_id,
        "planned_raw": "31/12/1901",
        "actual_raw": "",
    }
    assert "La data deve cadere tra" in refused(root.post(url, data), "planned_raw")
    assert Activity.objects.get(pk=activity.pk).planned_end == dt.date(2026, 6, 30)


@pytest.mark.parametrize("raw", ["123456789012345678901234567890", "99999999999999999/1", "1/99999999999999999"])
def test_a_measurement_too_large_for_its_column_is_refused_not_a_500(root: Client, world: World, raw: str) -> None:
    data = {"indicator": world.indicator.pk, "year": 2026, "raw": raw, "measured_on": "2026-05-10", "note": ""}
    message = refused(root.post(reverse("admin:plans_measurement_add"), data), "raw")
    assert "troppe cifre" in message
    assert not Measurement.objects.exists()


def test_a_measurement_dated_year_one_is_refused(root: Client, world: World) -> None:
    data = {"indicator": world.indicator.pk, "year": 2026, "raw": "12", "measured_on": "0001-01-01", "note": ""}
    assert "La data deve cadere tra" in refused(root.post(reverse("admin:plans_measurement_add"), data), "measured_on")
    assert not Measurement.objects.exists()


def test_a_target_entered_in_the_indicators_page_is_parsed_and_bounded(root: Client, world: World) -> None:
    indicator = world.indicator
    url = reverse("admin:plans_indicator_change", args=[indicator.pk])
    data = {
        "objective": indicator.objective_id,
        "position": indicator.position,
        "name": indicator.name,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "baseline-TOTAL_FORMS": "0",
        "baseline-INITIAL_FORMS": "0",
        "targets-TOTAL_FORMS": "1",
        "targets-INITIAL_FORMS": "0",
        "targets-0-year": "2026",
        "targets-0-raw": "150/1600",
    }
    assert root.post(url, data).status_code == 302
    target = IndicatorTarget.objects.get(indicator=indicator)
    assert (target.kind, target.numerator, target.denominator) == ("ratio", 150, 1600)
    data["targets-0-raw"] = "9" * 30
    data["targets-TOTAL_FORMS"], data["targets-INITIAL_FORMS"] = "1", "1"
    data["targets-0-id"] = str(target.pk)
    data["targets-0-indicator"] = str(indicator.pk)
    response = root.post(url, data)
    assert response.status_code == 200 and "troppe cifre" in response.content.decode()
    assert IndicatorTarget.objects.get(pk=target.pk).raw == "150/1600"


def test_a_baseline_entered_in_the_indicators_page_is_parsed_and_bounded(root: Client, world: World) -> None:
    indicator = world.indicator
    url = reverse("admin:plans_indicator_change", args=[indicator.pk])
    data = {
        "objective": indicator.objective_id,
        "position": indicator.position,
        "name": indicator.name,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "targets-TOTAL_FORMS": "0",
        "targets-INITIAL_FORMS": "0",
        "baseline-TOTAL_FORMS": "1",
        "baseline-INITIAL_FORMS": "0",
        "baseline-0-raw": "9" * 30,
        "baseline-0-year": "2025",
        "baseline-0-source": "Registro degli accessi 2025",
    }
    response = root.post(url, data)
    assert response.status_code == 200 and "troppe cifre" in response.content.decode()
    assert not IndicatorBaseline.objects.exists()
    data["baseline-0-raw"] = "1.200"
    assert root.post(url, data).status_code == 302
    baseline = IndicatorBaseline.objects.get(indicator=indicator)
    assert (baseline.raw, baseline.kind, baseline.value, baseline.year) == ("1.200", "number", 1200, 2025)
