"""A re-import of a live plan (adopted or in execution) writes nothing of its own: what the file changes in an
objective's text, weight and planned times, in its indicators and targets and in its activities' planned times
becomes one change request per objective (workflow.services.changes), proposed by the person who imports.

The file is written inside a savepoint that is rolled back, so that the import's own reading and parsing decide
what the file means; the plan's snapshot before and inside it give the differences. What a change request cannot
carry (a new objective or activity, other fields) is listed, not written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from plans.models import Objective, Plan
from workflow.changes.snapshot import plan_snapshot
from workflow.errors import WorkflowError
from workflow.services.changes import change_request
from workflow.trail.context import Source


@dataclass
class ReimportOutcome:
    requests: list[tuple[str, int, bool]] = field(default_factory=list)  # objective code, request id, applied
    not_imported: list[str] = field(default_factory=list)  # what no change request carries
    refusals: list[tuple[str, str]] = field(default_factory=list)  # objective code, why


class _Rollback(Exception):
    pass


def _file_snapshot(plan: Plan, write: Callable[[], Any]) -> dict[str, Any]:
    """The plan as the file would make it, read inside a savepoint that is then undone."""
    found: dict[str, Any] = {}
    try:
        with transaction.atomic():
            write()
            found = plan_snapshot(plan.pk)
            raise _Rollback
    except _Rollback:
        pass
    return found


def _objective_input(before: dict[str, Any], after: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in ("title", "description", "planned_start", "planned_end"):
        if before[name] != after[name]:
            changes[name] = after[name]
    if before["weight"] != after["weight"]:
        changes["weight"] = Decimal(after["weight"]) if after["weight"] else ""
    indicators = []
    for key, new in after["indicators"].items():
        old = before["indicators"].get(key)
        targets = {year: raw for year, raw in new["targets"].items() if (old or {}).get("targets", {}).get(year) != raw}
        weight = Decimal(new["weight"]) if new["weight"] else ""
        if old is None:
            indicators.append({"name": new["name"], "unit": new["unit"], "weight": weight, "targets": targets})
            continue
        item: dict[str, Any] = {name: new[name] for name in ("name", "unit") if old[name] != new[name]}
        if old["weight"] != new["weight"]:
            item["weight"] = weight
        if targets:
            item["targets"] = targets
        if item:
            indicators.append({"id": int(key)} | item)
    if indicators:
        changes["indicators"] = indicators
    activities = []
    for key, new in after["activities"].items():
        old = before["activities"].get(key)
        if old is None:
            notes.append(_("%(code)s: nuova attività «%(name)s»") % {"code": after["code"], "name": new["description"]})
            continue
        item = {name: new[name] for name in ("planned_start", "planned_end") if old[name] != new[name]}
        if item:
            activities.append({"id": int(key)} | item)
    if activities:
        changes["activities"] = activities
    return changes


def file_changes(plan: Plan, write: Callable[[], Any], outcome: ReimportOutcome) -> list[tuple[str, int, dict]]:
    """What `write` (the import's writer) would change in `plan`, per objective: (code, id, change request input);
    what no change request carries goes to `outcome.not_imported`."""
    before = plan_snapshot(plan.pk)
    after = _file_snapshot(plan, write)
    found = []
    for key, new in after.get("objectives", {}).items():
        old = before["objectives"].get(key)
        if old is None:
            outcome.not_imported.append(_("nuovo obiettivo %(code)s") % {"code": new["code"]})
            continue
        changes = _objective_input(old, new, outcome.not_imported)
        if changes:
            found.append((new["code"], int(key), changes))
    return found


def propose_changes(
    found: list[tuple[str, int, dict]],
    outcome: ReimportOutcome,
    *,
    actor: Any,
    motivation: str,
    act: str = "",
    act_date: dt.date | None = None,
) -> None:
    """One change request per objective, by `actor`; each refusal goes to `outcome.refusals`, for the caller to
    report (and roll back: the import is all or nothing)."""
    for code, pk, changes in found:
        try:
            done = change_request(
                actor=actor,
                objective=Objective(pk=pk),
                changes=changes,
                motivation=motivation,
                act=act,
                act_date=act_date,
                source=Source.IMPORT,
            )
        except WorkflowError as refused:
            details = "; ".join(f"{name}: {' '.join(map(str, problems))}" for name, problems in refused.fields.items())
            outcome.refusals.append((code, f"{refused.message.rstrip('.')} {details}".strip()))
            continue
        outcome.requests.append((code, done.request.pk, done.applied))
