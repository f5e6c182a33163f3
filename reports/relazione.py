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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from evaluation.models import MeasurementSystem
from evaluation.scores import plan_scores
from evaluation.selectors import system_for
from plans.achievement import DEFAULT_RULE, ScoringRule, objective_level
from plans.models import (
    Activity,
    Objective,
    ObjectiveReport,
    Plan,
    WorkState,
)
from reports import chapters as computed
from reports.annex import TargetChange, annex
from reports.facts import discrepancy, events_of, person_name, year_window
from reports.indicator_rows import indicator_row, indicators_of_year
from reports.models import RelazioneChapter
from reports.rollback import roll_back, trail_after
from reports.scores_section import scores_section
from reports.sections import (
    ActivityRow,
    AreaSection,
    Chapter,
    ObjectiveSection,
    Relazione,
    ReportText,
    ValidationSection,
)
from reports.validation_document import validation_section
from workflow.models import Approval, AuditEntry, PlanVersion, TransitionRequest, Validation, ValidationCheck
from workflow.separation import separation_policy


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
    # A year before the plan's last: its objectives and activities as they were when it ended, from the trail.
    past = _at_year_end(plan, objectives, window[1])
    # The year's measurement system scores every indicator and objective: read once.
    system = system_for(plan.organization_id, year)
    context = _Context(
        parse_year=plan.year_start,
        year_end=dt.date(year, 12, 31),
        confirms=confirms,
        past=past,
        rule=system.rule,
        counts_activities=system.activities == MeasurementSystem.Activities.SHARE,
    )
    sections = {objective.pk: _objective_section(objective, context) for objective in objectives}
    order = programme_order(o.programme for o in objectives)
    objectives.sort(key=lambda o: report_order(order, o.programme, o.number, o.code))
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
        summary=computed.summary(once, body, min(today, dt.date(year, 12, 31)), _days(window)),
        performance=computed.performance(tuple(areas.values()), once, body),
        budget=computed.budget(tuple(areas.values()), once, body),
        annex=annex(tuple(areas.values()), _target_changes(plan, target_ids, window), dt.date(year, 12, 31), today),
        # The year's scores under the body's measurement system: plan_scores' queries, less the policy and the
        # system read above.
        scores=scores_section(plan_scores(plan, year, system=system, confirms=confirms), body, [o.code for o in once]),
        validation=_validation(plan, year),
    )


def _validation(plan: Plan, year: int) -> ValidationSection | None:
    """The OIV's latest recorded validation of the year's Relazione (workflow.services.validation), for the
    validation chapter. Two queries, found or not."""
    validation = (
        Validation.objects.filter(plan=plan, year=year)
        .exclude(outcome="")
        .select_related("auditor")
        .order_by("-recorded_at", "-pk")
        .first()
    )
    checks = list(ValidationCheck.objects.filter(validation_id=validation.pk if validation else 0))
    if validation is None:
        return None
    validation.plan = plan
    return validation_section(validation, checks)


Window = tuple[dt.datetime | None, dt.datetime | None]


def _days(window: Window) -> tuple[dt.date | None, dt.date | None]:
    """The window as the first and the last day it covers (None: unbounded)."""
    start, end = window
    first = None if start is None else timezone.localdate(start)
    last = None if end is None else timezone.localdate(end) - dt.timedelta(days=1)
    return first, last


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
        # Asked or decided in the year: a postponement asked on 30 December and approved on 8 January is in both.
        TransitionRequest.objects.filter(_within("requested_at", window) | _within("closed_at", window))
        .select_related("requested_by", "version")
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
        # A rimodulazione's change of target is listed as the rimodulazione, with its motivation and act.
        .exclude(
            txid__in=PlanVersion.objects.filter(plan=plan, trail_entry__txid__isnull=False).values("trail_entry__txid")
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
            Prefetch("indicators", queryset=indicators_of_year(year)),
            Prefetch("reports", queryset=ObjectiveReport.objects.filter(date__year=year).order_by("date")),
            Prefetch("transition_requests", queryset=_requests(window)),
        )
    )


def programme_order(programmes: Iterable[str]) -> dict[str, int]:
    """Each programme's rank by first appearance (objectives come in creation order, i.e. document order)."""
    order: dict[str, int] = {}
    for programme in programmes:
        order.setdefault(programme, len(order))
    return order


