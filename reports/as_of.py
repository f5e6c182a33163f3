"""The intermediate monitoring report of a plan as at a moment (30 June, 30 September...), for the OIV and the Giunta.

Every objective and activity as it was then: today's rows rolled back through the audit trail (reports.rollback),
so a state, a deadline moved by a postponement or an actual end recorded after the moment is shown as it was
before. Items created after the moment are not in the report; items written before the trail existed stay as
they are. Beside them: the last monthly answer (progress %, note) given by then, and for each indicator its
target for the year and the last value known then (measured and recorded by the moment).

A date means the end of that day in Europe/Rome (settings.TIME_ZONE). The data is read in a constant number of
queries, whatever the size of the plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Min, Q
from django.utils import timezone

from evaluation.selectors import system_for
from notifications.models import MonitoringAnswer
from plans.achievement import DEFAULT_RULE, achievement
from plans.baselines import References
from plans.measured import value_that_counts
from plans.models import (
    Activity,
    Area,
    HistoricalValue,
    Indicator,
    IndicatorBaseline,
    IndicatorTarget,
    Measurement,
    Objective,
    Plan,
    WorkState,
)
from reports.monitoring_sections import (
    ActivityAsOf,
    AreaAsOf,
    IndicatorAsOf,
    Monitoring,
    ObjectiveAsOf,
    ProgressNote,
)
from reports.rollback import Row, Rows, current_rows, roll_back, trail_after
from workflow.models import AuditEntry
from workflow.separation import separation_policy

ObjectiveAreas = Objective.areas.through
_SUBJECTS = (
    Objective,
    ObjectiveAreas,
    Area,
    Activity,
    Indicator,
    IndicatorTarget,
    IndicatorBaseline,
    HistoricalValue,
    Measurement,
)


def end_of(day: dt.date) -> dt.datetime:
    """The last instant of `day` in the project's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def build_monitoring(*, plan: Plan, moment: dt.date | dt.datetime) -> Monitoring:
    """The monitoring report of `plan` at `moment`: a date (its end, in Europe/Rome) or an aware instant."""
    end_of_day = not isinstance(moment, dt.datetime)
    instant = moment if isinstance(moment, dt.datetime) else end_of(moment)
    day = timezone.localdate(instant)
    past = _Past.read(plan, instant, day)
    areas = past.area_sections()
    return Monitoring(
        organization_slug=plan.organization.slug,
        organization_name=plan.organization.name,
        plan_code=plan.code,
        plan_title=plan.title,
        date=day,
        moment=instant,
        end_of_day=end_of_day,
        areas=areas,
        first_recorded=None if areas else _first_recorded(plan, instant),
    )


