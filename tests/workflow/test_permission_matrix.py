"""The whole permission matrix of the REST API: every endpoint and every transition, for every kind of caller.

The expected answers are written out below as a table, independently of the predicates in plans/rules.py:
one row per action, one column per caller. Each action first arranges the world so that the call is legal
(an activity to conclude is started, a request to approve is pending at the right step), so that the
status under test is the permission answer and never a 409. A denied call must leave everything as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from plans.models import Activity, Area, Measurement, Objective
from tests.workflow.world import World
from workflow.models import Approval, AuditEntry, Delegation, TransitionRequest
from workflow.services import (
    Outcome,
    approval_approve,
    delegation_create,
    item_avvia,
    item_concludi,
    item_rinvia,
)

pytestmark = pytest.mark.django_db

CALLERS = ("diana", "anna", "bruno", "sara", "tommaso", "otto", "erica", "anonymous")
ERROR_CODES = {401: "not_authenticated", 403: "permission_denied", 404: "not_found"}
# Later than the planned ends: activity 1 is due 2026-06-30, SOC-1 2026-12-31, TRA-1 has no due date.
LISTS = ("plans", "areas", "objectives", "activities", "indicators", "approvals", "requests", "delegations")
LATER = {"activity": "2026-12-20", "objective": "2027-03-31", "transversal": "2027-03-31"}

# fmt: off
# The oracle. Columns: diana (director), anna (head of sociale), bruno (head of tecnica), sara (staff of sociale,
# owner of the activity), tommaso (staff of tecnica), otto (auditor), erica (director of Borgo), anonymous.
# "activity" is activity 1 of SOC-1 (sociale); "objective" is SOC-1; "transversal" is TRA-1 (sociale and tecnica).
EXPECTED: dict[str, tuple[int, ...]] = {
    #                                   diana anna bruno sara tomm. otto erica anon
    "plans-list":                       (200, 200, 200, 200, 200, 200, 200, 401),
    "areas-list":                       (200, 200, 200, 200, 200, 200, 200, 401),
    "objectives-list":                  (200, 200, 200, 200, 200, 200, 200, 401),
    "activities-list":                  (200, 200, 200, 200, 200, 200, 200, 401),
    "indicators-list":                  (200, 200, 200, 200, 200, 200, 200, 401),
    "approvals-list":                   (200, 200, 200, 200, 200, 200, 200, 401),
    "requests-list":                    (200, 200, 200, 200, 200, 200, 200, 401),
    "delegations-list":                 (200, 200, 200, 200, 200, 200, 200, 401),
    "plan-detail":                      (200, 200, 200, 200, 200, 200, 404, 401),
    "area-detail":                      (200, 200, 200, 200, 200, 200, 404, 401),
    "objective-detail":                 (200, 200, 404, 200, 404, 200, 404, 401),
    "transversal-detail":               (200, 200, 200, 200, 200, 200, 404, 401),
    "activity-detail":                  (200, 200, 404, 200, 404, 200, 404, 401),
    "indicator-detail":                 (200, 200, 404, 200, 404, 200, 404, 401),
    "request-detail":                   (200, 200, 404, 200, 404, 200, 404, 401),
    "objective-history":                (200, 200, 404, 200, 404, 200, 404, 401),
    "transversal-history":              (200, 200, 200, 200, 200, 200, 404, 401),
    "activity-history":                 (200, 200, 404, 200, 404, 200, 404, 401),
    "measurements-get":                 (200, 200, 404, 200, 404, 200, 404, 401),
    "measurements-post":                (201, 201, 404, 201, 404, 403, 404, 401),
    "activity-avvia":                   (200, 200, 404, 200, 404, 403, 404, 401),
    "activity-concludi":                (202, 200, 404, 202, 404, 403, 404, 401),
    "activity-rinvia":                  (202, 202, 404, 202, 404, 403, 404, 401),
    "activity-riprendi":                (202, 200, 404, 202, 404, 403, 404, 401),
    "activity-riapri":                  (200, 403, 404, 403, 404, 403, 404, 401),
    "objective-avvia":                  (202, 200, 404, 403, 404, 403, 404, 401),
    "objective-concludi":               (202, 202, 404, 403, 404, 403, 404, 401),
    "objective-rinvia":                 (202, 202, 404, 403, 404, 403, 404, 401),
    "objective-riprendi":               (202, 200, 404, 403, 404, 403, 404, 401),
    "objective-riapri":                 (200, 403, 404, 403, 404, 403, 404, 401),
    "transversal-avvia":                (202, 200, 200, 403, 403, 403, 404, 401),
    "transversal-rinvia":               (202, 202, 202, 403, 403, 403, 404, 401),
    "approve-at-area-head-step":        (403, 200, 404, 403, 404, 403, 404, 401),
    "reject-at-area-head-step":         (403, 200, 404, 403, 404, 403, 404, 401),
    "approve-at-director-step":         (200, 403, 404, 403, 404, 403, 404, 401),
    "reject-at-director-step":          (200, 403, 404, 403, 404, 403, 404, 401),
    "approve-transversal-at-area-head": (403, 200, 200, 403, 403, 403, 404, 401),
    "approve-headless-area-step":       (200, 404, 404, 403, 404, 403, 404, 401),
    "withdraw-request-of-sara":         (403, 403, 404, 200, 404, 403, 404, 401),
    "delegation-create":                (201, 201, 201, 403, 403, 403, 404, 401),
    "delegation-revoke-anna-to-bruno":  (200, 200, 403, 404, 404, 404, 404, 401),
    "auth-token":                       (200, 200, 200, 200, 200, 200, 200, 200),
}

# How many rows each list holds for each caller, in the world arranged for lists (a pending request by Sara,
# a future delegation from Anna to Bruno). Erica sees nothing of Aurelia, only her own area in Borgo.
LIST_COUNTS: dict[str, tuple[int, ...]] = {
    #                    diana anna bruno sara tomm. otto erica
    "plans-list":        (1,    1,    1,   1,   1,   1,   0),
    "areas-list":        (2,    2,    2,   2,   2,   2,   1),
    "objectives-list":   (2,    2,    1,   2,   1,   2,   0),
    "activities-list":   (2,    2,    0,   2,   0,   2,   0),
    "indicators-list":   (1,    1,    0,   1,   0,   1,   0),
    "approvals-list":    (0,    1,    0,   0,   0,   0,   0),
    "requests-list":     (2,    2,    0,   2,   0,   2,   0),
    "delegations-list":  (1,    1,    1,   0,   0,   0,   0),
}
# fmt: on


@dataclass(frozen=True)
class Call:
    method: str
    url: str
    data: dict[str, Any] = field(default_factory=dict)


Arrange = Callable[[World, User | None], Call]


# Arranging states: Anna asks, and Diana approves whatever step is left for the director.


def settle(world: World, outcome: Outcome) -> None:
    if outcome.request.is_open:
        approval_approve(actor=world.diana, request=outcome.request)


def started(world: World, item: Activity | Objective) -> None:
    settle(world, item_avvia(actor=world.anna, item=item))


def concluded(world: World, item: Activity | Objective) -> None:
    started(world, item)
    settle(world, item_concludi(actor=world.anna, item=item))


def postponed(world: World, item: Activity | Objective) -> None:
    settle(world, item_rinvia(actor=world.anna, item=item, reason="Ritardo", new_planned_end=dt.date(2027, 1, 31)))


def activities_concluded(world: World) -> None:
    concluded(world, world.activity)
    concluded(world, world.second_activity)


def objective_started(world: World) -> None:
    """SOC-1 under way with both its activities concluded: ready to be concluded."""
    activities_concluded(world)
    started(world, world.objective)


def objective_concluded(world: World) -> None:
    objective_started(world)
    settle(world, item_concludi(actor=world.anna, item=world.objective))


def sara_concludi(world: World) -> TransitionRequest:
    """Sara asks to conclude her activity: pending at the area head's step."""
    started(world, world.activity)
    return item_concludi(actor=world.sara, item=world.activity).request


