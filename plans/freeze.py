"""What a plan's state allows, decided in this one place: the services, the API, the pages, the admin, the
import, the reminders, the monitoring and the dashboard all ask here, and the database enforces the freeze once
more (a trigger refuses writes to a validated plan's rows).

- A plan is *live* while it is adopted or in execution: only live plans get reminders, monthly monitoring,
  escalations, and items shown as late. A draft is not yet the body's act; a closed or validated year is over.
- A plan is *frozen* once the OIV has validated it: it and everything under it are read-only for everyone,
  until a superuser reopens it with a motivation and an act (workflow.services.plan_lifecycle.plan_reopen).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from plans.models.states import PlanState

LIVE_STATES: tuple[str, ...] = (PlanState.ADOPTED, PlanState.IN_EXECUTION)
FROZEN_STATES: tuple[str, ...] = (PlanState.VALIDATED,)


class PlanFrozen(Exception):
    """A write to a validated plan's data. `message` is for people (Italian); the workflow's services turn it
    into a Conflict (409) with code "plan_frozen"."""

    code = "plan_frozen"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_live(plan: Any) -> bool:
    return plan.state in LIVE_STATES


def is_frozen(plan: Any) -> bool:
    return plan.state in FROZEN_STATES


def live_q(prefix: str = "") -> Q:
    """Rows whose plan is live; `prefix` is the path to the plan ("" on Plan, "plan__" on Objective,
    "objective__plan__" on Activity and Indicator)."""
    return Q(**{f"{prefix}state__in": LIVE_STATES})


def frozen_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}state__in": FROZEN_STATES})


def frozen_message(plan: Any) -> str:
    return _(
        "Il piano «%(code)s» è stato validato dall'OIV: i suoi dati non si possono più modificare. "
        "Solo l'amministratore della piattaforma può riaprirlo, con una motivazione e l'atto che lo decide."
    ) % {"code": plan.code}


def ensure_writable(plan: Any) -> None:
    """Raise PlanFrozen when `plan` is validated. Call it with the plan locked (select_for_update) where the
    write follows in the same transaction, so that a validation in between cannot be missed."""
    if is_frozen(plan):
        raise PlanFrozen(frozen_message(plan))
