"""What the API tests that walk every operation share: whose ids each path takes, and a world with requests pending
and a delegation (so that the answers carry what is null in some rows and not in others)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Model

from plans.models import Activity, Area, Indicator, Objective, Plan
from tests.workflow.world import World
from workflow.models import Delegation, TransitionRequest
from workflow.services import delegation_create, item_rinvia

# The path prefix of each operation taking an id, and whose ids it takes.
PATH_IDS: dict[str, type[Model]] = {
    "/api/plans/": Plan,
    "/api/areas/": Area,
    "/api/objectives/": Objective,
    "/api/activities/": Activity,
    "/api/indicators/": Indicator,
    "/api/approvals/": TransitionRequest,
    "/api/requests/": TransitionRequest,
    "/api/delegations/": Delegation,
    "/api/changes/": TransitionRequest,  # a rimodulazione is a request; another request's id answers 404
}


def with_requests_and_a_delegation(world: World) -> World:
    """Sara's rinvia of activity 1 awaits Anna, then Diana; Anna's rinvia of activity 2 awaits Diana, who can thus
    approve or reject it; Diana named Bruno her substitute for the end of May."""
    item_rinvia(
        actor=world.sara,
        item=world.activity,
        reason="Mancano i dati degli sportelli",
        new_planned_end=dt.date(2026, 12, 20),
    )
    item_rinvia(
        actor=world.anna,
        item=world.second_activity,
        reason="Formatori non disponibili",
        new_planned_end=dt.date(2026, 12, 20),
    )
    delegation_create(
        actor=world.diana,
        organization=world.aurelia,
        substitute=world.bruno,
        starts_on=dt.date(2026, 5, 25),
        ends_on=dt.date(2026, 5, 31),
        reason="Ferie",
    )
    return world
