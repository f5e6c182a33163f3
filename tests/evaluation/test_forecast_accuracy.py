"""`manage.py forecast_accuracy` on seed 002 (plans/demo/relazione-2021.yaml): its figures at 30 June and 30
September, checked against counts made here apart, with plain queries on the same plan imported on its own.

The counts follow the definitions of evaluation.accuracy: an objective missed its year when an activity due in
the year was not concluded by its planned end, or an indicator's year-end value does not meet its target (the
scores of evaluation.scores say which); at a day, with no indicator value known yet (the seed measured them all
at 31 December) and no monthly answer, an objective's activities on track (concluded on time, or not yet due)
against those due in the year decide its band under the default measurement system."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q

from evaluation.forecast import Band
from evaluation.scores import plan_scores
from evaluation.selectors import system_for
from notifications.models import MonitoringAnswer
from plans.demo import DEMO_DIR
from plans.importing import import_plan_file
from plans.models import Measurement, Objective, Organization, Plan

pytestmark = pytest.mark.django_db
YEAR_END = dt.date(2021, 12, 31)
DAYS = (dt.date(2021, 6, 30), dt.date(2021, 9, 30))


def _command_rows() -> tuple[str, dict[str, list[int]]]:
    out = StringIO()
    call_command("forecast_accuracy", stdout=out)
    text = out.getvalue()
    rows = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells and cells[0][:2].isdigit():
            rows[cells[0]] = [int(cell) for cell in cells[1:]]
    return text, rows


def _missed(plan: Plan) -> set[str]:
    # One filter(): the same activity is due in the year and not concluded by its planned end.
    late_activities = Objective.objects.filter(
        Q(activities__planned_end__lte=YEAR_END)
        & (Q(activities__actual_end__isnull=True) | Q(activities__actual_end__gt=F("activities__planned_end"))),
        plan=plan,
    )
    by_activities = set(late_activities.values_list("code", flat=True))
    scores = plan_scores(plan, YEAR_END.year)
    by_indicators = {o.code for o in scores.objectives.values() if any(i.result.met is False for i in o.indicators)}
    return by_activities | by_indicators


def _bands(plan: Plan, day: dt.date) -> dict[str, Band]:
    due = Q(activities__planned_end__lte=YEAR_END)
    late = (
        Q(activities__planned_end__lt=day)
        & (Q(activities__actual_end__isnull=True) | Q(activities__actual_end__gt=day))
    ) | (Q(activities__actual_end__lte=day) & Q(activities__actual_end__gt=F("activities__planned_end")))
    counted = Objective.objects.filter(plan=plan).annotate(
        total=Count("activities", filter=due), late=Count("activities", filter=due & late)
    )
    system = system_for(plan.organization_id, day.year)
    bands: dict[str, Band] = {}
    for code, total, late_count in counted.values_list("code", "total", "late"):
        on_track = (total - late_count) * 100
        if total == 0:
            bands[code] = Band.UNKNOWN
        elif on_track >= system.reached * total:
            bands[code] = Band.LIKELY_REACHED
        elif on_track >= system.partial * total:
            bands[code] = Band.AT_RISK
        else:
            bands[code] = Band.LIKELY_MISSED
    return bands


def test_the_command_reports_the_forecasts_misses_on_seed_002_as_counted_apart() -> None:
    plan = import_plan_file(DEMO_DIR / "relazione-2021.yaml").plan
    organizations_before = Organization.objects.count()
    text, rows = _command_rows()
    assert Organization.objects.count() == organizations_before  # its own import was rolled back

    missed = _missed(plan)
    objectives = Objective.objects.filter(plan=plan).count()
    assert f"{objectives} obiettivi, {len(missed)} mancati a fine anno" in text
    assert 0 < len(missed) < objectives
    for day in DAYS:
        # What the counts below rely on: nothing but the activities was known at the day.
        assert not Measurement.objects.filter(indicator__objective__plan=plan, measured_on__lte=day).exists()
        assert not MonitoringAnswer.objects.exists()
        bands = _bands(plan, day)
        strict = {code for code, band in bands.items() if band == Band.LIKELY_MISSED}
        wide = strict | {code for code, band in bands.items() if band == Band.AT_RISK}
        expected = [
            len(strict),
            len(wide - strict),
            sum(1 for band in bands.values() if band == Band.LIKELY_REACHED),
            sum(1 for band in bands.values() if band == Band.UNKNOWN),
            len(strict & missed),
            len(missed - strict),
            len(strict - missed),
            len(wide & missed),
            len(missed - wide),
            len(wide - missed),
        ]
        assert rows[f"{day:%d/%m/%Y}"] == expected
    # The forecast foresaw something at each date: a report of zeros would pass the comparison as well.
    assert all(rows[f"{day:%d/%m/%Y}"][4] > 0 for day in DAYS)


def test_a_wrong_day_is_refused_in_italian() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Data non valida «31/02»"):
        call_command("forecast_accuracy", "--day", "31/02")