def anna_rinvia(world: World) -> TransitionRequest:
    """Anna asks to postpone the activity: her own step is approved, pending at the director's step."""
    later = dt.date.fromisoformat(LATER["activity"])
    return item_rinvia(actor=world.anna, item=world.activity, reason="Ritardo", new_planned_end=later).request


def diana_avvia_transversal(world: World) -> TransitionRequest:
    """Diana asks to start TRA-1: pending at the area head's step (Anna or Bruno)."""
    return item_avvia(actor=world.diana, item=world.transversal).request


def sara_concludi_headless(world: World) -> TransitionRequest:
    """Sociale loses its head (Anna keeps no role there): the area head's step goes to the director."""
    Area.objects.filter(pk=world.social.pk).update(head=None)
    settle(world, item_avvia(actor=world.diana, item=world.activity))
    return item_concludi(actor=world.sara, item=world.activity).request


def delegation_anna_to_bruno(world: World) -> Delegation:
    """A future absence: not active today, so it gives Bruno nothing to decide yet."""
    start, end = dt.date(2026, 6, 1), dt.date(2026, 6, 15)
    return delegation_create(
        actor=world.anna, organization=world.aurelia, substitute=world.bruno, starts_on=start, ends_on=end
    )


def busy(world: World) -> None:
    sara_concludi(world)
    delegation_anna_to_bruno(world)


