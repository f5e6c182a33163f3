"""The plan's versions for people: the list, and the difference between two of them with the changes in between
(each with its motivation and act). Reads the versions' snapshots: two rows for a difference, whatever the plan."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from plans.models import Plan
from workflow.changes.snapshot import ObjectiveDifference, difference
from workflow.models import PlanVersion


def plan_versions(plan: Plan) -> QuerySet[PlanVersion]:
    """Oldest first, with who approved each and its request's objective; the snapshots stay in the database."""
    return (
        PlanVersion.objects.filter(plan=plan)
        .defer("snapshot")
        .select_related("made_by", "request__requested_by", "request__objective", "trail_entry")
        .order_by("number")
    )


class UnknownVersion(LookupError):
    """A version number the plan does not have."""


@dataclass(frozen=True)
class VersionDifference:
    old: PlanVersion
    new: PlanVersion
    objectives: tuple[ObjectiveDifference, ...]
    between: tuple[PlanVersion, ...]  # the versions after `old` up to `new`: the changes in between


def _visible(snapshot: dict[str, Any], objective_ids: Collection[int] | None) -> dict[str, Any]:
    if objective_ids is None:
        return snapshot
    shown = {str(pk) for pk in objective_ids}
    return {"objectives": {k: v for k, v in snapshot.get("objectives", {}).items() if k in shown}}


def _shown(version: PlanVersion, visible: set[int] | None) -> bool:
    if visible is None:
        return True
    request = version.request
    return request is not None and request.objective_id in visible


def version_difference(
    plan: Plan, old: int, new: int, *, objective_ids: Collection[int] | None = None
) -> VersionDifference:
    """Between versions `old` and `new` (in either order), limited to the objectives `objective_ids` (the caller's
    visible ones; None: all). Raises UnknownVersion."""
    low, high = sorted((old, new))
    versions = {v.number: v for v in plan_versions(plan).filter(number__gte=low, number__lte=high).defer(None)}
    if low not in versions or high not in versions:
        raise UnknownVersion(low if low not in versions else high)
    first, last = versions[low], versions[high]
    objectives = difference(_visible(first.snapshot, objective_ids), _visible(last.snapshot, objective_ids))
    visible = None if objective_ids is None else set(objective_ids)
    between = tuple(versions[number] for number in range(low + 1, high + 1) if _shown(versions[number], visible))
    return VersionDifference(first, last, tuple(objectives), between)
