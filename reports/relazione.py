"""The Relazione sulla Performance of a plan for one year, as plain data for the renderers.

Sections follow the seed document (seed 002): one per responsibility centre (area), in the order the areas
were created, which for an imported plan is the order of the file, hence of the source document; within
an area, objectives go by programme (in order of first appearance, as "Disabili" before "Anziani") and
then by number. An objective assigned to several areas appears under each of its areas, as the seed
repeats the transversal "cartella sociale informatizzata" objective under every area that shares it;
`Relazione.objectives` lists each objective once, for the open data. Objectives without an area come last.

Beside the imported text, each objective and activity carries what the workflow knows happened during the
year (reports.facts), and the Relazione its other chapters: the director's own texts, the summary of results,
the body's performance, the budget (reports.chapters) and the annex of changes and deviations (reports.annex).

The result is made of the plain dataclasses of reports.sections, read in a constant number of queries
whatever the size of the plan.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from plans.achievement import achievement, level_for, objective_level
from plans.models import (
    Activity,
    Indicator,
    IndicatorMotivation,
    IndicatorTarget,
    Measurement,
    Objective,
    ObjectiveReport,
    Plan,
    WorkState,
)
from reports import chapters as computed
from reports.annex import TargetChange, annex
from reports.facts import discrepancy, events_of, person_name, year_window
from reports.models import RelazioneChapter
from reports.sections import (
    ActivityRow,
    AreaSection,
    Chapter,
    IndicatorRow,
    ObjectiveSection,
    Relazione,
    ReportText,
)
from workflow.models import Approval, AuditEntry, TransitionRequest
from workflow.separation import separation_policy
from workflow.services.measurements import value_that_counts


class YearOutsidePlan(ValueError):
    """The year asked for is not one of the plan's years."""


def plan_years(plan: Plan) -> range:
    return range(plan.year_start, plan.year_end + 1)


def build_relazione(*, plan: Plan, year: int) -> Relazione:
    """The report of `plan` for `year`; raises YearOutsidePlan when `year` is not a year of the plan."""
    if year not in plan_years(plan):
        raise YearOutsidePlan(year)
    window = year_window(year, plan.year_start, plan.year_end)
    objectives = list(_objectives(plan, year, window))
    # Where the body confirms values, only a confirmed value is scored (the pages' rule: value_that_counts).
    confirms = separation_policy(plan.organization_id).measurements_need_confirmation
    sections = {objective.pk: _objective_section(objective, plan.year_start, confirms) for objective in objectives}
    order = _programme_order(objectives)
    objectives.sort(key=lambda o: (order[o.programme], o.number is None, o.number or 0, o.code))
    areas: dict[int | None, AreaSection] = {}
    for area in sorted({area for o in objectives for area in o.areas.all()}, key=lambda area: area.pk):
        members = tuple(sections[o.pk] for o in objectives if area in o.areas.all())
        areas[area.pk] = AreaSection(code=area.code, name=area.name, objectives=members)
    orphans = tuple(sections[o.pk] for o in objectives if not o.areas.all())
    if orphans:
        areas[None] = AreaSection(code="", name="", objectives=orphans)
    # Each objective once, where it first appears in the report.
    once = tuple({id(o): o for area in areas.values() for o in area.objectives}.values())
    body = plan.organization.name
    today = timezone.localdate()
    target_ids = [row.target_id for o in once for row in o.indicators if row.target_id is not None]
    return Relazione(
        organization_slug=plan.organization.slug,
        organization_name=body,
        plan_code=plan.code,
        plan_title=plan.title,
        year=year,
        areas=tuple(areas.values()),
        objectives=once,
        prepared_on=today,
        chapters=_chapters(plan, year),
        summary=computed.summary(once, body, min(today, dt.date(year, 12, 31))),
        performance=computed.performance(tuple(areas.values()), once, body),
        budget=computed.budget(tuple(areas.values()), once, body),
        annex=annex(tuple(areas.values()), _target_changes(plan, target_ids, window), dt.date(year, 12, 31), today),
    )


Window = tuple[dt.datetime | None, dt.datetime | None]


def _within(field: str, window: Window) -> Q:
    start, end = window
    q = Q()
    if start is not None:
        q &= Q(**{f"{field}__gte": start})
    if end is not None:
        q &= Q(**{f"{field}__lt": end})
    return q


def _requests(window: Window) -> QuerySet[TransitionRequest]:
    """The year's requests, oldest first, with their decisions and the people named."""
    decisions = Approval.objects.select_related("decided_by", "on_behalf_of").order_by("decided_at", "pk")
    return (
        TransitionRequest.objects.filter(_within("requested_at", window))
        .select_related("requested_by")
        .prefetch_related(Prefetch("approvals", queryset=decisions))
        .order_by("requested_at", "pk")
    )


def _chapters(plan: Plan, year: int) -> tuple[Chapter, ...]:
    written = {
        chapter.kind: chapter
        for chapter in RelazioneChapter.objects.filter(plan=plan, year=year).select_related("written_by")
    }
    result = []
    for kind in RelazioneChapter.Kind:
        chapter = written.get(kind.value)
        result.append(
            Chapter(
                kind=kind.value,
                text=chapter.text if chapter else "",
                written_by=person_name(chapter.written_by) if chapter else "",
                written_on=timezone.localdate(chapter.written_at) if chapter else None,
            )
        )
    return tuple(result)


