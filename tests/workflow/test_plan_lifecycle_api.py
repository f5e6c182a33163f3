"""The plan's life on the API: POST /api/plans/{id}/adopt/, start/, close/, reopen/, the plan's state in its
serializer, 200 when the step is done, 202 with the request when the body's policy wants another director's
approval, and every refusal in the one error shape, changing nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from plans.models import OrganizationRole, Plan, PlanState
from tests.workflow.test_api import assert_error, client_for
from tests.workflow.world import World, build_world
from workflow.models import ApprovalPolicy, AuditEntry, Chain, PlanTransition, TargetKind


@pytest.fixture
def world(db: None, frozen_today: dt.date) -> World:
    """The world with its plan still a draft: these tests take it through its life from the start."""
    return build_world(live=False)


pytestmark = pytest.mark.django_db

ADOPTION = {"act": "Delibera di Giunta n. 12", "adopted_on": "2026-01-20"}


def _url(plan: Plan, step: str) -> str:
    return f"/api/plans/{plan.pk}/{step}/"


def _state(plan: Plan) -> str:
    return Plan.objects.get(pk=plan.pk).state


def test_the_director_takes_the_plan_through_its_steps(world: World) -> None:
    diana = client_for(world.diana)
    assert diana.get(f"/api/plans/{world.plan.pk}/").json()["state"] == "draft"

    adopted = diana.post(_url(world.plan, "adopt"), ADOPTION, format="json")
    assert adopted.status_code == 200, adopted.content
    assert (adopted.json()["state"], adopted.json()["adoption_act"], adopted.json()["adopted_on"]) == (
        "adopted",
        "Delibera di Giunta n. 12",
        "2026-01-20",
    )
    assert diana.post(_url(world.plan, "start")).json()["state"] == "in_execution"
    assert diana.post(_url(world.plan, "close")).json()["state"] == "closed"

    changes = AuditEntry.objects.filter(subject="plans.plan", subject_id=world.plan.pk, event="changed")
    assert [(entry.source, (entry.after or {}).get("state")) for entry in changes.order_by("pk")] == [
        ("api", "adopted"),
        ("api", "in_execution"),
        ("api", "closed"),
    ]


def test_a_bad_adoption_names_its_fields_and_changes_nothing(world: World) -> None:
    diana = client_for(world.diana)
    body = assert_error(diana.post(_url(world.plan, "adopt"), {"act": " ", "adopted_on": "20-01-2026"}), 400, "invalid")
    assert set(body["fields"]) == {"act", "adopted_on"}
    assert _state(world.plan) == PlanState.DRAFT


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [
        ("anna", 403, "permission_denied"),
        ("sara", 403, "permission_denied"),
        ("otto", 403, "permission_denied"),
        ("erica", 404, "not_found"),
    ],
)
def test_only_the_bodys_director_moves_the_plan(world: World, name: str, status: int, code: str) -> None:
    caller = client_for(world.users[name])
    assert_error(caller.post(_url(world.plan, "adopt"), ADOPTION, format="json"), status, code)
    assert _state(world.plan) == PlanState.DRAFT


def test_a_step_out_of_order_is_a_conflict(world: World) -> None:
    body = assert_error(client_for(world.diana).post(_url(world.plan, "close")), 409, "conflict")
    assert "Bozza" in body["message"]
    assert_error(client_for(world.diana).post("/api/plans/999999/start/"), 404, "not_found")
    assert_error(client_for(None).post(_url(world.plan, "start")), 401, "not_authenticated")


def test_under_a_chain_the_step_is_a_request_another_director_approves(world: World) -> None:
    ApprovalPolicy.objects.create(
        organization=world.aurelia, target_kind=TargetKind.PLAN, transition=PlanTransition.ADOPT, chain=Chain.DIRECTOR
    )
    vice = User.objects.create_user("vittoria", "vittoria@aurelia.example", "segreta")
    OrganizationRole.objects.create(organization=world.aurelia, user=vice, role=OrganizationRole.Role.DIRECTOR)

    asked = client_for(world.diana).post(_url(world.plan, "adopt"), ADOPTION, format="json")
    assert asked.status_code == 202, asked.content
    request = asked.json()
    assert (request["target_kind"], request["plan"], request["transition"], request["current_step"]) == (
        "plan",
        world.plan.pk,
        "adopt",
        "director",
    )
    assert (request["act"], request["act_date"]) == ("Delibera di Giunta n. 12", "2026-01-20")
    assert _state(world.plan) == PlanState.DRAFT
    assert_error(client_for(world.diana).post(_url(world.plan, "adopt"), ADOPTION, format="json"), 409, "request_open")
    assert_error(client_for(world.diana).post(f"/api/approvals/{request['id']}/approve/"), 403, "sod_own_request")

    inbox = client_for(vice).get("/api/approvals/").json()
    assert [row["id"] for row in inbox["results"]] == [request["id"]]
    approved = client_for(vice).post(f"/api/approvals/{request['id']}/approve/", {"comment": "Conforme"})
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    stored = Plan.objects.get(pk=world.plan.pk)
    assert (stored.state, stored.adoption_act) == (PlanState.ADOPTED, "Delibera di Giunta n. 12")


def test_only_a_superuser_reopens_a_validated_plan_with_a_motivation_and_an_act(world: World) -> None:
    Plan.objects.filter(pk=world.plan.pk).update(state=PlanState.VALIDATED)
    reopening = {"motivation": "Errore materiale nel consuntivo", "act": "Decreto n. 3"}
    assert_error(client_for(world.diana).post(_url(world.plan, "reopen"), reopening), 403, "permission_denied")
    operator = User.objects.create_superuser("gestore", "gestore@example.org", "segreta")
    body = assert_error(client_for(operator).post(_url(world.plan, "reopen"), {"motivation": ""}), 400, "invalid")
    assert set(body["fields"]) == {"motivation", "act"}
    assert _state(world.plan) == PlanState.VALIDATED

    reopened = client_for(operator).post(_url(world.plan, "reopen"), reopening)
    assert reopened.status_code == 200, reopened.content
    assert reopened.json()["state"] == "closed"


def test_the_steps_are_in_the_schema(world: World) -> None:
    schema = client_for(world.diana).get("/api/schema/?format=json").json()
    for step in ("adopt", "start", "close", "reopen"):
        operation = schema["paths"][f"/api/plans/{{id}}/{step}/"]["post"]
        assert {"200", "400", "403", "404", "409"} <= set(operation["responses"])
    assert "202" in schema["paths"]["/api/plans/{id}/adopt/"]["post"]["responses"]
    assert "state" in schema["components"]["schemas"]["Plan"]["properties"]
