"""build_relazione: shared objectives, the values of the asked year, and a constant number of queries."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from plans.models import (
    Indicator,
    IndicatorTarget,
    Measurement,
    Objective,
    Plan,
)
from plans.models.indicator import ParsedValue
from plans.parsing import parse_value
from reports.relazione import YearOutsidePlan, build_relazione
from reports.render.docx import render_docx
from reports.render.opendata import render_csv, render_json
from reports.render.xlsx import render_xlsx
from tests.office import assert_office_xlsx
from tests.reports.builders import add_objectives
from tests.workflow.world import World

pytestmark = pytest.mark.django_db


def queries_to_build(plan: Plan) -> int:
    plan = Plan.objects.get(pk=plan.pk)  # a fresh instance: nothing cached from earlier builds
    with CaptureQueriesContext(connection) as context:
        build_relazione(plan=plan, year=2026)
    return len(context.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_plan(world: World) -> None:
    small, large = (
        Plan.objects.create(
            organization=world.aurelia, code=code, kind="peg", title=code, year_start=2026, year_end=2027
        )
        for code in ("P-SMALL", "P-LARGE")
    )
    add_objectives(small, [world.social], 2, world)
    add_objectives(large, [world.social, world.technical], 25, world)
    assert queries_to_build(small) == queries_to_build(large)
    # The body, its separation policy (does it confirm values?), the objectives, their areas, activities,
    # indicators, targets, measurements, motivations, historical values, reports, the requests on objectives and
    # on activities with their decisions, the director's chapters, the trail's changes of targets, and (2026 is not
    # the plan's last year) the trail's changes after the year's end, undone to give the facts as the year ended;
    # and the year's measurement system, which scores every indicator and objective. Then the year's scores
    # (evaluation.scores.plan_scores, given the policy and the system already read): the objectives, indicators,
    # baselines, historical values, targets, measurements, activities counted and the objectives' areas, eight
    # more. And the OIV's latest recorded validation of the year with its checks (the validation chapter), two more.
    assert queries_to_build(large) <= 19 + 8 + 2


def test_an_objective_of_several_areas_appears_under_each_and_once_in_the_open_data(world: World) -> None:
    relazione = build_relazione(plan=world.plan, year=2026)
    by_area = {area.code: [o.code for o in area.objectives] for area in relazione.areas}
    assert by_area == {"SOC": ["SOC-1", "TRA-1"], "TEC": ["TRA-1"]}
    assert [o.code for o in relazione.objectives] == ["SOC-1", "TRA-1"]
    assert next(o for o in relazione.objectives if o.code == "TRA-1").area_codes == ("SOC", "TEC")
    assert [row["code"] for row in json.loads(render_json(relazione))["objectives"]] == ["SOC-1", "TRA-1"]


def test_only_the_values_and_reports_of_the_asked_year_are_shown(world: World) -> None:
    add_objectives(world.plan, [world.technical], 1)
    Plan.objects.filter(pk=world.plan.pk).update(year_end=2027)
    world.plan.refresh_from_db()
    Measurement.objects.create(
        indicator=Indicator.objects.get(objective__code="OB-1", position=1),
        year=2027,
        measured_on=dt.date(2027, 12, 31),
        **ParsedValue.spec_values(parse_value("12")),
    )
    relazione = build_relazione(plan=world.plan, year=2027)
    objective = next(o for o in relazione.objectives if o.code == "OB-1")
    first = objective.indicators[0]
    # Two measurements in 2027: the latest is the current value.
    assert (first.expected, first.actual, first.measured_on, str(first.percent), first.light) == (
        "10",
        "12",
        dt.date(2027, 12, 31),
        "120.0",
        "verde",
    )
    assert [report.text for report in objective.reports] == ["Report 2027"]
    # A value entered without a date counts as entered now: newer than the dated ones.
    Measurement.objects.create(
        indicator=Indicator.objects.get(objective__code="OB-1", position=1),
        year=2027,
        **ParsedValue.spec_values(parse_value("9")),
    )
    assert build_relazione(plan=world.plan, year=2027).objectives[-1].indicators[0].actual == "9"


def test_a_year_outside_the_plan_is_refused(world: World) -> None:
    with pytest.raises(YearOutsidePlan):
        build_relazione(plan=world.plan, year=2025)


def test_objectives_without_an_area_are_kept_at_the_end(world: World) -> None:
    Objective.objects.create(plan=world.plan, code="ZZ-1", title="Senza area")
    relazione = build_relazione(plan=world.plan, year=2026)
    assert (relazione.areas[-1].code, [o.code for o in relazione.areas[-1].objectives]) == ("", ["ZZ-1"])


def test_values_that_look_like_formulas_or_hold_control_characters_survive_every_format(world: World) -> None:
    Objective.objects.filter(pk=world.objective.pk).update(title="Riga\x0bcon carattere di controllo, e virgola")
    IndicatorTarget.objects.create(indicator=world.indicator, year=2026, **ParsedValue.spec_values(parse_value("=>4")))
    relazione = build_relazione(plan=world.plan, year=2026)
    sheet = load_workbook(io.BytesIO(render_xlsx(relazione)))["Indicatori"]
    assert (sheet["F2"].value, sheet["F2"].data_type) == ("=>4", "s")  # a threshold, not a formula
    assert render_docx(relazione).startswith(b"PK")
    assert ",n.,'=>4,," in render_csv(relazione).decode("utf-8")  # shown as text by a spreadsheet
    assert '"expected": "=>4"' in render_json(relazione).decode("utf-8")  # exact
    assert '"Riga\\u000bcon carattere di controllo, e virgola"' in render_json(relazione).decode("utf-8")


def test_the_workbook_names_its_body_title_and_moment(world: World) -> None:
    relazione = build_relazione(plan=world.plan, year=2026)
    content = render_xlsx(relazione)
    assert_office_xlsx(content, author="Comune di Aurelia", title_has="Relazione")