def _target_changes(plan: Plan, target_ids: Sequence[int], window: Window) -> dict[int, list[TargetChange]]:
    """The changes of the year's expected values, from the trail: a re-import, an edit in the admin, a change of
    the plan. One query whatever the number of targets (an empty list still asks, so the count stays constant)."""
    rows = (
        AuditEntry.objects.filter(
            _within("at", window),
            organization_id=plan.organization_id,
            subject="plans.indicatortarget",
            event=AuditEntry.Event.CHANGED,
            subject_id__in=list(target_ids) or [0],
            before__has_key="raw",
        )
        .select_related("actor")
        .order_by("at", "pk")
    )
    changes: dict[int, list[TargetChange]] = defaultdict(list)
    for row in rows:
        assert row.subject_id is not None and row.before is not None and row.after is not None  # a data row
        changes[row.subject_id].append(
            TargetChange(
                target_id=row.subject_id,
                on=timezone.localdate(row.at),
                before=str(row.before.get("raw", "")),
                after=str(row.after.get("raw", "")),
                by=person_name(row.actor) or str(row.get_source_display()),
            )
        )
    return changes


def _objectives(plan: Plan, year: int, window: Window) -> list[Objective]:
    indicators = Indicator.objects.order_by("position").prefetch_related(
        Prefetch("motivations", queryset=IndicatorMotivation.objects.filter(year=year)),
        Prefetch("targets", queryset=IndicatorTarget.objects.filter(year=year)),
        # Oldest first; an undated measurement counts as recorded when it was entered, after the dated ones
        # (the model's order on PostgreSQL, and what the web pages show), on every database.
        Prefetch(
            "measurements",
            queryset=Measurement.objects.filter(year=year)
            .select_related("recorded_by")
            .order_by(F("measured_on").asc(nulls_last=True), "recorded_at", "pk"),
        ),
    )
    return list(
        Objective.objects.filter(plan=plan)
        .order_by("pk")
        .prefetch_related(
            "areas",
            Prefetch(
                "activities",
                queryset=Activity.objects.order_by("position").prefetch_related(
                    Prefetch("transition_requests", queryset=_requests(window))
                ),
            ),
            Prefetch("indicators", queryset=indicators),
            Prefetch("reports", queryset=ObjectiveReport.objects.filter(date__year=year).order_by("date")),
            Prefetch("transition_requests", queryset=_requests(window)),
        )
    )


def _programme_order(objectives: list[Objective]) -> dict[str, int]:
    """Each programme's rank by first appearance (objectives come in creation order, i.e. document order)."""
    order: dict[str, int] = {}
    for objective in objectives:
        order.setdefault(objective.programme, len(order))
    return order


def _objective_section(objective: Objective, parse_year: int, confirms: bool) -> ObjectiveSection:
    activities = tuple(_activity_row(activity, parse_year) for activity in objective.activities.all())
    indicators = tuple(_indicator_row(indicator, confirms) for indicator in objective.indicators.all())
    level = objective_level(
        [indicator.percent for indicator in indicators],
        [activity.state == WorkState.CONCLUSO for activity in activities],
    )
    return ObjectiveSection(
        code=objective.code,
        number=objective.number,
        programme=objective.programme,
        title=objective.title,
        state=objective.state,
        area_codes=tuple(area.code for area in sorted(objective.areas.all(), key=lambda area: area.pk)),
        strategic_area=objective.strategic_area,
        operational_objective=objective.operational_objective,
        peg_project=objective.peg_project,
        services=objective.services,
        end_users=objective.end_users,
        networks=objective.networks,
        description=objective.description,
        activities=activities,
        indicators=indicators,
        reports=tuple(ReportText(date=report.date, text=report.text) for report in objective.reports.all()),
        planned_end=objective.planned_end,
        actual_end=objective.actual_end,
        events=events_of(objective.transition_requests.all()),
        budget_income=objective.budget_income,
        budget_expense=objective.budget_expense,
        level=level.value,
    )


def _activity_row(activity: Activity, parse_year: int) -> ActivityRow:
    return ActivityRow(
        position=activity.position,
        description=activity.description,
        planned=activity.planned_raw,
        actual=activity.actual_raw,
        planned_start=activity.planned_start,
        planned_end=activity.planned_end,
        actual_start=activity.actual_start,
        actual_end=activity.actual_end,
        state=activity.state,
        events=events_of(activity.transition_requests.all()),
        # The import read the Consuntivo against the plan's first year: read it the same way.
        discrepancy=discrepancy(activity, parse_year),
    )


def _indicator_row(indicator: Indicator, confirms: bool) -> IndicatorRow:
    targets = list(indicator.targets.all())
    # The last measurement of the year is the current value.
    measurements = list(indicator.measurements.all())
    target = targets[0] if targets else None
    measurement = value_that_counts(measurements, confirms=confirms)
    # Values recorded after the one that counts, still waiting for the area head's confirmation.
    waiting = measurements[measurements.index(measurement) + 1 :] if measurement else measurements
    reached = achievement(target, measurement, indicator.direction)
    motivations = list(indicator.motivations.all())
    return IndicatorRow(
        position=indicator.position,
        name=indicator.name,
        description=indicator.description,
        unit=indicator.unit,
        direction=indicator.direction,
        expected=target.raw if target else "",
        actual=measurement.raw if measurement else "",
        measured_on=measurement.measured_on if measurement else None,
        percent=reached.percent,
        light=reached.light,
        level=level_for(reached.percent).value,
        target_id=target.pk if target else None,
        motivation=motivations[0].text if motivations else "",
        recorded_by=person_name(measurement.recorded_by) if measurement else "",
        awaiting_confirmation=len(waiting) if confirms else 0,
    )
