"""A demo plan through the end of its year and back, for the browser tests that close or validate a year.

The demo is shared by the session's browser tests, so a test that changes a plan's state puts it back as it found
it: a superuser's reopening (the only way back from validated, as in production), without the validation
attempts, then the state, act and date of adoption it had."""

from __future__ import annotations

import json
from typing import Any

from tests.browser.server import Server

# Adopted, started and closed by the director through the services; prints the plan's id and what it was before.
_CLOSE = """
import datetime as dt, json
from django.contrib.auth.models import User
from plans.models import Plan, PlanState
from workflow.services.plan_lifecycle import plan_adopt, plan_close, plan_start
plan = Plan.objects.get(code={code!r})
before = {{"state": plan.state, "act": plan.adoption_act,
    "adopted_on": plan.adopted_on.isoformat() if plan.adopted_on else None}}
director = User.objects.get(username={director!r})
if plan.state == PlanState.DRAFT:
    plan = plan_adopt(actor=director, plan=plan, act={act!r}, adopted_on=dt.date.fromisoformat({adopted_on!r}))
if plan.state == PlanState.ADOPTED:
    plan = plan_start(actor=director, plan=plan)
if plan.state == PlanState.IN_EXECUTION:
    plan = plan_close(actor=director, plan=plan)
print(json.dumps({{"pk": plan.pk, "state": plan.state, "before": before}}))
"""

_RESTORE = """
import datetime as dt, json
from django.contrib.auth.models import User
from plans.models import Plan, PlanState
from workflow.models import Validation
from workflow.services.plan_lifecycle import plan_reopen
plan = Plan.objects.get(code={code!r})
if plan.state == PlanState.VALIDATED:
    operator = User.objects.filter(username="gestore-piattaforma").first() or User.objects.create_superuser(
        "gestore-piattaforma", "gestore@traguardi.example", None)
    plan = plan_reopen(actor=operator, plan=plan, motivation={motivation!r}, act={act!r})
Validation.objects.filter(plan=plan).delete()
# Back to the demo's state (the database refuses this only on a validated plan).
Plan.objects.filter(pk=plan.pk).update(state={state!r}, adoption_act={adoption_act!r},
    adopted_on=dt.date.fromisoformat({adopted_on!r}) if {adopted_on!r} else None)
print(json.dumps({{"state": Plan.objects.get(pk=plan.pk).state}}))
"""


def shell_json(server: Server, code: str) -> dict[str, Any]:
    """Runs `code` in the server's `manage.py shell`; its last printed line, as JSON."""
    result: dict[str, Any] = json.loads(server.manage("shell", "-c", code).strip().splitlines()[-1])
    return result


def close_year(server: Server, code: str, *, director: str, act: str, adopted_on: str) -> dict[str, Any]:
    """The plan `code` closed by `director` (adopted with `act` on `adopted_on` first, if it was a draft):
    {"pk", "state", "before": {"state", "act", "adopted_on"}}."""
    found = shell_json(server, _CLOSE.format(code=code, director=director, act=act, adopted_on=adopted_on))
    assert found["state"] == "closed", found
    return found


def restore_year(server: Server, code: str, before: dict[str, Any], *, motivation: str, act: str) -> None:
    """The plan `code` as it was (`before`, as close_year answers it), reopened with `motivation` and `act` if
    the test validated it."""
    restored = shell_json(
        server,
        _RESTORE.format(
            code=code,
            motivation=motivation,
            act=act,
            state=before["state"],
            adoption_act=before["act"],
            adopted_on=before["adopted_on"],
        ),
    )
    assert restored["state"] == before["state"], restored
