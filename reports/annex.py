"""The annex of changes and deviations: per area and objective, every postponement, rejection, reopening and change
of target of the year, with motivation, dates and deciders; and every objective or indicator that missed its target,
with the motivation given. Built from the sections (the workflow's requests) and the trail's changes of targets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from plans.achievement import Level
from plans.models import WorkState
from reports import labels
from reports.sections import (
    ActivityRow,
    AnnexArea,
    AnnexObjective,
    AreaSection,
    Change,
    Deviation,
    ObjectiveSection,
    WorkflowEvent,
)

MISSED = (Level.PARTIAL.value, Level.MISSED.value)


@dataclass(frozen=True)
class TargetChange:
    """A change of an expected value, as the trail recorded it."""

    target_id: int
    on: dt.date
    before: str
    after: str
    by: str


def annex(
    areas: Sequence[AreaSection],
    target_changes: Mapping[int, Sequence[TargetChange]],
    year_end: dt.date,
    today: dt.date,
) -> tuple[AnnexArea, ...]:
    result = []
    for area in areas:
        objectives = []
        for objective in area.objectives:
            changes = _changes(objective, target_changes)
            deviations = _deviations(objective, min(year_end, today))
            if changes or deviations:
                heading = f"{labels.objective_heading(objective)} – {objective.title}"
                objectives.append(AnnexObjective(heading=heading, changes=changes, deviations=deviations))
        if objectives:
            result.append(AnnexArea(heading=labels.area_heading(area), objectives=tuple(objectives)))
    return tuple(result)


def _kind(event: WorkflowEvent) -> str | None:
    if event.status == "withdrawn":
        return None
    if event.transition == "rimodula":
        # Approved, it changed the plan; rejected, it is listed as any rejection; pending, it changed nothing yet.
        return {"approved": "rimodulazione", "rejected": "rifiuto"}.get(event.status)
    if event.transition == "rinvia":
        return "rinvio"
    if event.transition == "riapri":
        return "riapertura"
    if event.status == "rejected":
        return "rifiuto"
    return None


def _activity_subject(activity: ActivityRow) -> str:
    return f"{labels.ACTIVITY} {activity.position} – {activity.description}"


def _changes(objective: ObjectiveSection, target_changes: Mapping[int, Sequence[TargetChange]]) -> tuple[Change, ...]:
    own = str(labels.objective_heading(objective))
    items: list[tuple[str, WorkflowEvent]] = [(own, event) for event in objective.events]
    items += [(_activity_subject(activity), event) for activity in objective.activities for event in activity.events]
    changes = [
        Change(
            kind=kind,
            subject=subject,
            on=(event.closed_on or event.requested_on) if event.transition == "rimodula" else event.requested_on,
            status=event.status,
            motivation=event.reason,
            new_planned_end=event.new_planned_end,
            before="",
            after="",
            requested_by=event.requested_by,
            decisions=event.decisions,
            lines=event.changes,
            act=event.act,
        )
        for subject, event in items
        if (kind := _kind(event)) is not None
    ]
    for indicator in objective.indicators:
        for change in target_changes.get(indicator.target_id or 0, ()):
            changes.append(
                Change(
                    kind="target",
                    subject=f"{labels.INDICATOR} {indicator.position} – {indicator.name}",
                    on=change.on,
                    status="",
                    motivation="",
                    new_planned_end=None,
                    before=change.before,
                    after=change.after,
                    requested_by=change.by,
                    decisions=(),
                )
            )
    changes.sort(key=lambda change: change.on)
    return tuple(changes)


def _deviations(objective: ObjectiveSection, on: dt.date) -> tuple[Deviation, ...]:
    deviations = []
    overdue = objective.state != WorkState.CONCLUSO and objective.planned_end is not None and objective.planned_end < on
    if objective.level in MISSED or overdue:
        postponed = [e.reason for e in objective.events if e.transition == "rinvia" and e.status == "approved"]
        expected = _("conclusione entro il %(date)s") % {"date": f"{objective.planned_end:%d/%m/%Y}"} if overdue else ""
        deviations.append(
            Deviation(
                subject=str(labels.objective_heading(objective)),
                expected=expected,
                actual=str(WorkState(objective.state).label) if overdue else "",
                level=objective.level,
                motivation=postponed[-1] if postponed else "",
            )
        )
    for indicator in objective.indicators:
        if indicator.level in MISSED:
            deviations.append(
                Deviation(
                    subject=f"{labels.INDICATOR} {indicator.position} – {indicator.name}",
                    expected=indicator.expected,
                    actual=indicator.actual,
                    level=indicator.level,
                    motivation=indicator.motivation,
                )
            )
    return tuple(deviations)
