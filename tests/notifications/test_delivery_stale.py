"""Nothing stale is sent, end to end: a real Celery worker on the real Redis sends to a real SMTP server on
loopback (tests/notifications/workers.py, sink.py). A notice whose request was decided before the worker
got to it never reaches the SMTP server; its row says why; what is still true goes out in the same run.

The people act at frozen moments (time-machine, in this process); the worker runs at the moment each task
names, as in test_delivery.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.utils import timezone

from notifications import tasks
from notifications.models import Message, MonitoringRound
from plans.models import Activity, Objective, Organization
from tests.notifications.sink import Sink
from tests.notifications.workers import ROME, WORKER_TESTS, Workers, purge_broker, running_workers, send
from tests.workflow.world import World, build_world
from workflow.services import approval_approve, item_rinvia

pytestmark = WORKER_TESTS


@pytest.fixture(scope="module")
def worker(django_db_setup: None, sink: Sink, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workers]:
    extra = {"EMAIL_URL": f"smtp://127.0.0.1:{sink.port}?timeout=10"}
    with running_workers(tmp_path_factory.mktemp("stale"), 1, **extra) as pool:
        yield pool


@pytest.fixture(autouse=True)
def fresh(worker: Workers, sink: Sink) -> Iterator[Workers]:
    purge_broker()
    worker.ensure(1)
    sink.start()
    sink.reset()
    yield worker


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ROME)


def aurelia(month: dt.date) -> World:
    """The Comune di Aurelia, with tommaso owning an activity of the technical area, and the month's
    monitoring already planned: the runs below have only the approval notices to send."""
    world = build_world()
    technical = Objective.objects.create(plan=world.plan, code="TEC-1", title="Manutenzione delle strade")
    technical.areas.add(world.technical)
    Activity.objects.create(
        objective=technical, position=1, description="Rifacimento di via Roma", planned_end=dt.date(2026, 7, 31)
    )
    Activity.objects.filter(objective=technical).update(owner=world.tommaso)
    for organization in Organization.objects.all():
        MonitoringRound.objects.create(organization=organization, month=month, planned_on=month)
    return world


def statuses() -> dict[tuple[str, str], tuple[str, str]]:
    rows = Message.objects.select_related("recipient")
    return {(row.kind, row.recipient.username): (row.status, row.dropped_reason) for row in rows}


def test_a_notice_for_a_request_decided_before_the_worker_sends_it_is_dropped_and_the_rest_is_sent(
    fresh: Workers, sink: Sink, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Monday 22 June 2026. Sara asks to postpone her activity and tommaso his; the worker is busy, so the
    task the events asked for starts only at 10:00, after anna and diana have both approved sara's request
    from the approvals page. The worker tells bruno of tommaso's request and sara of her outcome; anna and
    diana hear nothing, and their rows say why."""
    monday = dt.date(2026, 6, 22)
    world = aurelia(dt.date(2026, 6, 1))
    woken: list[int] = []
    # The tasks the events ask for are not published: one is, at 10:00, for all of their people.
    monkeypatch.setattr(tasks.dispatch_messages, "delay", lambda recipient_ids: woken.extend(recipient_ids))
    with time_machine.travel(at(monday, 9), tick=False):
        asked = item_rinvia(
            actor=world.sara, item=world.activity, reason="Gara deserta", new_planned_end=dt.date(2026, 9, 30)
        )
        tommaso = Activity.objects.get(description="Rifacimento di via Roma")
        item_rinvia(actor=world.tommaso, item=tommaso, reason="Maltempo", new_planned_end=dt.date(2026, 10, 30))
    with time_machine.travel(at(monday, 9, 20), tick=False):
        approved = approval_approve(actor=world.anna, request=asked.request)
    with time_machine.travel(at(monday, 9, 40), tick=False):
        approval_approve(actor=world.diana, request=approved.request)
    assert sorted(set(woken)) == sorted(person.pk for person in (world.anna, world.bruno, world.diana, world.sara))

    [result] = fresh.wait([send("dispatch_messages", at(monday, 10), recipient_ids=sorted(set(woken)))])
    mails = sink.wait_for(2)
    assert sorted(mail.envelope_to for mail in mails) == [("bruno@aurelia.example",), ("sara@aurelia.example",)]
    assert result == {"mails": 2, "messages": 2}
    assert statuses() == {
        ("approval_needed", "anna"): ("dropped", "La richiesta è già stata decisa il 22/06/2026."),
        ("approval_needed", "diana"): ("dropped", "La richiesta è già stata decisa il 22/06/2026."),
        ("approval_needed", "bruno"): ("sent", ""),
        ("request_decided", "sara"): ("sent", ""),
    }
    [to_bruno] = [mail for mail in mails if mail.envelope_to == ("bruno@aurelia.example",)]
    assert "Rifacimento di via Roma" in to_bruno.text
    assert "Mappatura degli sportelli" not in to_bruno.text
    dropped = Message.objects.filter(status="dropped")
    assert {row.dropped_at for row in dropped} == {at(monday, 10)}
    assert not any(set(mail.message_ids) & set(dropped.values_list("pk", flat=True)) for mail in mails)


def test_approval_notices_held_over_a_weekend_for_a_request_decided_during_it_are_not_sent_on_monday(
    fresh: Workers, sink: Sink, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's case. Sara asks on Saturday 27 June 2026; anna approves that evening, diana on Sunday,
    both from the approvals page. Each event wakes the worker, which sends nothing on a day off. Beat's
    first run on Monday sends sara the outcome and tells neither anna nor diana to decide."""
    saturday, sunday, monday = dt.date(2026, 6, 27), dt.date(2026, 6, 28), dt.date(2026, 6, 29)
    world = aurelia(dt.date(2026, 6, 1))
    published: list[str] = []  # as notifications.events publishes it, naming the moment of the event
    monkeypatch.setattr(
        tasks.dispatch_messages,
        "delay",
        lambda recipient_ids: published.append(send("dispatch_messages", timezone.now(), recipient_ids=recipient_ids)),
    )
    with time_machine.travel(at(saturday, 9, 30), tick=False):
        asked = item_rinvia(
            actor=world.sara, item=world.activity, reason="Gara deserta", new_planned_end=dt.date(2026, 9, 30)
        )
    fresh.wait(list(published))
    with time_machine.travel(at(saturday, 18), tick=False):
        approved = approval_approve(actor=world.anna, request=asked.request)
    fresh.wait(list(published))
    with time_machine.travel(at(sunday, 20), tick=False):
        approval_approve(actor=world.diana, request=approved.request)
    weekend = fresh.wait(list(published))
    assert len(weekend) == 3 and {result["mails"] for result in weekend} == {0}  # a day off: nothing sent
    assert sink.mails == []

    [first_run] = fresh.wait([send("run_scans", at(monday, 6))])
    [mail] = sink.wait_for(1)
    assert mail.envelope_to == ("sara@aurelia.example",)
    assert "La richiesta di rinvio è approvata: Mappatura degli sportelli" in mail.text
    assert first_run == {"planned": 0, "mails": 1, "messages": 1}
    assert statuses() == {
        ("approval_needed", "anna"): ("dropped", "La richiesta è già stata decisa il 28/06/2026."),
        ("approval_needed", "diana"): ("dropped", "La richiesta è già stata decisa il 28/06/2026."),
        ("request_decided", "sara"): ("sent", ""),
    }
    fresh.wait([send("run_scans", at(monday, 6, 15))])  # beat's next run: the dropped rows stay dropped
    assert len(sink.mails) == 1
