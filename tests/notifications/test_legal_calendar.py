"""The legal calendar of the cycle: its days (the law's, or the body's, or a year's own), the working days its
reminders go out on, and whether a deadline is still to be met, read from the plan's state."""

from __future__ import annotations

import datetime as dt

import pytest

from notifications.calendar import is_working_day
from notifications.legal_calendar import (
    Status,
    calendars_of,
    deadlines_of,
    last_working_day,
    month_day,
    reminder_days,
    reminder_due,
)
from notifications.models import LegalCalendar, LegalDeadline, LegalDeadlineYear
from plans.models import Plan
from plans.models.states import PlanState
from tests.workflow.world import World

D = dt.date
LEADS = (30, 7, 1)


# ---------------------------------------------------------------------------------------- the days alone


def test_31_january_2027_is_a_sunday_so_its_reminders_come_on_the_working_days_before() -> None:
    due = D(2027, 1, 31)
    assert due.weekday() == 6
    # 30 days before is 1 January (Capodanno): the last working day before it is 31 December. 7 days before
    # is Sunday 24: Friday 22. The day before (Saturday) and the day itself (Sunday) both fall on Friday 29,
    # where they are one reminder, the day's own.
    assert reminder_days(due, LEADS) == [(D(2026, 12, 31), 30), (D(2027, 1, 22), 7), (D(2027, 1, 29), 0)]


def test_the_relazione_of_2026_is_due_on_30_june_2027_a_wednesday() -> None:
    due = D(2027, 6, 30)
    assert due.weekday() == 2
    # 31 May 2027 (30 days before) is a Monday; 23 June; 29 June; 30 June itself.
    assert reminder_days(due, LEADS) == [(D(2027, 5, 31), 30), (D(2027, 6, 23), 7), (D(2027, 6, 29), 1), (due, 0)]


def test_the_patron_saint_moves_a_reminder_to_the_working_day_before() -> None:
    # Rome's patrons, Peter and Paul, on 29 June: the day-before reminder of 30 June goes out on Monday 28.
    assert not is_working_day(D(2027, 6, 29), "06-29")
    assert reminder_days(D(2027, 6, 30), LEADS, "06-29")[-2:] == [(D(2027, 6, 28), 1), (D(2027, 6, 30), 0)]
    # A deadline on the patron's day itself is announced the working day before.
    assert reminder_days(D(2027, 6, 29), (), "06-29") == [(D(2027, 6, 28), 0)]


def test_national_holidays_are_skipped() -> None:
    assert last_working_day(D(2027, 6, 2)) == D(2027, 6, 1)  # Festa della Repubblica
    assert last_working_day(D(2027, 3, 29)) == D(2027, 3, 26)  # Easter Monday, Sunday, Saturday
    assert last_working_day(D(2027, 10, 4)) == D(2027, 10, 1)  # San Francesco, national again from 2026


def test_29_february_in_a_common_year_is_the_28th() -> None:
    assert month_day(2027, "02-29") == D(2027, 2, 28)
    assert month_day(2028, "02-29") == D(2028, 2, 29)


def test_only_the_latest_reminder_that_has_come_is_due_and_none_after_the_deadline() -> None:
    due = D(2027, 1, 31)
    assert reminder_due(due, LEADS, D(2026, 12, 30)) is None  # not yet
    assert reminder_due(due, LEADS, D(2026, 12, 31)) == 30
    assert reminder_due(due, LEADS, D(2027, 1, 4)) == 30  # a run missed on the 31st is made up
    assert reminder_due(due, LEADS, D(2027, 1, 1)) is None  # Capodanno: nothing is sent
    assert reminder_due(due, LEADS, D(2027, 1, 25)) == 7
    assert reminder_due(due, LEADS, D(2027, 1, 29)) == 0
    assert reminder_due(due, LEADS, D(2027, 1, 30)) is None  # Saturday
    assert reminder_due(due, LEADS, D(2027, 2, 1)) is None  # the deadline has passed


# ------------------------------------------------------------------------------------ the body's calendar


needs_db = pytest.mark.django_db


def _due(world: World, deadline: str, year: int) -> dt.date:
    return calendars_of([world.aurelia])[world.aurelia.pk].due(deadline, year)


