"""Rimodulazione over the API: the area head asks, the director approves with the act, the versions are listed;
refusals come in the one error shape and change nothing; nobody sees another body's changes or versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User

from plans.models import IndicatorTarget
from tests.workflow.test_api import assert_error, client_for
from tests.workflow.world import World, build_world
from workflow.models import PlanVersion, TransitionRequest
from workflow.services.plan_lifecycle import plan_adopt


@pytest.fixture
def world(db: None, frozen_today: dt.date) -> World:
    """The world with its plan still a draft: these tests adopt it themselves."""
    return build_world(live=False)


pytestmark = pytest.mark.django_db


@pytest.fixture
def adopted(world: World) -> World:
    plan_adopt(actor=world.diana, plan=world.plan, act="Delibera di Giunta n. 12", adopted_on=dt.date(2026, 1, 20))
    IndicatorTarget.objects.create(indicator=world.indicator, year=2026, raw="=>10", kind="threshold")
    return world


def _ask(world: World, user: User, **extra: object) -> Any:
    body = {
        "objective": world.objective.pk,
        "motivation": "Nuove risorse",
        "changes": {"indicators": [{"id": world.indicator.pk, "targets": {"2026": "=>12"}}]},
    } | extra
    return client_for(user).post("/api/changes/", body, format="json")


def test_the_area_head_asks_and_the_director_approves_with_the_act(adopted: World) -> None:
    world = adopted
    asked = _ask(world, world.anna)
    assert asked.status_code == 201, asked.content
    change = asked.json()
    assert (change["transition"], change["status"], change["current_step"]) == ("rimodula", "pending", "director")
    target = change["changes"]["indicators"][0]["targets"]["2026"]
    assert target == {"before": "=>10", "after": "=>12"}
    assert [row["id"] for row in client_for(world.diana).get("/api/approvals/").json()["results"]] == [change["id"]]

    url = f"/api/changes/{change['id']}/approve/"
    assert_error(client_for(world.diana).post(url, {}, format="json"), 400, "invalid")
    assert IndicatorTarget.objects.get(indicator=world.indicator).raw == "=>10"
    approved = client_for(world.diana).post(
        url, {"act": "Decreto n. 7", "act_date": "2026-05-14", "comment": "Va bene"}, format="json"
    )
    assert approved.status_code == 200, approved.content
    assert (approved.json()["status"], approved.json()["version"]) == ("approved", 2)
    assert IndicatorTarget.objects.get(indicator=world.indicator).raw == "=>12"

    versions = client_for(world.sara).get("/api/plan-versions/", {"plan": world.plan.pk}).json()["results"]
    assert [(v["number"], v["act"]) for v in versions] == [(1, "Delibera di Giunta n. 12"), (2, "Decreto n. 7")]
    assert client_for(world.erica).get("/api/plan-versions/").json()["count"] == 0
    assert client_for(world.erica).get("/api/changes/").json()["count"] == 0
    assert client_for(world.sara).get("/api/changes/", {"plan": world.plan.pk}).json()["count"] == 1


def test_refusals_come_in_the_one_error_shape_and_change_nothing(adopted: World) -> None:
    world = adopted
    assert_error(_ask(world, world.sara), 403, "permission_denied")
    assert_error(_ask(world, world.erica), 404, "not_found")
    assert "motivation" in assert_error(_ask(world, world.anna, motivation=" "), 400, "invalid")["fields"]
    body = assert_error(_ask(world, world.anna, changes={"weight": "tanto", "colour": "rosso"}), 400, "invalid")
    assert set(body["fields"]) == {"weight", "colour"}
    assert_error(_ask(world, world.anna, objective=999999), 404, "not_found")
    assert not TransitionRequest.objects.exists()
    change = _ask(world, world.anna).json()
    assert_error(_ask(world, world.anna), 409, "request_open")
    assert_error(
        client_for(world.anna).post(f"/api/changes/{change['id']}/reject/", {"comment": "no"}), 403, "permission_denied"
    )
    rejected = client_for(world.diana).post(f"/api/changes/{change['id']}/reject/", {"comment": "Non ora"})
    assert rejected.json()["status"] == "rejected"
    assert IndicatorTarget.objects.get(indicator=world.indicator).raw == "=>10"
    assert not PlanVersion.objects.exists()
    assert client_for(world.diana).get("/api/plan-versions/", {"plan": "x"}).status_code == 400


def test_the_schema_documents_the_changes_and_the_versions(adopted: World) -> None:
    schema = client_for(adopted.diana).get("/api/schema/", {"format": "json"}).json()
    assert {"/api/changes/", "/api/changes/{id}/approve/", "/api/plan-versions/"} <= set(schema["paths"])