# The calls.


def get(path: Callable[[World], str], arrange: Callable[[World], object] = busy) -> Arrange:
    def build(world: World, caller: User | None) -> Call:
        arrange(world)
        return Call("GET", path(world))

    return build


def listing(name: str) -> Arrange:
    return get(lambda world: f"/api/{name}/")


def transition(kind: str, name: str, arrange: Callable[[World], object] | None = None) -> Arrange:
    def build(world: World, caller: User | None) -> Call:
        if arrange is not None:
            arrange(world)
        item = getattr(world, kind)
        collection = "activities" if kind == "activity" else "objectives"
        data: dict[str, Any] = {"transition": name}
        if name == "rinvia":
            data |= {"reason": "Ritardo del fornitore", "new_planned_end": LATER[kind]}
        if name == "riapri":
            data["reason"] = "Verifica OIV"
        return Call("POST", f"/api/{collection}/{item.pk}/transitions/", data)

    return build


def decide(verb: str, arrange: Callable[[World], TransitionRequest], path: str = "approvals") -> Arrange:
    def build(world: World, caller: User | None) -> Call:
        return Call("POST", f"/api/{path}/{arrange(world).pk}/{verb}", {"comment": "Motivato"})

    return build


def create_delegation(world: World, caller: User | None) -> Call:
    substitute = world.anna if caller == world.diana else world.diana
    data = {"organization": world.aurelia.pk, "substitute": substitute.pk}
    return Call("POST", "/api/delegations/", data | {"starts_on": "2026-05-20", "ends_on": "2026-05-30"})


def revoke_delegation(world: World, caller: User | None) -> Call:
    return Call("POST", f"/api/delegations/{delegation_anna_to_bruno(world).pk}/revoke")


def record_measurement(world: World, caller: User | None) -> Call:
    return Call("POST", f"/api/indicators/{world.indicator.pk}/measurements/", {"year": 2026, "value": "12"})


def ask_token(world: World, caller: User | None) -> Call:
    username = caller.username if caller is not None else "anna"
    return Call("POST", "/api/auth/token/", {"username": username, "password": "segreta"})