class _Past:
    """The plan's rows as at the moment, and what the report says of each."""

    def __init__(self, day: dt.date) -> None:
        self.day = day
        self.objectives: Rows = {}
        self.links: Rows = {}
        self.areas: Rows = {}
        self.activities: Rows = {}
        self.indicators: Rows = {}
        self.targets: Rows = {}
        self.baselines: Rows = {}
        self.history: Rows = {}
        self.measurements: Rows = {}
        self.changes = _Changes(started={}, postponed={})
        self.confirms = False
        self.rule = DEFAULT_RULE
        self.answers: dict[int, ProgressNote] = {}
        self.activities_of: dict[int, list[tuple[int, Row]]] = {}
        self.indicators_of: dict[int, list[tuple[int, Row]]] = {}
        self.targets_of: dict[int, list[tuple[int, Row]]] = {}
        self.baseline_of: dict[int, Row] = {}
        self.history_of: dict[int, list[tuple[int, Row]]] = {}
        self.measurements_of: dict[int, list[tuple[int, Row]]] = {}

    @classmethod
    def read(cls, plan: Plan, moment: dt.datetime, day: dt.date) -> _Past:
        past = cls(day)
        past.confirms = separation_policy(plan.organization_id).measurements_need_confirmation
        # The year's measurement system, as it is now (the report applies today's rules to the values then known).
        past.rule = system_for(plan.organization_id, day.year).rule
        undos = trail_after(organization_id=plan.organization_id, moment=moment, subjects=_SUBJECTS)
        past.objectives = roll_back(
            Objective,
            current_rows(Objective.objects.filter(plan=plan)),
            undos,
            belongs=lambda r: r["plan_id"] == plan.pk,
        )
        in_plan = _member_of(past.objectives, "objective_id")
        past.links = roll_back(
            ObjectiveAreas, current_rows(ObjectiveAreas.objects.filter(objective__plan=plan)), undos, belongs=in_plan
        )
        organization = plan.organization_id
        past.areas = roll_back(
            Area,
            current_rows(Area.objects.filter(organization=organization)),
            undos,
            belongs=lambda r: r["organization_id"] == organization,
        )
        past.activities = roll_back(
            Activity, current_rows(Activity.objects.filter(objective__plan=plan)), undos, belongs=in_plan
        )
        past.indicators = roll_back(
            Indicator, current_rows(Indicator.objects.filter(objective__plan=plan)), undos, belongs=in_plan
        )
        of_indicator = _member_of(past.indicators, "indicator_id")
        targets = IndicatorTarget.objects.filter(indicator__objective__plan=plan, year=day.year)
        past.targets = roll_back(
            IndicatorTarget, current_rows(targets), undos, belongs=lambda r: of_indicator(r) and r["year"] == day.year
        )
        baselines = IndicatorBaseline.objects.filter(indicator__objective__plan=plan)
        past.baselines = roll_back(IndicatorBaseline, current_rows(baselines), undos, belongs=of_indicator)
        history = HistoricalValue.objects.filter(indicator__objective__plan=plan)
        past.history = roll_back(HistoricalValue, current_rows(history), undos, belongs=of_indicator)
        measurements = Measurement.objects.filter(indicator__objective__plan=plan, year=day.year)
        past.measurements = roll_back(
            Measurement,
            current_rows(measurements.filter(recorded_at__lte=moment)),
            undos,
            belongs=lambda r: of_indicator(r) and _known(r, moment, day),
        )
        past.changes = _state_changes(plan, moment)
        past.answers = _last_answers(plan, moment)
        return past

    def area_sections(self) -> tuple[AreaAsOf, ...]:
        self._group()
        sections = {pk: self._objective(pk, row) for pk, row in self.objectives.items()}
        order = _programme_order(self.objectives)
        ranked = sorted(
            self.objectives.items(),
            key=lambda item: (order[item[1]["programme"]], item[1]["number"] is None, item[1]["number"] or 0, item[0]),
        )
        areas_of: dict[int, set[int]] = {}
        for link in self.links.values():
            areas_of.setdefault(link["objective_id"], set()).add(link["area_id"])
        result = []
        for area_pk in sorted({a for areas in areas_of.values() for a in areas if a in self.areas}):
            members = tuple(sections[pk] for pk, _row in ranked if area_pk in areas_of.get(pk, ()))
            area = self.areas[area_pk]
            result.append(AreaAsOf(code=area["code"], name=area["name"], objectives=members))
        orphans = tuple(sections[pk] for pk, _row in ranked if not areas_of.get(pk, set()) & set(self.areas))
        if orphans:
            result.append(AreaAsOf(code="", name="", objectives=orphans))
        return tuple(result)

    def _group(self) -> None:
        """Each parent's children, once: the sections then read them without scanning every row."""
        self.activities_of = _children(self.activities, "objective_id")
        self.indicators_of = _children(self.indicators, "objective_id")
        self.targets_of = _children(self.targets, "indicator_id")
        self.baseline_of = {row["indicator_id"]: row for row in self.baselines.values()}
        self.history_of = _children(self.history, "indicator_id")
        self.measurements_of = _children(self.measurements, "indicator_id")

    def _objective(self, pk: int, row: Row) -> ObjectiveAsOf:
        activities = sorted(self.activities_of.get(pk, []), key=_by_position)
        indicators = sorted(self.indicators_of.get(pk, []), key=_by_position)
        return ObjectiveAsOf(
            code=row["code"],
            number=row["number"],
            programme=row["programme"],
            title=row["title"],
            state=row["state"],
            planned_end=row["planned_end"],
            actual_start=self.changes.started.get(("objective", pk)),
            postponement=self.changes.postponed.get(("objective", pk)),
            actual_end=row["actual_end"],
            late=self._late(row),
            activities=tuple(self._activity(a_pk, a_row) for a_pk, a_row in activities),
            indicators=tuple(self._indicator(i_pk, i_row) for i_pk, i_row in indicators),
        )

    def _activity(self, pk: int, row: Row) -> ActivityAsOf:
        return ActivityAsOf(
            position=row["position"],
            description=row["description"],
            planned=row["planned_raw"],
            planned_end=row["planned_end"],
            state=row["state"],
            actual_start=row["actual_start"] or self.changes.started.get(("activity", pk)),
            postponement=self.changes.postponed.get(("activity", pk)),
            actual_end=row["actual_end"],
            progress=self.answers.get(pk),
            late=self._late(row),
        )

    def _indicator(self, pk: int, row: Row) -> IndicatorAsOf:
        targets = self.targets_of.get(pk, [])
        measurements = sorted(self.measurements_of.get(pk, []), key=_measured)
        target = IndicatorTarget(**targets[0][1]) if targets else None
        # The value that counts then: where the body confirms values, the last one confirmed by the moment.
        values = [Measurement(**values_row) for _pk, values_row in measurements]
        measurement = value_that_counts(values, confirms=self.confirms)
        known = self.baseline_of.get(pk)
        baseline = IndicatorBaseline(**known) if known is not None else None
        history = tuple(HistoricalValue(**values) for _pk, values in self.history_of.get(pk, []))
        references = References(baseline, history)
        reached = achievement(target, measurement, row["direction"], self.rule, baseline=references)
        return IndicatorAsOf(
            position=row["position"],
            name=row["name"],
            unit=row["unit"],
            expected=target.raw if target else "",
            actual=measurement.raw if measurement else "",
            measured_on=measurement.measured_on if measurement else None,
            percent=reached.percent,
            light=reached.light,
        )

    def _late(self, row: Row) -> bool:
        """Planned end passed by the report's date and the work not concluded then."""
        planned_end = row["planned_end"]
        return bool(planned_end and planned_end < self.day and row["state"] != WorkState.CONCLUSO)


