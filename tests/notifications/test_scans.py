"""The scans plan each reminder once, on the right working day, for the right person."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection

from notifications.models import Message
from notifications.scans import plan, plan_deadline_reminders, plan_director_digests
from plans.models import Activity
from tests.workflow.world import World
from workflow.services import approval_approve, item_rinvia

pytestmark = pytest.mark.django_db


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=offset) for offset in range((end - start).days + 1)]


def planned(kind: str | None = None) -> list[tuple[str, str, str, str]]:
    rows = Message.objects.order_by("due_on", "pk")
    if kind:
        rows = rows.filter(kind=kind)
    return [(row.due_on.isoformat(), row.kind, row.recipient.username, row.period) for row in rows]


def test_a_season_of_reminders_each_planned_once(world: World) -> None:
    for day in days(dt.date(2026, 5, 15), dt.date(2026, 7, 20)):
        plan_deadline_reminders(day)
        plan_deadline_reminders(day)  # a second run plans nothing more
    activity_rows = [row for row in planned() if row[3].startswith("2026-06-30")]
    assert activity_rows == [
        ("2026-06-10", "deadline", "sara", "2026-06-30:14"),
        ("2026-06-19", "deadline", "sara", "2026-06-30:7"),
        ("2026-06-29", "deadline", "sara", "2026-06-30:1"),
        ("2026-07-01", "overdue", "sara", "2026-06-30:0"),
        ("2026-07-07", "escalation", "anna", "2026-06-30"),
        ("2026-07-08", "overdue", "sara", "2026-06-30:1"),
        ("2026-07-15", "overdue", "sara", "2026-06-30:2"),
    ]
    # Activity 2 has no owner: its reminders go to the area head.
    assert {row[2] for row in planned() if row[3].startswith("2026-09-30")} <= {"anna"}


def test_the_scan_reads_only_what_is_due(world: World, django_assert_num_queries: Any) -> None:
    for position in range(3, 53):  # fifty more activities, due at the end of the year
        Activity.objects.create(objective=world.objective, position=position, planned_end=dt.date(2026, 12, 30))
    plan_deadline_reminders(dt.date(2026, 5, 15))  # works out every item's next reminder day once
    activity = Activity.objects.get(pk=world.activity.pk)
    assert activity.next_reminder_on == dt.date(2026, 6, 10)
    assert not Message.objects.exists()
    with django_assert_num_queries(2):  # one read per model, and nothing is due
        plan_deadline_reminders(dt.date(2026, 5, 18))
    assert Activity.objects.get(pk=world.activity.pk).next_reminder_on == dt.date(2026, 6, 10)


def test_a_scan_plans_many_due_items_in_a_few_queries(world: World, django_assert_max_num_queries: Any) -> None:
    """Due items are planned a chunk at a time: one INSERT of the chunk's rows and one UPDATE of their next
    reminder days, not a few queries per item."""
    for position in range(3, 63):  # sixty more activities, half of them nobody's: the area head hears
        Activity.objects.create(
            objective=world.objective,
            position=position,
            planned_end=dt.date(2026, 6, 19),
            owner=world.sara if position % 2 else None,
        )
    # Activities, then objectives: the due items, what they belong to, the area heads, the INSERT and the
    # UPDATE (with their savepoint here, in the test's transaction); sixty or six thousand alike.
    with django_assert_max_num_queries(20):
        planned = plan_deadline_reminders(dt.date(2026, 6, 29))  # overdue, and escalated, for all
    assert planned == Message.objects.count() == 60 * 2 + 1  # and sara's reminder of activity 1, due 30 June
    assert set(Message.objects.filter(kind="escalation").values_list("recipient__username", flat=True)) == {"anna"}
    assert Activity.objects.filter(objective=world.objective, next_reminder_on__lte=dt.date(2026, 6, 29)).count() == 0
    assert plan_deadline_reminders(dt.date(2026, 6, 29)) == 0  # nothing is due again the same day


def test_the_planner_knows_that_open_items_rarely_lack_a_reminder_day() -> None:
    """The scan's query counts on joint statistics of state and next reminder day (plans migration 0003):
    without them PostgreSQL expected a quarter of the table to be due and read the wrong index."""
    if connection.vendor != "postgresql":
        pytest.skip("extended statistics are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT stxname, stxkind FROM pg_statistic_ext ORDER BY stxname")
        statistics = dict(cursor.fetchall())
    assert statistics == {"plans_activity_state_reminder": ["m"], "plans_objective_state_reminder": ["m"]}


def test_plan_inserts_only_what_is_new_and_says_how_much(world: World) -> None:
    def rows(*periods: str) -> list[Message]:
        return [
            Message(
                kind=Message.Kind.DIRECTOR_DIGEST,
                organization=world.aurelia,
                recipient=world.diana,
                target=f"organization:{world.aurelia.pk}",
                period=period,
                due_on=dt.date(2026, 6, 22),
            )
            for period in periods
        ]

    first = rows("2026-W26", "2026-W27")
    assert plan(first) == 2
    assert all(row.pk for row in first)
    again = rows("2026-W27", "2026-W28", "2026-W28")  # one that exists, one new given twice
    assert plan(again) == 1
    assert [row.pk is not None for row in again] == [False, True, False]
    assert sorted(Message.objects.values_list("period", flat=True)) == ["2026-W26", "2026-W27", "2026-W28"]
    assert plan([]) == 0


def test_postponing_moves_the_reminders(world: World) -> None:
    plan_deadline_reminders(dt.date(2026, 5, 15))
    outcome = item_rinvia(
        actor=world.anna, item=world.activity, reason="Fornitore", new_planned_end=dt.date(2026, 9, 30)
    )
    approval_approve(actor=world.diana, request=outcome.request)
    assert Activity.objects.get(pk=world.activity.pk).next_reminder_on is None
    for day in days(dt.date(2026, 6, 1), dt.date(2026, 7, 10)):
        plan_deadline_reminders(day)
    assert not Message.objects.filter(target=f"activity:{world.activity.pk}").exists()


def test_no_reminder_is_planned_on_a_holiday_or_a_weekend(world: World) -> None:
    Activity.objects.filter(pk=world.activity.pk).update(planned_end=dt.date(2026, 6, 3))
    for day in days(dt.date(2026, 5, 1), dt.date(2026, 6, 30)):
        plan_deadline_reminders(day)
    for row in Message.objects.all():
        assert row.due_on.weekday() < 5
        assert row.due_on not in (dt.date(2026, 5, 1), dt.date(2026, 6, 2))


def test_the_director_gets_one_digest_a_week_from_its_first_working_day(world: World) -> None:
    Activity.objects.filter(pk=world.activity.pk).update(planned_end=dt.date(2026, 5, 29))
    for day in days(dt.date(2026, 5, 30), dt.date(2026, 6, 14)):
        plan_director_digests(day)
    # Borgo has nothing late: its director gets no digest of nothing.
    assert planned("director_digest") == [
        ("2026-06-01", "director_digest", "diana", "2026-W23"),
        ("2026-06-08", "director_digest", "diana", "2026-W24"),
    ]


@pytest.mark.parametrize("edge", [dt.date(1, 1, 2), dt.date(9999, 12, 31)])
def test_a_deadline_at_the_edge_of_the_calendar_does_not_stop_the_others_reminders(world: World, edge: dt.date) -> None:
    """A date such as 0001-01-02, written in a document, cannot be counted back from: that item is looked at
    again in a week, and every other item gets its reminders as usual."""
    broken = Activity.objects.create(
        objective=world.objective, position=9, description="Data sbagliata", planned_end=edge, owner=world.sara
    )
    day = dt.date(2026, 6, 10)  # activity 1 (due 30 June) gets its 14-working-day reminder today
    plan_deadline_reminders(day)
    assert planned() == [("2026-06-10", "deadline", "sara", "2026-06-30:14")]
    broken.refresh_from_db()
    assert broken.next_reminder_on == day + dt.timedelta(days=7)
