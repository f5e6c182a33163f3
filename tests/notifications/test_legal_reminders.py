"""The legal calendar's reminders: planned once each (a scan run twice, two scans racing), only on working days,
to the director and the OIV, only while the deadline is still to be met, and checked again when sent."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications import tasks
from notifications.calendar import is_working_day
from notifications.dispatch import dispatch
from notifications.legal_reminders import plan_legal_reminders
from notifications.models import LegalDeadline, LegalDeadlineYear, Message
from plans.models import Organization, OrganizationRole, Plan
from plans.models.states import PlanState
from tests.workflow.world import World, build_world

D = dt.date
ROME = ZoneInfo("Europe/Rome")


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=offset) for offset in range((end - start).days + 1)]


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ROME)


def planned() -> list[tuple[str, str, str, str]]:
    rows = Message.objects.filter(kind=Message.Kind.LEGAL_DEADLINE).order_by("due_on", "recipient__username")
    return [(row.due_on.isoformat(), row.recipient.username, row.target.split(":", 2)[2], row.period) for row in rows]


def adopt(organization: Organization, year: int, on: dt.date) -> Plan:
    return Plan.objects.create(
        organization=organization,
        code=f"PIAO-{year}",
        kind=Plan.Kind.PIAO,
        title=f"PIAO {year}",
        year_start=year,
        year_end=year + 2,
        state=PlanState.ADOPTED,
        adopted_on=on,
    )


@pytest.mark.django_db
def test_a_winter_of_runs_plans_each_reminder_of_the_piao_once_on_working_days(world: World) -> None:
    for day in days(D(2026, 12, 1), D(2027, 2, 5)):
        assert plan_legal_reminders(day) == [] or is_working_day(day)
        assert plan_legal_reminders(day) == []  # a second run plans nothing more
    expected = []
    for due_on, lead in (("2026-12-31", 30), ("2027-01-22", 7), ("2027-01-29", 0)):
        for person in ("diana", "erica", "otto"):  # Aurelia's director and OIV; Borgo's director
            expected.append((due_on, person, "piano:2027", f"2027-01-31/{lead}"))
    assert planned() == expected
    row = Message.objects.get(recipient=world.diana, period="2027-01-31/7")
    assert row.organization == world.aurelia
    assert row.target == f"legal:{world.aurelia.pk}:piano:2027"
    assert row.context == {"deadline": "piano", "year": 2027, "due": "2027-01-31", "lead": 7}


@pytest.mark.django_db
def test_a_deadline_met_gets_no_more_reminders(world: World) -> None:
    plan_legal_reminders(D(2026, 12, 31))
    adopt(world.borgo, 2027, D(2027, 1, 12))
    for day in days(D(2027, 1, 1), D(2027, 2, 5)):
        plan_legal_reminders(day)
    borgo = [row for row in planned() if row[1] == "erica"]
    assert borgo == [("2026-12-31", "erica", "piano:2027", "2027-01-31/30")]  # only the one before adoption
    assert len([row for row in planned() if row[1] in ("diana", "otto")]) == 6


@pytest.mark.django_db
def test_the_year_s_plan_in_execution_brings_the_monitoring_and_the_relazione_reminders(world: World) -> None:
    Plan.objects.filter(pk=world.plan.pk).update(state=PlanState.IN_EXECUTION, adopted_on=D(2026, 1, 20))
    plan_legal_reminders(D(2026, 7, 1))  # 30 days before 31 July: the monitoring of 2026
    assert {(row[1], row[2], row[3]) for row in planned()} == {
        ("diana", "monitoraggio:2026", "2026-07-31/30"),
        ("otto", "monitoraggio:2026", "2026-07-31/30"),
    }
    Message.objects.all().delete()
    # 31 May 2027: the Relazione, its validation and its publication of 2026 are 30 days away.
    plan_legal_reminders(D(2027, 5, 31))
    assert {row[2] for row in planned()} == {"relazione:2026", "validazione:2026", "pubblicazione:2026"}
    # Closed (the consuntivo approved): the Relazione is met; validation and publication are still due.
    Message.objects.all().delete()
    Plan.objects.filter(pk=world.plan.pk).update(state=PlanState.CLOSED)
    plan_legal_reminders(D(2027, 6, 23))
    assert {row[2] for row in planned()} == {"validazione:2026", "pubblicazione:2026"}


@pytest.mark.django_db
def test_the_patron_saint_s_day_is_not_a_working_day(world: World) -> None:
    Organization.objects.filter(pk=world.aurelia.pk).update(patron_saint_day="01-29")
    for day in days(D(2027, 1, 25), D(2027, 1, 31)):
        plan_legal_reminders(day)
    on_the_day = {row[1]: row[0] for row in planned() if row[3] == "2027-01-31/0"}
    assert on_the_day == {"diana": "2027-01-28", "otto": "2027-01-28", "erica": "2027-01-29"}


@pytest.mark.django_db
def test_a_mail_names_the_deadline_its_day_and_its_law_and_goes_out_once(world: World) -> None:
    result = tasks.run_legal_calendar(now=at(D(2027, 1, 22)).isoformat())
    assert result == {"planned": 3, "mails": 3, "messages": 3}
    assert tasks.run_legal_calendar(now=at(D(2027, 1, 22), 11).isoformat()) == {
        "planned": 0,
        "mails": 0,
        "messages": 0,
    }
    assert len(mail.outbox) == 3
    [diana] = [sent for sent in mail.outbox if sent.to == ["diana@aurelia.example"]]
    assert diana.subject == "[Comune di Aurelia] Scadenze di legge del ciclo della performance"
    assert "Adozione del Piano della performance / PIAO 2027: entro il 31/01/2027" in diana.body
    assert "mancano 9 giorni · art. 6, c. 1, D.L. 80/2021" in diana.body
    assert "/scadenze-di-legge/" in diana.body
    assert set(Message.objects.values_list("status", flat=True)) == {Message.Status.SENT}


@pytest.mark.django_db
def test_a_reminder_no_longer_true_when_its_turn_comes_is_dropped_with_the_reason(world: World) -> None:
    plan_legal_reminders(D(2027, 1, 22))
    adopt(world.aurelia, 2027, D(2027, 1, 21))  # adopted meanwhile
    LegalDeadlineYear.objects.create(
        organization=world.borgo, deadline=LegalDeadline.PIANO, year=2027, due_on=D(2027, 3, 1)
    )
    OrganizationRole.objects.filter(user=world.otto).delete()
    result = dispatch(now=at(D(2027, 1, 22)))
    assert (result.mails, result.dropped) == (0, 3)
    reasons = dict(Message.objects.values_list("recipient__username", "dropped_reason"))
    assert reasons == {
        "diana": "Il piano «PIAO-2027» è stato adottato il 21/01/2027.",
        "otto": "Il destinatario non è più direttore né componente dell'OIV dell'ente.",
        "erica": "La scadenza è stata spostata al 01/03/2027.",
    }
    assert mail.outbox == []
    # The deadline moved: its own reminders, from its own days (1 March 2027 is a Monday, 7 days before: 22 Feb).
    plan_legal_reminders(D(2027, 2, 22))
    assert ("2027-02-22", "erica", "piano:2027", "2027-03-01/7") in planned()


@pytest.mark.django_db(transaction=True)
def test_two_scans_racing_plan_each_reminder_once() -> None:
    build_world()
    for index in range(30):  # more bodies, so that the two scans overlap
        body = Organization.objects.create(slug=f"ente-{index}", name=f"Ente {index}")
        for role in (OrganizationRole.Role.DIRECTOR, OrganizationRole.Role.AUDITOR):
            person = User.objects.create_user(f"{role}-{index}", f"{role}-{index}@example.org")
            OrganizationRole.objects.create(organization=body, user=person, role=role)
    barrier, results, errors = threading.Barrier(2), [], []

    def scan() -> None:
        try:
            barrier.wait()
            results.append(len(plan_legal_reminders(D(2027, 1, 22))))
        except Exception as error:  # reported below: a thread's exception would otherwise be lost
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    expected = 3 + 30 * 2
    assert sum(results) == expected  # what one scan planned, the other did not
    assert Message.objects.filter(kind=Message.Kind.LEGAL_DEADLINE).count() == expected


def _bodies(count: int, start: int = 0) -> None:
    for index in range(start, start + count):
        body = Organization.objects.create(slug=f"ente-{index}", name=f"Ente {index}")
        for role in (OrganizationRole.Role.DIRECTOR, OrganizationRole.Role.AUDITOR):
            person = User.objects.create_user(f"{role}-{index}", f"{role}-{index}@example.org")
            OrganizationRole.objects.create(organization=body, user=person, role=role)
        adopt(body, 2026, D(2026, 1, 20))


@pytest.mark.django_db
def test_a_scan_costs_the_same_few_queries_for_two_bodies_or_forty(world: World) -> None:
    _bodies(2)
    with CaptureQueriesContext(connection) as few:
        assert len(plan_legal_reminders(D(2027, 1, 22))) == 3 + 2 * 2
    Message.objects.all().delete()
    _bodies(38, start=2)
    with CaptureQueriesContext(connection) as many:
        assert len(plan_legal_reminders(D(2027, 1, 22))) == 3 + 40 * 2
    assert len(many) == len(few) <= 9