@needs_db
def test_the_law_s_days_by_default_then_the_body_s_then_a_year_s_own(world: World) -> None:
    assert _due(world, LegalDeadline.PIANO, 2027) == D(2027, 1, 31)
    assert _due(world, LegalDeadline.MONITORAGGIO, 2027) == D(2027, 7, 31)
    assert _due(world, LegalDeadline.RELAZIONE, 2026) == D(2027, 6, 30)  # the year after
    assert _due(world, LegalDeadline.VALIDAZIONE, 2026) == D(2027, 6, 30)
    assert _due(world, LegalDeadline.PUBBLICAZIONE, 2026) == D(2027, 6, 30)
    assert calendars_of([world.aurelia])[world.aurelia.pk].lead_days == (30, 7, 1)  # LEGAL_REMINDER_LEAD_DAYS

    LegalCalendar.objects.create(organization=world.aurelia, monitoraggio_due="09-30", lead_days="15, 3")
    # The PIAO of 2027 postponed to 30 June, as the PIAO of 2022 was (D.L. 36/2022, art. 7).
    LegalDeadlineYear.objects.create(
        organization=world.aurelia, deadline=LegalDeadline.PIANO, year=2027, due_on=D(2027, 6, 30)
    )
    body = calendars_of([world.aurelia, world.borgo])
    assert body[world.aurelia.pk].due(LegalDeadline.MONITORAGGIO, 2027) == D(2027, 9, 30)
    assert body[world.aurelia.pk].due(LegalDeadline.PIANO, 2027) == D(2027, 6, 30)
    assert body[world.aurelia.pk].due(LegalDeadline.PIANO, 2028) == D(2028, 1, 31)
    assert body[world.aurelia.pk].lead_days == (15, 3)
    assert body[world.borgo.pk].due(LegalDeadline.PIANO, 2027) == D(2027, 1, 31)  # another body keeps the law's


def _status(world: World, year: int = 2026) -> dict[str, tuple[Status, str]]:
    found = deadlines_of([world.aurelia], [year])
    return {item.deadline: (item.status, item.reason) for item in found}


def _set(world: World, state: str, adopted_on: dt.date | None = None) -> None:
    Plan.objects.filter(pk=world.plan.pk).update(state=state, adopted_on=adopted_on)


@needs_db
def test_what_is_met_follows_the_plan_s_state(world: World) -> None:
    # A draft: the Piano is to be adopted; nothing to monitor, report, validate or publish yet.
    _set(world, PlanState.DRAFT)
    assert {deadline: status for deadline, (status, _reason) in _status(world).items()} == {
        LegalDeadline.PIANO: Status.OPEN,
        LegalDeadline.MONITORAGGIO: Status.NOT_DUE,
        LegalDeadline.RELAZIONE: Status.NOT_DUE,
        LegalDeadline.VALIDAZIONE: Status.NOT_DUE,
        LegalDeadline.PUBBLICAZIONE: Status.NOT_DUE,
    }
    _set(world, PlanState.IN_EXECUTION, D(2026, 1, 28))
    found = _status(world)
    assert found[LegalDeadline.PIANO] == (Status.MET, "Il piano «PEG-2026» è stato adottato il 28/01/2026.")
    assert {found[d][0] for d in (LegalDeadline.MONITORAGGIO, LegalDeadline.RELAZIONE)} == {Status.OPEN}
    assert found[LegalDeadline.VALIDAZIONE][0] == Status.OPEN

    _set(world, PlanState.CLOSED, D(2026, 1, 28))
    found = _status(world)
    assert found[LegalDeadline.RELAZIONE][0] == found[LegalDeadline.MONITORAGGIO][0] == Status.MET
    assert found[LegalDeadline.VALIDAZIONE][0] == Status.OPEN

    _set(world, PlanState.VALIDATED, D(2026, 1, 28))
    found = _status(world)
    assert found[LegalDeadline.VALIDAZIONE] == (Status.MET, "Il piano «PEG-2026» è stato validato dall'OIV.")
    assert found[LegalDeadline.PUBBLICAZIONE][0] == Status.OPEN  # no state says it was published

    LegalDeadlineYear.objects.create(
        organization=world.aurelia,
        deadline=LegalDeadline.PUBBLICAZIONE,
        year=2026,
        done_on=D(2027, 6, 25),
        note="sezione Performance",
    )
    assert _status(world)[LegalDeadline.PUBBLICAZIONE] == (Status.MET, "Adempiuto il 25/06/2027 (sezione Performance).")


@needs_db
def test_a_relazione_imported_as_a_plan_is_not_the_year_s_plan(world: World) -> None:
    Plan.objects.create(
        organization=world.aurelia,
        code="REL-2027",
        kind=Plan.Kind.RELAZIONE,
        title="Relazione",
        year_start=2027,
        year_end=2027,
        state=PlanState.ADOPTED,
    )
    assert _status(world, 2027)[LegalDeadline.PIANO][0] == Status.OPEN


@needs_db
def test_the_deadlines_of_many_bodies_and_years_cost_three_queries(
    world: World, django_assert_num_queries: object
) -> None:
    for index in range(5):
        Plan.objects.create(
            organization=world.borgo,
            code=f"PEG-{2020 + index}",
            kind=Plan.Kind.PEG,
            title="PEG",
            year_start=2020 + index,
            year_end=2020 + index,
        )
    with django_assert_num_queries(3):  # type: ignore[operator]
        found = deadlines_of([world.aurelia, world.borgo], range(2020, 2028))
    assert len(found) == 2 * 8 * 5
    assert [item.due for item in found] == sorted(item.due for item in found)
