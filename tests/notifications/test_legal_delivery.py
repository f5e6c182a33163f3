"""The legal calendar's reminders end to end: beat's task on a real Redis broker, real Celery workers
(subprocesses on the test database) and a real SMTP server on loopback (tests/notifications/sink.py).

A winter of the PIAO 2027 (due Sunday 31 January 2027) in the Comune di Aurelia (director Diana, OIV Otto,
patron saint on 29 January) and the Comune di Borgo (director Erica): the task is sent as beat sends it, on
every day from 30 December to 1 February, twice on each day, the second time as two copies racing on two
workers. Counted at the SMTP server: each reminder arrives exactly once, to its person, and only on the
working days its calendar gives; Borgo's stop once Borgo has adopted its PIAO.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

import pytest

from notifications.calendar import is_working_day
from notifications.models import Message
from plans.models import Organization, Plan
from plans.models.states import PlanState
from tests.notifications.sink import Sink
from tests.notifications.workers import LEASE_SECONDS, ROME, WORKER_TESTS, Workers, purge_broker, running_workers, send
from tests.workflow.world import build_world

pytestmark = WORKER_TESTS


@pytest.fixture(scope="module")
def workers(django_db_setup: None, sink: Sink, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workers]:
    extra = {"EMAIL_URL": f"smtp://127.0.0.1:{sink.port}?timeout=10", "MAIL_SEND_LEASE_SECONDS": str(LEASE_SECONDS)}
    with running_workers(tmp_path_factory.mktemp("legal-workers"), 2, **extra) as pool:
        yield pool


def test_each_legal_reminder_is_delivered_once_on_a_working_day(workers: Workers, sink: Sink) -> None:
    purge_broker()
    sink.start()
    sink.reset()
    world = build_world()
    Organization.objects.filter(pk=world.aurelia.pk).update(patron_saint_day="01-29")
    arrived_on: dict[int, dt.date] = {}  # outbox row → the day its mail reached the SMTP server
    results = {}
    day = dt.date(2026, 12, 30)
    while day <= dt.date(2027, 2, 1):
        if day == dt.date(2027, 1, 15):  # Borgo adopts its PIAO 2027: no more reminders to Erica
            Plan.objects.create(
                organization=world.borgo,
                code="PIAO-2027",
                kind=Plan.Kind.PIAO,
                title="PIAO 2027-2029",
                year_start=2027,
                year_end=2029,
                state=PlanState.ADOPTED,
                adopted_on=day,
            )
        before = len(sink.mails)
        now = dt.datetime.combine(day, dt.time(9, 5), tzinfo=ROME)
        first = send("run_legal_calendar", now)
        [results[day]] = workers.wait([first])
        # Beat again, twice at once (a second beat, a redelivery): both workers race, nothing is sent twice.
        racing = [send("run_legal_calendar", now + dt.timedelta(hours=1)) for _ in range(2)]
        for again in workers.wait(racing):
            assert again == {"planned": 0, "mails": 0, "messages": 0}
        expected = results[day]["mails"]
        for mail in sink.wait_for(before + expected)[before:]:
            for pk in mail.message_ids:
                assert pk not in arrived_on, f"row {pk} delivered twice"
                arrived_on[pk] = day
        day += dt.timedelta(days=1)

    assert len(sink.mails) == len(arrived_on)  # one mail per person per run: each carries one reminder here
    rows = {row.pk: row for row in Message.objects.select_related("recipient", "organization")}
    assert set(arrived_on) == set(rows)
    assert {row.status for row in rows.values()} == {Message.Status.SENT}
    delivered = sorted((arrived_on[pk].isoformat(), row.recipient.username, row.period) for pk, row in rows.items())
    assert delivered == [
        ("2026-12-31", "diana", "2027-01-31/30"),
        ("2026-12-31", "erica", "2027-01-31/30"),
        ("2026-12-31", "otto", "2027-01-31/30"),
        ("2027-01-22", "diana", "2027-01-31/7"),
        ("2027-01-22", "otto", "2027-01-31/7"),
        ("2027-01-28", "diana", "2027-01-31/0"),  # Friday 29 is Aurelia's patron saint: Thursday
        ("2027-01-28", "otto", "2027-01-31/0"),
    ]
    for pk, row in rows.items():
        assert is_working_day(arrived_on[pk], row.organization.patron_saint_day)
    counts = Counter(mail.envelope_to for mail in sink.mails)
    assert counts == {("diana@aurelia.example",): 3, ("otto@aurelia.example",): 3, ("erica@aurelia.example",): 1}
    [first_to_otto] = [mail for mail in sink.mails if mail.envelope_to == ("otto@aurelia.example",)][:1]
    assert first_to_otto.subject == "[Comune di Aurelia] Scadenze di legge del ciclo della performance"
    assert "Adozione del Piano della performance / PIAO 2027: entro il 31/01/2027" in first_to_otto.text
    # Days off plan and send nothing: Saturdays, Sundays, Capodanno, the Epifania.
    for day in (dt.date(2027, 1, 1), dt.date(2027, 1, 2), dt.date(2027, 1, 6), dt.date(2027, 1, 30)):
        assert results[day] == {"planned": 0, "mails": 0, "messages": 0}
