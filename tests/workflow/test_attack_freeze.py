"""Attacks on the freeze from paths around the services: deleting what a validated plan's rows point to (an area,
a person) must be refused with the reason, never a 500 from the database's trigger, and nothing changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client

from plans.models import Area, Objective
from tests.plan_life import close_year
from tests.workflow.world import World, build_world
from workflow.services.plan_lifecycle import plan_validate


@pytest.fixture
def world(db: None, frozen_today: dt.date) -> World:
    return build_world(live=False)


@pytest.fixture
def validated(world: World) -> World:
    plan_validate(actor=world.otto, plan=close_year(world.plan, world.diana))
    return world


def test_deleting_an_area_of_a_validated_plan_is_refused_in_the_admin(validated: World) -> None:
    area = Area.objects.get(code="SOC")
    assert Objective.objects.filter(areas=area).exists()
    operator = User.objects.create_superuser("root", "root@example.org", "segreta")
    client = Client(raise_request_exception=False)
    client.force_login(operator)
    url = f"/admin/plans/area/{area.pk}/delete/"
    answer = client.post(url, {"post": "yes"})
    assert answer.status_code in (302, 403, 200), answer.status_code
    assert Area.objects.filter(pk=area.pk).exists()
    assert Objective.objects.filter(areas=area).exists()


def test_bulk_deleting_an_area_of_a_validated_plan_is_refused_in_the_admin(validated: World) -> None:
    area = Area.objects.get(code="SOC")
    operator = User.objects.create_superuser("root", "root@example.org", "segreta")
    client = Client(raise_request_exception=False)
    client.force_login(operator)
    answer = client.post(
        "/admin/plans/area/", {"action": "delete_selected", "_selected_action": [area.pk], "post": "yes"}
    )
    assert answer.status_code in (200, 302, 403), answer.status_code
    assert Area.objects.filter(pk=area.pk).exists()
    assert Objective.objects.filter(areas=area).exists()