ACTIONS: dict[str, Arrange] = {
    **{f"{name}-list": listing(name) for name in LISTS},
    "plan-detail": get(lambda world: f"/api/plans/{world.plan.pk}/"),
    "area-detail": get(lambda world: f"/api/areas/{world.social.pk}/"),
    "objective-detail": get(lambda world: f"/api/objectives/{world.objective.pk}/"),
    "transversal-detail": get(lambda world: f"/api/objectives/{world.transversal.pk}/"),
    "activity-detail": get(lambda world: f"/api/activities/{world.activity.pk}/"),
    "indicator-detail": get(lambda world: f"/api/indicators/{world.indicator.pk}/"),
    "request-detail": get(lambda world: f"/api/requests/{sara_concludi(world).pk}/", arrange=lambda world: None),
    "objective-history": get(lambda world: f"/api/objectives/{world.objective.pk}/history/"),
    "transversal-history": get(lambda world: f"/api/objectives/{world.transversal.pk}/history/"),
    "activity-history": get(lambda world: f"/api/activities/{world.activity.pk}/history/"),
    "measurements-get": get(lambda world: f"/api/indicators/{world.indicator.pk}/measurements/"),
    "measurements-post": record_measurement,
    "activity-avvia": transition("activity", "avvia"),
    "activity-concludi": transition("activity", "concludi", lambda world: started(world, world.activity)),
    "activity-rinvia": transition("activity", "rinvia"),
    "activity-riprendi": transition("activity", "riprendi", lambda world: postponed(world, world.activity)),
    "activity-riapri": transition("activity", "riapri", lambda world: concluded(world, world.activity)),
    "objective-avvia": transition("objective", "avvia"),
    "objective-concludi": transition("objective", "concludi", objective_started),
    "objective-rinvia": transition("objective", "rinvia"),
    "objective-riprendi": transition("objective", "riprendi", lambda world: postponed(world, world.objective)),
    "objective-riapri": transition("objective", "riapri", objective_concluded),
    "transversal-avvia": transition("transversal", "avvia"),
    "transversal-rinvia": transition("transversal", "rinvia"),
    "approve-at-area-head-step": decide("approve", sara_concludi),
    "reject-at-area-head-step": decide("reject", sara_concludi),
    "approve-at-director-step": decide("approve", anna_rinvia),
    "reject-at-director-step": decide("reject", anna_rinvia),
    "approve-transversal-at-area-head": decide("approve", diana_avvia_transversal),
    "approve-headless-area-step": decide("approve", sara_concludi_headless),
    "withdraw-request-of-sara": decide("withdraw", sara_concludi, path="requests"),
    "delegation-create": create_delegation,
    "delegation-revoke-anna-to-bruno": revoke_delegation,
    "auth-token": ask_token,
}

CASES = [
    pytest.param(caller, action, statuses[column], id=f"{caller}-{action}")
    for action, statuses in EXPECTED.items()
    for column, caller in enumerate(CALLERS)
]


def snapshot() -> tuple[object, ...]:
    """Everything a write could change."""
    return (
        list(Objective.objects.order_by("pk").values_list("pk", "state", "planned_end", "actual_end")),
        list(Activity.objects.order_by("pk").values_list("pk", "state", "planned_end", "actual_end")),
        list(TransitionRequest.objects.order_by("pk").values_list("pk", "status", "current_step")),
        list(Delegation.objects.order_by("pk").values_list("pk", "revoked_at")),
        Approval.objects.count(),
        AuditEntry.objects.count(),
        Measurement.objects.count(),
    )


def test_the_table_covers_every_action_and_caller() -> None:
    assert set(EXPECTED) == set(ACTIONS)
    assert all(len(statuses) == len(CALLERS) for statuses in EXPECTED.values())
    assert set(LIST_COUNTS) == {action for action in ACTIONS if action.endswith("-list")}


@pytest.mark.parametrize(("caller", "action", "expected"), CASES)
def test_permission_matrix(world: World, caller: str, action: str, expected: int) -> None:
    user = None if caller == "anonymous" else world.users[caller]
    call = ACTIONS[action](world, user)
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    before = snapshot()

    response = client.get(call.url) if call.method == "GET" else client.post(call.url, call.data, format="json")

    assert response.status_code == expected, response.content
    if expected >= 400:
        body = response.json()
        assert set(body) == {"code", "message", "fields"}
        assert (body["code"], bool(body["message"])) == (ERROR_CODES[expected], True)
        assert snapshot() == before, "a denied call changed something"
    elif call.method == "POST" and action != "auth-token":
        assert snapshot() != before, "an accepted write changed nothing"
    if action in LIST_COUNTS and user is not None:
        assert response.json()["count"] == LIST_COUNTS[action][CALLERS.index(caller)]