def report_order(order: dict[str, int], programme: str, number: int | None, code: str) -> tuple[int, bool, int, str]:
    """An objective's place within its area: by programme (`order`, programme_order's), then by number, then code."""
    return order[programme], number is None, number or 0, code


FACT_COLUMNS = ("state", "planned_end", "actual_start", "actual_end")
Past = dict[tuple[str, int], dict[str, Any]]


@dataclass(frozen=True)
class _Context:
    parse_year: int  # the import read the Consuntivo against the plan's first year: read it the same way
    year_end: dt.date
    confirms: bool  # the body confirms values: only a confirmed one is scored
    past: Past  # ("activity" | "objective", pk) -> its facts at the end of the year, where they differ from today's
    rule: ScoringRule = DEFAULT_RULE  # the year's measurement system's (evaluation.selectors.system_for)
    counts_activities: bool = True  # the system scores an objective without indicators by its activities


def _at_year_end(plan: Plan, objectives: Sequence[Objective], end: dt.datetime | None) -> Past:
    """For a year that has ended and is not the plan's last, each item's state and dates when the year ended: today's,
    with every change the trail records after it undone (reports.rollback, as the monitoring report does). One
    query. Rows the trail knows nothing of keep today's facts."""
    if end is None:
        return {}
    # Every change after the year's end is undone but the rows' creation: an item imported later keeps the facts
    # it was imported with, and only what the workflow did to it afterwards is taken back.
    undos = [
        undo
        for undo in trail_after(organization_id=plan.organization_id, moment=end, subjects=[Activity, Objective])
        if undo.event != AuditEntry.Event.CREATED
    ]
    activities = [activity for objective in objectives for activity in objective.activities.all()]
    past: Past = {}
    for model, kind, items in ((Objective, "objective", objectives), (Activity, "activity", activities)):
        rows = {item.pk: {c: getattr(item, c) for c in FACT_COLUMNS if hasattr(item, c)} for item in items}
        for pk, row in roll_back(model, rows, undos, belongs=lambda row: True).items():
            past[(kind, pk)] = row
    return past


def _facts(kind: str, item: Objective | Activity, context: _Context) -> dict[str, Any]:
    today = {column: getattr(item, column) for column in FACT_COLUMNS if hasattr(item, column)}
    return {**today, **context.past.get((kind, item.pk), {})}


def _objective_section(objective: Objective, context: _Context) -> ObjectiveSection:
    activities = tuple(_activity_row(activity, context) for activity in objective.activities.all())
    indicators = tuple(
        indicator_row(indicator, context.confirms, context.rule) for indicator in objective.indicators.all()
    )
    # Without indicators, the level counts the activities due by the end of the year (work planned for a later year
    # of the plan is not yet behind).
    due = [a for a in activities if a.planned_end is None or a.planned_end <= context.year_end]
    level = objective_level(
        [indicator.score for indicator in indicators],
        [activity.state == WorkState.CONCLUSO for activity in due] if context.counts_activities else [],
        rule=context.rule,
    )
    facts = _facts("objective", objective, context)
    return ObjectiveSection(
        code=objective.code,
        number=objective.number,
        programme=objective.programme,
        title=objective.title,
        state=facts["state"],
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
        planned_end=facts["planned_end"],
        actual_end=facts["actual_end"],
        events=events_of(objective.transition_requests.all()),
        budget_income=objective.budget_income,
        budget_expense=objective.budget_expense,
        level=level.value,
    )


def _activity_row(activity: Activity, context: _Context) -> ActivityRow:
    facts = _facts("activity", activity, context)
    events = events_of(activity.transition_requests.all())
    # Started through the workflow: the day its start took effect (the import gives the start it read).
    started = next((e.closed_on for e in events if e.transition == "avvia" and e.status == "approved"), None)
    return ActivityRow(
        position=activity.position,
        description=activity.description,
        planned=activity.planned_raw,
        actual=activity.actual_raw,
        planned_start=activity.planned_start,
        planned_end=facts["planned_end"],
        actual_start=facts["actual_start"] or started,
        actual_end=facts["actual_end"],
        state=facts["state"],
        events=events,
        discrepancy=discrepancy(activity.actual_raw, facts["state"], facts["actual_end"], context.parse_year),
    )
