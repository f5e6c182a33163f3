"""The monitoring report as at a moment shows the plan as it was then, rebuilt from the audit trail, not as it is."""

from __future__ import annotations

import datetime as dt

import pytest

from plans.models import Plan, WorkState
from reports.as_of import build_monitoring
from reports.monitoring_sections import ActivityAsOf, Monitoring, ObjectiveAsOf
from tests.reports import as_of_story as story
from tests.reports.as_of_story import Story

pytestmark = pytest.mark.django_db


@pytest.fixture
def told(db: None) -> Story:
    return story.tell()


def objective(report: Monitoring, code: str) -> ObjectiveAsOf:
    return next(o for area in report.areas for o in area.objectives if o.code == code)


def activities(report: Monitoring) -> dict[int, ActivityAsOf]:
    return {a.position: a for a in objective(report, "SOC-1").activities}


def test_the_report_at_the_moment_shows_the_states_of_the_moment_not_todays(told: Story) -> None:
    report = build_monitoring(plan=told.world.plan, moment=told.moment)
    first, second = activities(report)[1], activities(report)[2]
    assert (first.state, first.actual_start, first.actual_end) == (WorkState.AVVIATO, told.today, None)
    assert first.late  # due yesterday, not concluded at the moment
    assert first.progress is not None
    assert (first.progress.progress, first.progress.note) == (40, story.FIRST_NOTE)
    assert (second.state, second.planned_end, second.late) == (WorkState.RINVIATO, told.postponed_to, False)
    assert (first.postponement, second.postponement) == (None, story.POSTPONEMENT)
    assert set(activities(report)) == {1, 2}  # the activity added after the moment is not there
    soc = objective(report, "SOC-1")
    assert (soc.state, soc.late) == (WorkState.AVVIATO, False)
    [indicator] = soc.indicators
    assert (indicator.expected, indicator.actual) == (story.FIRST_TARGET, story.FIRST_VALUE)
    assert objective(report, "TRA-1").state == WorkState.PROGRAMMATO
    assert report.date == told.today and not report.end_of_day


def test_the_report_now_shows_todays_states(told: Story) -> None:
    report = build_monitoring(plan=told.world.plan, moment=story.database_now())
    first, second, third = (activities(report)[n] for n in (1, 2, 3))
    assert (first.state, first.actual_end, first.late) == (WorkState.CONCLUSO, told.today, False)
    assert first.progress is not None and first.progress.note == story.SECOND_NOTE
    assert (second.state, second.planned_end) == (WorkState.AVVIATO, told.postponed_to)
    assert third.description == story.NEW_ACTIVITY
    [indicator] = objective(report, "SOC-1").indicators
    assert (indicator.expected, indicator.actual) == (story.SECOND_TARGET, story.SECOND_VALUE)


def test_a_date_means_its_whole_day_in_rome(told: Story) -> None:
    today = build_monitoring(plan=told.world.plan, moment=told.today)
    assert today.end_of_day and today.date == told.today
    assert activities(today)[1].state == WorkState.CONCLUSO  # the end of today is after every change
    yesterday = build_monitoring(plan=told.world.plan, moment=told.today - dt.timedelta(days=1))
    assert yesterday.areas == ()  # the plan's objectives were all created today
    assert yesterday.first_recorded == told.today


def test_items_written_before_the_trail_stay_as_written(told: Story) -> None:
    """Rows with no trail (as a database of before the trail) are shown as they are."""
    from workflow.models import AuditEntry

    plan = told.world.plan
    assert AuditEntry.objects.filter(subject="plans.objective", subject_id=told.world.transversal.pk).exists()
    report = build_monitoring(plan=plan, moment=told.moment)
    assert objective(report, "TRA-1").title == "Cartella sociale informatizzata"


def test_the_number_of_queries_does_not_grow_with_the_plan(told: Story, django_assert_max_num_queries: object) -> None:
    plan = Plan.objects.select_related("organization").get(pk=told.world.plan.pk)
    # The plan's rows (the indicators' baselines and historical values among them), their trail, the answers and
    # values, the body's policy on confirming values and the year's measurement system.
    with django_assert_max_num_queries(14) as small:  # type: ignore[operator]
        build_monitoring(plan=plan, moment=told.moment)
    _grow(told)
    now = story.database_now()
    with django_assert_max_num_queries(len(small.captured_queries)) as large:  # type: ignore[operator]
        report = build_monitoring(plan=plan, moment=now)
    assert len(large.captured_queries) == len(small.captured_queries)
    objectives = {o.code: o for area in report.areas for o in area.objectives}  # TRA-1 is under both areas
    assert len(objectives) == 2 + 30
    assert sum(len(o.activities) for o in objectives.values()) == 3 + 30 * 5


def _grow(told: Story) -> None:
    from plans.models import Activity, Indicator, IndicatorTarget, Measurement, Objective

    year = told.today.year
    for number in range(30):
        item = Objective.objects.create(plan=told.world.plan, code=f"G-{number}", title=f"Obiettivo {number}")
        item.areas.add(told.world.social)
        Activity.objects.bulk_create(
            Activity(objective=item, position=position, description=f"Fase {position}") for position in range(1, 6)
        )
        indicator = Indicator.objects.create(objective=item, position=1, name="Utenti", unit="n.")
        IndicatorTarget.objects.create(indicator=indicator, year=year, raw="10", kind="number", value=10)
        Measurement.objects.create(indicator=indicator, year=year, raw="7", kind="number", value=7)
