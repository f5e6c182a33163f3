"""A request left waiting, end to end: beat's quarter-hourly task on a real Redis broker, real Celery workers
(subprocesses on the test database) and a real SMTP server on loopback (tests/notifications/sink.py).

Sara asks on Friday 4 December 2026 to conclude her activity; Anna, head of her area, decides that step. The
Comune di Aurelia reminds after 2 working days and tells the level above after 3 (its own settings). Tuesday
8 December is the Immacolata: no working day. The task is sent as beat sends it, every day from 4 to 15
December, once and then twice at once (a second beat, a redelivery). Counted at the SMTP server: Anna's reminder
arrives once, on Wednesday 9; Diana's escalation once, on Thursday 10; nothing about the request on the 8th.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest
import time_machine

from notifications.calendar import is_working_day
from notifications.models import BodySettings, Message
from tests.notifications.sink import Received, Sink
from tests.notifications.workers import LEASE_SECONDS, ROME, WORKER_TESTS, Workers, purge_broker, running_workers, send
from tests.workflow.world import build_world
from workflow.services import item_avvia, item_concludi

pytestmark = WORKER_TESTS

WAITING_KINDS = (Message.Kind.APPROVAL_REMINDER, Message.Kind.APPROVAL_ESCALATION)


def _sent(target: str, kind: str, timeout: float = 20.0) -> bool:
    """Whether the row of `kind` about `target` is marked sent within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Message.objects.filter(target=target, kind=kind, status=Message.Status.SENT).exists():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def workers(django_db_setup: None, sink: Sink, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workers]:
    extra = {"EMAIL_URL": f"smtp://127.0.0.1:{sink.port}?timeout=10", "MAIL_SEND_LEASE_SECONDS": str(LEASE_SECONDS)}
    with running_workers(tmp_path_factory.mktemp("approval-workers"), 2, **extra) as pool:
        yield pool


def _about_the_request(mails: list[Received], rows: set[int]) -> list[Received]:
    return [mail for mail in mails if rows & set(mail.message_ids)]


def test_a_waiting_request_is_reminded_then_escalated_once_never_on_a_holiday(workers: Workers, sink: Sink) -> None:
    purge_broker()
    sink.start()
    sink.reset()
    world = build_world()
    BodySettings.objects.create(organization=world.aurelia, approval_reminder_after=2, approval_escalation_after=3)
    with time_machine.travel(dt.datetime(2026, 12, 4, 10, 0, tzinfo=ROME), tick=False):
        item_avvia(actor=world.sara, item=world.activity)
        request = item_concludi(actor=world.sara, item=world.activity, actual_end=dt.date(2026, 12, 3)).request
    target = f"request:{request.pk}"
    # The request's own notice goes out at once, by the task its commit published, on a working day: the worker's
    # clock is the real one, which on a Sunday or a holiday in Rome holds it for the next working day. Sent again
    # as at the request's moment (a Friday), it goes out whatever day the test runs (once: what went is not sent
    # again); then count anew.
    workers.wait([send("dispatch_messages", dt.datetime(2026, 12, 4, 10, 0, tzinfo=ROME))])
    sink.wait_for(1)
    assert _sent(target, Message.Kind.APPROVAL_NEEDED)
    sink.reset()
    arrived_on: dict[int, dt.date] = {}  # outbox row about the request → the day its mail reached the server
    mails_on: dict[dt.date, list[Received]] = {}
    day = dt.date(2026, 12, 4)
    while day <= dt.date(2026, 12, 15):
        before = len(sink.mails)
        now = dt.datetime.combine(day, dt.time(10, 30), tzinfo=ROME)
        first = send("run_scans", now)
        [result] = workers.wait([first])
        racing = [send("run_scans", now + dt.timedelta(minutes=15)) for _ in range(2)]
        for again in workers.wait(racing):
            assert again["planned"] == 0, f"{day}: a second run planned again"
        sink.wait_for(before + result["mails"])
        rows = set(Message.objects.filter(target=target).values_list("pk", flat=True))
        mails_on[day] = _about_the_request(sink.mails[before:], rows)
        for mail in mails_on[day]:
            for pk in set(mail.message_ids) & rows:
                assert pk not in arrived_on, f"row {pk} delivered twice"
                arrived_on[pk] = day
        day += dt.timedelta(days=1)

    rows_about = Message.objects.filter(target=target, kind__in=WAITING_KINDS).select_related("recipient")
    delivered = sorted((arrived_on.get(row.pk), row.kind, row.recipient.username) for row in rows_about)
    assert delivered == [
        (dt.date(2026, 12, 9), Message.Kind.APPROVAL_REMINDER, "anna"),
        (dt.date(2026, 12, 10), Message.Kind.APPROVAL_ESCALATION, "diana"),
    ]
    assert {row.status for row in rows_about} == {Message.Status.SENT}
    assert mails_on[dt.date(2026, 12, 8)] == []  # the Immacolata
    for row in rows_about:
        assert is_working_day(arrived_on[row.pk], world.aurelia.patron_saint_day)
    [reminder] = [mail for mail in mails_on[dt.date(2026, 12, 9)] if mail.envelope_to == ("anna@aurelia.example",)]
    assert "Sollecito: richieste che attendono da giorni la tua decisione" in reminder.text
    assert "Sara chiede la conclusione: Mappatura degli sportelli" in reminder.text
    assert "in attesa dal 04/12/2026 (2 giorni lavorativi)" in reminder.text
    [escalation] = [mail for mail in mails_on[dt.date(2026, 12, 10)] if mail.envelope_to == ("diana@aurelia.example",)]
    assert "Richieste ferme presso i responsabili d'area" in escalation.text
    assert "attende il responsabile d'area · in attesa dal 04/12/2026 (3 giorni lavorativi)" in escalation.text
