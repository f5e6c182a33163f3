"""The open data's CSV rows, read for themselves rather than through the whole Relazione.

The CSV files show one row per indicator: the objective's codes, title and areas, and the indicator's target,
value and percentage of the year. build_relazione also reads every activity, request and decision of the plan,
rolls them back to the year's end and writes the other chapters, which the CSV never shows: for a 10,000-activity
plan that was seconds of work inside the request. Here the objectives are read once in a few columns (to put
them in the Relazione's order), then their indicators a chunk of objectives at a time, so the file streams as it
is read and its cost follows the plan's indicators, not its activities. The rows are the Relazione's own
(reports.indicator_rows and its ordering), so the files are the same byte for byte.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from evaluation.selectors import system_for
from plans.models import Area, Objective, Plan
from plans.rules import InIds
from reports.indicator_rows import indicator_row, open_data_indicators
from reports.relazione import YearOutsidePlan, plan_years, programme_order, report_order
from reports.sections import AreaSection, IndicatorRow, Relazione
from workflow.separation import separation_policy

CHUNK = 500  # objectives whose indicators are read in one go: bounded memory, few queries


@dataclass(frozen=True)
class OpenDataObjective:
    """What a CSV row shows of its objective (the fields of reports.sections.ObjectiveSection it reads)."""

    code: str
    number: int | None
    programme: str
    title: str
    area_codes: tuple[str, ...]
    indicators: tuple[IndicatorRow, ...]


@dataclass(frozen=True)
class _Listed:
    pk: int
    code: str
    number: int | None
    programme: str
    title: str
    area_ids: tuple[int, ...]


def open_data_head(plan: Plan, year: int) -> Relazione:
    """The Relazione's heading as the CSV files read it: body, plan, year and the areas that hold objectives
    (for their names); no objectives. `plan` comes with its organization."""
    if year not in plan_years(plan):
        raise YearOutsidePlan(year)
    linked = _area_links(plan).values_list("area_id", flat=True)
    areas = Area.objects.filter(pk__in=linked).order_by("pk").only("code", "name")
    return Relazione(
        organization_slug=plan.organization.slug,
        organization_name=plan.organization.name,
        plan_code=plan.code,
        plan_title=plan.title,
        year=year,
        areas=tuple(AreaSection(code=area.code, name=area.name, objectives=()) for area in areas),
        objectives=(),
    )


def open_data_objectives(plan: Plan, year: int) -> Iterator[OpenDataObjective]:
    """The plan's objectives with their indicators' rows of `year`, each once, in the Relazione's order
    (build_relazione's `objectives`), read lazily a chunk at a time."""
    listed = _listed(plan)
    area_codes = dict(Area.objects.filter(pk__in={a for o in listed for a in o.area_ids}).values_list("pk", "code"))
    confirms = separation_policy(plan.organization_id).measurements_need_confirmation
    rule = system_for(plan.organization_id, year).rule
    for chunk in itertools.batched(listed, CHUNK):
        rows: dict[int, list[IndicatorRow]] = defaultdict(list)
        for indicator in open_data_indicators([o.pk for o in chunk], year):
            rows[indicator.objective_id].append(indicator_row(indicator, confirms, rule, open_data=True))
        for o in chunk:
            yield OpenDataObjective(
                code=o.code,
                number=o.number,
                programme=o.programme,
                title=o.title,
                area_codes=tuple(area_codes[a] for a in o.area_ids),
                indicators=tuple(rows[o.pk]),
            )


def _listed(plan: Plan) -> list[_Listed]:
    """The plan's objectives in the Relazione's order: under their first area (by creation), then by programme,
    number and code, as build_relazione lists each objective once; those without an area last."""
    areas: dict[int, list[int]] = defaultdict(list)
    for objective_id, area_id in _area_links(plan).order_by("area_id").values_list("objective_id", "area_id"):
        areas[objective_id].append(area_id)
    listed = [
        _Listed(pk, code, number, programme, title, tuple(areas[pk]))
        for pk, code, number, programme, title in Objective.objects.filter(plan=plan)
        .order_by("pk")
        .values_list("pk", "code", "number", "programme", "title")
    ]
    order = programme_order(o.programme for o in listed)
    # A stable sort of the rows in creation order, as build_relazione's.
    return sorted(
        listed,
        key=lambda o: (o.area_ids[0] if o.area_ids else math.inf, *report_order(order, o.programme, o.number, o.code)),
    )


def _area_links(plan: Plan) -> QuerySet[Any]:
    """The plan's objective-area links, through its objectives' ids (InIds: joined to the objectives, PostgreSQL
    read every link of the installation)."""
    objectives = Objective.objects.filter(plan=plan).values("pk")
    return Objective.areas.through.objects.filter(InIds("objective_id", objectives))
