"""The Relazione sulla Performance of a plan for one year, as plain data for the renderers.

Sections follow the seed document (seed 002): one per responsibility centre (area), in the order the areas
were created, which for an imported plan is the order of the file, hence of the source document; within
an area, objectives go by programme (in order of first appearance, as "Disabili" before "Anziani") and
then by number. An objective assigned to several areas appears under each of its areas, as the seed
repeats the transversal "cartella sociale informatizzata" objective under every area that shares it;
`Relazione.objectives` lists each objective once, for the open data. Objectives without an area come last.

The result is made of the plain dataclasses of reports.sections, read in a constant number of queries
whatever the size of the plan.
"""

from __future__ import annotations

from django.db.models import F, Prefetch

from plans.achievement import achievement
from plans.models import Activity, Indicator, IndicatorTarget, Measurement, Objective, ObjectiveReport, Plan
from reports.sections import ActivityRow, AreaSection, IndicatorRow, ObjectiveSection, Relazione, ReportText


class YearOutsidePlan(ValueError):
    """The year asked for is not one of the plan's years."""


def plan_years(plan: Plan) -> range:
    return range(plan.year_start, plan.year_end + 1)


def build_relazione(*, plan: Plan, year: int) -> Relazione:
    """The report of `plan` for `year`; raises YearOutsidePlan when `year` is not a year of the plan."""
    if year not in plan_years(plan):
        raise YearOutsidePlan(year)
    objectives = list(_objectives(plan, year))
    sections = {objective.pk: _objective_section(objective) for objective in objectives}
    order = _programme_order(objectives)
    objectives.sort(key=lambda o: (order[o.programme], o.number is None, o.number or 0, o.code))
    areas: dict[int | None, AreaSection] = {}
    for area in sorted({area for o in objectives for area in o.areas.all()}, key=lambda area: area.pk):
        members = tuple(sections[o.pk] for o in objectives if area in o.areas.all())
        areas[area.pk] = AreaSection(code=area.code, name=area.name, objectives=members)
    orphans = tuple(sections[o.pk] for o in objectives if not o.areas.all())
    if orphans:
        areas[None] = AreaSection(code="", name="", objectives=orphans)
    return Relazione(
        organization_slug=plan.organization.slug,
        organization_name=plan.organization.name,
        plan_code=plan.code,
        plan_title=plan.title,
        year=year,
        areas=tuple(areas.values()),
        # Each objective once, where it first appears in the report.
        objectives=tuple({id(o): o for area in areas.values() for o in area.objectives}.values()),
    )


def _objectives(plan: Plan, year: int) -> list[Objective]:
    indicators = Indicator.objects.order_by("position").prefetch_related(
        Prefetch("targets", queryset=IndicatorTarget.objects.filter(year=year)),
        # Oldest first; an undated measurement counts as recorded when it was entered, after the dated ones
        # (the model's order on PostgreSQL, and what the web pages show), on every database.
        Prefetch(
            "measurements",
            queryset=Measurement.objects.filter(year=year).order_by(
                F("measured_on").asc(nulls_last=True), "recorded_at", "pk"
            ),
        ),
    )
    return list(
        Objective.objects.filter(plan=plan)
        .order_by("pk")
        .prefetch_related(
            "areas",
            Prefetch("activities", queryset=Activity.objects.order_by("position")),
            Prefetch("indicators", queryset=indicators),
            Prefetch("reports", queryset=ObjectiveReport.objects.filter(date__year=year).order_by("date")),
        )
    )


def _programme_order(objectives: list[Objective]) -> dict[str, int]:
    """Each programme's rank by first appearance (objectives come in creation order, i.e. document order)."""
    order: dict[str, int] = {}
    for objective in objectives:
        order.setdefault(objective.programme, len(order))
    return order


def _objective_section(objective: Objective) -> ObjectiveSection:
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
        activities=tuple(_activity_row(activity) for activity in objective.activities.all()),
        indicators=tuple(_indicator_row(indicator) for indicator in objective.indicators.all()),
        reports=tuple(ReportText(date=report.date, text=report.text) for report in objective.reports.all()),
    )


def _activity_row(activity: Activity) -> ActivityRow:
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
    )


def _indicator_row(indicator: Indicator) -> IndicatorRow:
    targets = list(indicator.targets.all())
    # The last measurement of the year is the current value.
    measurements = list(indicator.measurements.all())
    target = targets[0] if targets else None
    measurement = measurements[-1] if measurements else None
    reached = achievement(target, measurement, indicator.direction)
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
    )
