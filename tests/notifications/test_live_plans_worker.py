"""A reminder queued for an item whose plan is closed before the worker sends it is dropped at dispatch, end
to end: a real Celery worker on the real Redis, a real SMTP server on loopback (tests/notifications/workers.py,
sink.py). What is still true, a live plan's reminder, goes out in the same run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from notifications.models import Message
from notifications.scans import plan_deadline_reminders
from plans.models import Activity, Objective, Plan
from tests.notifications.sink import Sink
from tests.notifications.workers import ROME, WORKER_TESTS, Workers, purge_broker, running_workers, send
from tests.plan_life import close_year, put_in_execution
from tests.workflow.world import build_world

pytestmark = WORKER_TESTS


@pytest.fixture(scope="module")
def worker(django_db_setup: None, sink: Sink, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workers]:
    extra = {"EMAIL_URL": f"smtp://127.0.0.1:{sink.port}?timeout=10"}
    with running_workers(tmp_path_factory.mktemp("live"), 1, **extra) as pool:
        yield pool


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ROME)


def test_a_reminder_of_a_plan_closed_before_the_worker_sends_it_is_dropped_and_the_live_ones_sent(
    worker: Workers, sink: Sink
) -> None:
    """Monday 22 June 2026, 8:00: the scan plans the reminders of sara's activity (PEG-2026) and of tommaso's
    (PIAO-2026), both due on 30 June. At 9:00 the director closes PEG-2026. At 10:00 the worker sends tommaso
    his reminder; sara gets nothing, and her row says why."""
    purge_broker()
    sink.start()
    sink.reset()
    monday = dt.date(2026, 6, 22)
    with time_machine.travel(at(monday, 7), tick=False):
        world = build_world()
        piao = Plan.objects.create(
            organization=world.aurelia,
            code="PIAO-2026",
            kind=Plan.Kind.PEG,
            title="PIAO",
            year_start=2026,
            year_end=2026,
        )
        objective = Objective.objects.create(plan=piao, code="TEC-9", title="Strade sicure", owner=world.bruno)
        objective.areas.add(world.technical)
        Activity.objects.create(
            objective=objective,
            position=1,
            description="Rifacimento di via Roma",
            planned_end=dt.date(2026, 6, 30),
            owner=world.tommaso,
        )
        put_in_execution(piao, world.diana)
    with time_machine.travel(at(monday, 8), tick=False):
        plan_deadline_reminders(monday)
    assert set(Message.objects.filter(kind="deadline").values_list("recipient__username", flat=True)) == {
        "sara",
        "tommaso",
    }
    with time_machine.travel(at(monday, 9), tick=False):
        close_year(world.plan, world.diana)

    [result] = worker.wait([send("dispatch_messages", at(monday, 10))])
    [mail] = sink.wait_for(1)
    assert mail.envelope_to == ("tommaso@aurelia.example",)
    assert "Rifacimento di via Roma" in mail.text
    assert result == {"mails": 1, "messages": 1}
    sara = Message.objects.get(kind="deadline", recipient=world.sara)
    assert (sara.status, sara.dropped_reason) == (
        Message.Status.DROPPED,
        "Il piano «PEG-2026» è «Chiuso»: solo i piani adottati o in esecuzione hanno promemoria.",
    )
    assert sara.dropped_at == at(monday, 10)
    assert sara.pk not in mail.message_ids
