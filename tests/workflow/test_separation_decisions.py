"""Separation of duties, on the decisions' side (issue 14), written as the attacks that found the holes:
nobody decides a request they made, directly or on someone's behalf, and one person decides at most one
step of a request, except the director covering the area head where the organization's policy documents
it. The database refuses what bypasses the services.

Comune di Aurelia (tests/workflow/world.py): Diana directs, Anna and Bruno head the social and technical
areas, Sara and Tommaso are their staff, Otto sits on the OIV. Postponing activity 1 needs the area head,
then the director. Mid-May 2026.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.test import Client

from plans.models import Activity, Area, OrganizationRole, WorkState
from plans.rules import roles_of
from tests.web.html import page_text
from tests.workflow.test_api import assert_error, client_for
from tests.workflow.world import World
from workflow.errors import NotAllowed
from workflow.models import Approval, AreaHeadSubstitutes, Delegation, SeparationPolicy, Step, TransitionRequest
from workflow.selectors import count_awaiting, deciders_of, requests_awaiting
from workflow.services import (
    approval_approve,
    delegation_create,
    item_avvia,
    item_concludi,
    item_rinvia,
    request_withdraw,
)

pytestmark = pytest.mark.django_db


def deciders(request: TransitionRequest) -> list[int]:
    """Whom the notifications would tell (deciders_of) of the request as it is now in the database."""
    return deciders_of(TransitionRequest.objects.get(pk=request.pk))


START, END, LATER = dt.date(2026, 5, 15), dt.date(2026, 5, 29), dt.date(2026, 9, 30)


def state(world: World) -> str:
    return Activity.objects.get(pk=world.activity.pk).state


def approve(user: User, request: TransitionRequest) -> Any:
    return client_for(user).post(f"/api/approvals/{request.pk}/approve", {}, format="json")


def postpone(world: World, actor: User) -> TransitionRequest:
    return item_rinvia(actor=actor, item=world.activity, reason="Fornitore", new_planned_end=LATER).request


def covering_policy(world: World) -> SeparationPolicy:
    return SeparationPolicy.objects.create(organization=world.aurelia, director_covers_area_head=True)


def decisions(request: TransitionRequest) -> list[tuple[str, str, bool]]:
    rows = Approval.objects.filter(request=request).order_by("pk")
    return [(a.step, a.decided_by.username, a.director_covers_area_head) for a in rows]


# Nobody decides a request they made.


def test_staff_named_substitute_by_their_head_cannot_approve_their_own_request(world: World, client: Client) -> None:
    SeparationPolicy.objects.create(
        organization=world.aurelia, area_head_substitutes=AreaHeadSubstitutes.WITH_AREA_STAFF
    )
    named = client_for(world.anna).post(
        "/api/delegations/",
        {"organization": world.aurelia.pk, "substitute": world.sara.pk, "starts_on": f"{START}", "ends_on": f"{END}"},
        format="json",
    )
    assert named.status_code == 201, named.content
    sara = client_for(world.sara)
    url = f"/api/activities/{world.activity.pk}/transitions/"
    assert sara.post(url, {"transition": "avvia"}, format="json").status_code == 200
    asked = sara.post(url, {"transition": "concludi"}, format="json")
    assert asked.status_code == 202, asked.content  # not approved with the request by her delegated power
    pending = TransitionRequest.objects.get(pk=asked.json()["id"])
    assert (pending.current_step, decisions(pending)) == (Step.AREA_HEAD, [])

    assert_error(approve(world.sara, pending), 403, "sod_own_request")
    assert state(world) == WorkState.AVVIATO
    assert sara.get("/api/approvals/").json()["count"] == 0
    assert (list(requests_awaiting(world.sara)), count_awaiting(world.sara)) == ([], 0)
    client.force_login(world.sara)
    assert f'id="richiesta-{pending.pk}"' not in client.get("/approvazioni/").content.decode()
    decided = client.post(
        f"/approvazioni/{pending.pk}/decisione/", {f"r{pending.pk}-decision": "approve", f"r{pending.pk}-comment": ""}
    )
    assert decided.status_code == 302
    assert "Hai fatto tu questa richiesta" in page_text(client.get(decided["Location"]))
    assert deciders(pending) == [world.anna.pk]  # nobody mails Sara her own request

    assert approve(world.anna, pending).status_code == 200
    assert state(world) == WorkState.CONCLUSO


def test_a_delegation_written_past_the_services_gives_no_power_over_ones_own_request(world: World) -> None:
    Delegation.objects.create(
        organization=world.aurelia, delegator=world.anna, substitute=world.sara, starts_on=START, ends_on=END
    )
    item_avvia(actor=world.sara, item=world.activity)
    outcome = item_concludi(actor=world.sara, item=world.activity)
    assert not outcome.applied
    with pytest.raises(NotAllowed) as refused:
        approval_approve(actor=world.sara, request=outcome.request)
    assert refused.value.code == "sod_own_request"
    # The database too refuses the requester's decision as a substitute.
    with pytest.raises(IntegrityError, match="sod_own_request"), transaction.atomic():
        Approval.objects.create(
            request=outcome.request, step=Step.AREA_HEAD, decision="approved", decided_by=world.sara,
            on_behalf_of=world.anna,
        )  # fmt: skip
    assert state(world) == WorkState.AVVIATO


def test_an_area_head_who_asks_does_not_approve_the_directors_step_as_her_substitute(world: World) -> None:
    delegation_create(
        actor=world.diana, organization=world.aurelia, substitute=world.anna, starts_on=START, ends_on=END
    )
    detail = client_for(world.anna).get(f"/api/activities/{world.activity.pk}/").json()
    offered = {row["transition"]: row["steps"] for row in detail["available_transitions"]}
    assert offered["rinvia"] == ["director"]  # her own step only comes with the request
    pending = postpone(world, world.anna)
    assert (pending.current_step, decisions(pending)) == (Step.DIRECTOR, [("area_head", "anna", False)])
    assert_error(approve(world.anna, pending), 403, "sod_own_request")
    assert deciders(pending) == [world.diana.pk]
    assert state(world) == WorkState.PROGRAMMATO


# One person, one step.


def test_an_area_head_standing_in_for_the_director_cannot_decide_both_steps(world: World) -> None:
    delegation_create(
        actor=world.diana, organization=world.aurelia, substitute=world.anna, starts_on=START, ends_on=END
    )
    pending = postpone(world, world.sara)
    assert approve(world.anna, pending).status_code == 200  # the area head's step
    body = assert_error(approve(world.anna, pending), 403, "sod_one_step")
    assert "un'altra persona" in body["message"]
    assert state(world) == WorkState.PROGRAMMATO
    assert client_for(world.anna).get("/api/approvals/").json()["count"] == 0
    assert count_awaiting(world.anna) == 0
    assert deciders(pending) == [world.diana.pk]
    assert approve(world.diana, pending).status_code == 200
    assert state(world) == WorkState.RINVIATO
    assert decisions(pending) == [("area_head", "anna", False), ("director", "diana", False)]


@pytest.fixture
def director_heads_social(world: World) -> World:
    """Diana heads the social area herself; Anna keeps no role there."""
    Area.objects.filter(pk=world.social.pk).update(head=world.diana)
    return world


def test_the_director_heading_the_area_decides_one_step_unless_the_policy_documents_the_exception(
    director_heads_social: World,
) -> None:
    world = director_heads_social
    pending = postpone(world, world.sara)
    assert approve(world.diana, pending).status_code == 200  # as the head of the area
    body = assert_error(approve(world.diana, pending), 403, "sod_one_step")
    assert "politica dell'ente" in body["message"]
    assert (requests_awaiting(world.diana).count(), deciders(pending)) == (0, [])
    assert state(world) == WorkState.PROGRAMMATO

    covering_policy(world)
    assert list(requests_awaiting(world.diana)) == [pending]
    assert deciders(pending) == [world.diana.pk]
    covered = approve(world.diana, pending)
    assert covered.status_code == 200
    assert [row["director_covers_area_head"] for row in covered.json()["approvals"]] == [False, True]
    assert state(world) == WorkState.RINVIATO
    assert decisions(pending) == [("area_head", "diana", False), ("director", "diana", True)]


def test_the_director_heading_the_area_gets_both_steps_with_her_request_only_under_the_exception(
    director_heads_social: World,
) -> None:
    world = director_heads_social
    first = postpone(world, world.diana)
    assert (first.current_step, decisions(first)) == (Step.DIRECTOR, [("area_head", "diana", False)])
    request_withdraw(actor=world.diana, request=first)
    covering_policy(world)
    second = postpone(world, world.diana)
    assert second.status == TransitionRequest.Status.APPROVED
    assert decisions(second) == [("area_head", "diana", False), ("director", "diana", True)]


def test_the_director_covers_an_area_without_a_head_for_one_step_and_a_substitute_takes_the_other(
    world: World,
) -> None:
    Area.objects.filter(pk=world.social.pk).update(head=None)
    pending = postpone(world, world.sara)
    assert pending.steps == ["area_head", "director"]  # two people, as the policy's chain says
    assert approve(world.diana, pending).status_code == 200
    assert_error(approve(world.diana, pending), 403, "sod_one_step")
    delegation_create(
        actor=world.diana, organization=world.aurelia, substitute=world.bruno, starts_on=START, ends_on=END
    )
    assert deciders(pending) == [world.bruno.pk]
    assert list(requests_awaiting(world.bruno)) == [pending]
    assert approve(world.bruno, pending).status_code == 200
    assert state(world) == WorkState.RINVIATO


# The database's own check of the decisions.


def test_a_substitute_made_oiv_while_deciding_is_caught_by_the_database(world: World) -> None:
    delegation_create(
        actor=world.diana, organization=world.aurelia, substitute=world.bruno, starts_on=START, ends_on=END
    )
    pending = postpone(world, world.anna)  # awaiting the director
    bruno = User.objects.get(pk=world.bruno.pk)
    assert not roles_of(bruno).auditor_of  # his roles, read once, as at the start of his request
    OrganizationRole.objects.create(organization=world.aurelia, user=bruno, role=OrganizationRole.Role.AUDITOR)
    with pytest.raises(NotAllowed) as refused:
        approval_approve(actor=bruno, request=pending)
    assert refused.value.code == "sod_auditor"
    assert decisions(pending) == [("area_head", "anna", False)]
    assert (state(world), TransitionRequest.objects.get(pk=pending.pk).status) == (WorkState.PROGRAMMATO, "pending")


def test_the_database_refuses_a_second_decision_by_the_same_person(world: World) -> None:
    pending = postpone(world, world.sara)
    approval_approve(actor=world.anna, request=pending)
    for covers in (False, True):  # claiming the exception does not help an area head, nor without the policy
        with pytest.raises(IntegrityError, match="sod_one_step"), transaction.atomic():
            Approval.objects.create(
                request=pending, step=Step.DIRECTOR, decision="approved", decided_by=world.anna,
                director_covers_area_head=covers,
            )  # fmt: skip


def test_the_database_accepts_the_directors_second_step_only_as_the_documented_exception(
    director_heads_social: World,
) -> None:
    world = director_heads_social
    pending = postpone(world, world.sara)
    approval_approve(actor=world.diana, request=pending)
    row = {"request": pending, "step": Step.DIRECTOR, "decision": "approved", "decided_by": world.diana}
    for covers in (False, True):
        with pytest.raises(IntegrityError, match="sod_one_step"), transaction.atomic():
            Approval.objects.create(director_covers_area_head=covers, **row)
    covering_policy(world)
    with pytest.raises(IntegrityError, match="sod_one_step"), transaction.atomic():
        Approval.objects.create(**row)  # the row must say it is the exception
    Approval.objects.create(director_covers_area_head=True, **row)


def test_the_database_refuses_a_decision_by_the_oiv(world: World) -> None:
    pending = postpone(world, world.sara)
    with pytest.raises(IntegrityError, match="sod_auditor"), transaction.atomic():
        Approval.objects.create(request=pending, step=Step.AREA_HEAD, decision="approved", decided_by=world.otto)