def _children(rows: Rows, column: str) -> dict[int, list[tuple[int, Row]]]:
    grouped: dict[int, list[tuple[int, Row]]] = {}
    for pk, row in rows.items():
        grouped.setdefault(row[column], []).append((pk, row))
    return grouped


def _member_of(parents: Rows, column: str) -> Any:
    return lambda row: row[column] in parents


def _known(row: Row, moment: dt.datetime, day: dt.date) -> bool:
    """A value was known at the moment when it had been recorded and measured by then."""
    measured_on = row["measured_on"]
    return row["recorded_at"] <= moment and (measured_on is None or measured_on <= day)


def _by_position(item: tuple[int, Row]) -> tuple[int, int]:
    return item[1]["position"], item[0]


def _measured(item: tuple[int, Row]) -> tuple[bool, dt.date, dt.datetime, int]:
    """Oldest first, as the Relazione orders them; an undated value counts after the dated ones."""
    row = item[1]
    return row["measured_on"] is None, row["measured_on"] or dt.date.min, row["recorded_at"], item[0]


def _programme_order(objectives: Rows) -> dict[str, int]:
    """Each programme's rank by first appearance, objectives in creation order (the document's order)."""
    order: dict[str, int] = {}
    for pk in sorted(objectives):
        order.setdefault(objectives[pk]["programme"], len(order))
    return order


@dataclass(frozen=True)
class _Changes:
    """What the workflow's state changes up to the moment say of each item (by ("activity"|"objective", id))."""

    started: dict[tuple[str, int], dt.date]  # when it first became avviato: the actual start the import did not date
    postponed: dict[tuple[str, int], str]  # the reason of its last postponement


def _state_changes(plan: Plan, moment: dt.datetime) -> _Changes:
    """One query: the plan's state changes up to the moment, oldest first."""
    rows = (
        AuditEntry.objects.filter(
            organization_id=plan.organization_id, event=AuditEntry.Event.STATE_CHANGED, at__lte=moment
        )
        .filter(Q(activity__objective__plan=plan) | Q(objective__plan=plan))
        .order_by("at", "pk")
        .values_list("activity_id", "objective_id", "to_state", "at", "comment")
    )
    changes = _Changes(started={}, postponed={})
    for activity_id, objective_id, to_state, at, comment in rows:
        key = ("activity", activity_id) if activity_id else ("objective", objective_id)
        if to_state == WorkState.AVVIATO:
            changes.started.setdefault(key, timezone.localdate(at))
        elif to_state == WorkState.RINVIATO:
            changes.postponed[key] = comment
    return changes


def _first_recorded(plan: Plan, moment: dt.datetime) -> dt.date | None:
    """The day the plan's first objective (of today) was recorded after the moment. One query."""
    first = AuditEntry.objects.filter(
        organization_id=plan.organization_id,
        event=AuditEntry.Event.CREATED,
        subject=Objective._meta.label_lower,
        subject_id__in=Objective.objects.filter(plan=plan).values("pk"),
        at__gt=moment,
    ).aggregate(first=Min("at"))["first"]
    return timezone.localdate(first) if first else None


def _last_answers(plan: Plan, moment: dt.datetime) -> dict[int, ProgressNote]:
    """Each activity's last monthly answer given by the moment. One query."""
    answers: Iterable[Any] = (
        MonitoringAnswer.objects.filter(activity__objective__plan=plan, answered_at__lte=moment)
        .order_by("answered_at", "pk")
        .values_list("activity_id", "progress", "note", "state", "answered_at")
    )
    return {
        activity: ProgressNote(progress, note, state, timezone.localdate(answered_at))
        for activity, progress, note, state, answered_at in answers
    }
