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
    assert "PEG-2026" in client.get(url).content.decode()  # the confirmation page names the plan
    answer = client.post(url, {"post": "yes"})
    assert answer.status_code == 403, answer.status_code
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
    assert answer.status_code == 403, answer.status_code
    assert Area.objects.filter(pk=area.pk).exists()
    assert Objective.objects.filter(areas=area).exists()


@pytest.fixture
def pending_change(world: World) -> World:
    """anna asks to change a target while the year runs; the year is then closed and validated with the request
    still waiting for the director."""
    from tests.plan_life import put_in_execution
    from workflow.services.changes import change_request

    put_in_execution(world.plan, world.diana)
    outcome = change_request(
        actor=User.objects.get(pk=world.anna.pk),
        objective=world.objective,
        changes={"title": "Presa in carico unica e digitale"},
        motivation="Nuova norma regionale",
    )
    assert not outcome.applied
    world.__dict__["change"] = outcome.request
    plan_validate(actor=world.otto, plan=close_year(world.plan, world.diana))
    return world


def test_a_pending_rimodulazione_of_a_validated_plan_is_refused_on_every_surface(pending_change: World) -> None:
    from workflow.models import AuditEntry, TransitionRequest

    w = pending_change
    change = w.__dict__["change"]
    trail = AuditEntry.objects.count()
    diana, anna = Client(raise_request_exception=False), Client(raise_request_exception=False)
    diana.force_login(w.diana)
    anna.force_login(w.anna)
    answers = {
        "api approve": diana.post(
            f"/api/changes/{change.pk}/approve/",
            {"act": "Decreto n. 7", "act_date": "2026-05-10"},
            content_type="application/json",
        ),
        "api reject": diana.post(
            f"/api/changes/{change.pk}/reject/", {"comment": "No"}, content_type="application/json"
        ),
        "api new": diana.post(
            "/api/changes/",
            {"objective": w.objective.pk, "motivation": "X", "changes": {"title": "Nuovo"}},
            content_type="application/json",
        ),
        "page new": diana.post(f"/obiettivi/{w.objective.pk}/rimodulazione/", {"title": "Nuovo", "motivation": "X"}),
    }
    for name, answer in answers.items():
        assert answer.status_code == 409, (name, answer.status_code, answer.content[:300])
        assert "validato" in answer.content.decode(), name
    change.refresh_from_db()
    assert change.status == TransitionRequest.Status.PENDING
    assert AuditEntry.objects.count() == trail


def test_deleting_a_criterion_used_by_a_validated_plan_s_validation_is_refused_in_the_admin(world: World) -> None:
    from workflow.models import ValidationCheck, ValidationCriterion
    from workflow.services.validation import CheckInput, validation_open, validation_record

    plan = close_year(world.plan, world.diana)
    draft = validation_open(actor=world.otto, plan=plan)
    checks = {check.pk: CheckInput(result="met") for check in draft.checks.all()}
    validation_record(actor=world.otto, plan=plan, outcome="validata", checks=checks)
    criterion = ValidationCriterion.objects.filter(organization=world.aurelia).first()
    assert criterion is not None
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.create_superuser("root", "root@example.org", "segreta"))
    url = f"/admin/workflow/validationcriterion/{criterion.pk}/delete/"
    assert "PEG-2026" in client.get(url).content.decode()  # the confirmation page names the plan
    answer = client.post(url, {"post": "yes"})
    assert answer.status_code == 403, answer.status_code
    assert ValidationCriterion.objects.filter(pk=criterion.pk).exists()
    assert ValidationCheck.objects.filter(criterion=criterion).exists()


def test_deleting_a_person_who_owns_a_validated_plan_s_activity_is_refused_in_the_admin(validated: World) -> None:
    from plans.models import Activity

    sara = validated.sara
    assert Activity.objects.filter(owner=sara).exists()
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.create_superuser("root", "root@example.org", "segreta"))
    answer = client.post(f"/admin/auth/user/{sara.pk}/delete/", {"post": "yes"})
    assert answer.status_code == 403, answer.status_code
    assert Activity.objects.filter(owner=sara).exists()
