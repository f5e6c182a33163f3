"""A re-import of a live plan (adopted or in execution) writes nothing of its own: what the file changes in an
objective's text, weight and planned times, in its indicators and targets and in its activities' planned times
becomes one change request per objective (workflow.services.changes), proposed by the person who imports.

The file is written inside a savepoint that is rolled back, so that the import's own reading and parsing decide
what the file means; the plan's snapshot before and inside it give the differences. What a change request cannot
carry (a new objective or activity, other fields: the activities' codes and external bodies, the baselines,
historical values and targets' sources) is listed, not written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from plans.models import Activity, HistoricalValue, IndicatorBaseline, IndicatorTarget, Objective, Plan
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


def _file_snapshot(plan: Plan, write: Callable[[], Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The plan as the file would make it, and its details, read inside a savepoint that is then undone."""
    found: tuple[dict[str, Any], dict[str, str]] = ({}, {})
    try:
        with transaction.atomic():
            write()
            found = plan_snapshot(plan.pk), _details(plan.pk)
            raise _Rollback
    except _Rollback:
        pass
    return found


def _details(plan_id: int) -> dict[str, str]:
    """What else a file may say of a plan that no change request carries, each under what it is: the activities'
    codes and external bodies, the indicators' baselines, historical values and the targets' sources. A
    re-import lists the ones it would change, so that none is dropped in silence."""
    found: dict[str, str] = {}
    activities = Activity.objects.filter(objective__plan_id=plan_id).order_by()
    for code, position, own_code, bodies in activities.values_list(
        "objective__code", "position", "code", "external_bodies"
    ):
        found[_("obiettivo %(code)s, attività %(n)s: codice") % {"code": code, "n": position}] = own_code
        found[_("obiettivo %(code)s, attività %(n)s: enti esterni") % {"code": code, "n": position}] = bodies
    baselines = IndicatorBaseline.objects.filter(indicator__objective__plan_id=plan_id).order_by()
    for code, position, raw, year, source in baselines.values_list(
        "indicator__objective__code", "indicator__position", "raw", "year", "source"
    ):
        what = _("obiettivo %(code)s, indicatore %(n)s: baseline") % {"code": code, "n": position}
        found[what] = f"{raw} ({year or '-'}; {source})"
    history = HistoricalValue.objects.filter(indicator__objective__plan_id=plan_id).order_by()
    for code, position, year, raw, source in history.values_list(
        "indicator__objective__code", "indicator__position", "year", "raw", "source"
    ):
        what = _("obiettivo %(code)s, indicatore %(n)s: valore storico %(year)s")
        found[what % {"code": code, "n": position, "year": year}] = f"{raw} ({source})" if source else raw
    targets = IndicatorTarget.objects.filter(indicator__objective__plan_id=plan_id).order_by()
    for code, position, year, source in targets.values_list(
        "indicator__objective__code", "indicator__position", "year", "source"
    ):
        what = _("obiettivo %(code)s, indicatore %(n)s: fonte del valore atteso %(year)s")
        found[what % {"code": code, "n": position, "year": year}] = source
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
    before, details_before = plan_snapshot(plan.pk), _details(plan.pk)
    after, details_after = _file_snapshot(plan, write)
    for what in sorted(details_before.keys() | details_after.keys()):
        old_text, new_text = details_before.get(what, ""), details_after.get(what, "")
        if old_text != new_text:
            change = _("%(what)s: «%(before)s» → «%(after)s»")
            outcome.not_imported.append(change % {"what": what, "before": old_text, "after": new_text})
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
