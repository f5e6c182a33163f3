"""Requests that wait: the scan's reminders and escalations, the body's timings, the send-time checks, the mails
and where the requester sees the request wait. The scan is called with its day; test_approval_reminders_worker.py
runs it end to end on real workers.

The small world's request: on Friday 15 May 2026 Sara asks to conclude her activity; Anna (head of the social
area) decides it. The installation reminds after 3 working days and escalates after 5.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.core import mail
from django.test import Client
from pytest_django.fixtures import Settings

from notifications.approvals import plan_approval_reminders, waiting_of
from notifications.dispatch import dispatch
from notifications.models import BodySettings, Message
from plans.models import Area, Organization
from tests.workflow.world import World
from workflow.models import TransitionRequest
from workflow.services import approval_approve, item_avvia, item_concludi, item_rinvia

pytestmark = pytest.mark.django_db

ROME = dt.timezone(dt.timedelta(hours=2))  # CEST, the whole of May and June


@pytest.fixture(autouse=True)
def memory_mail(settings: Settings) -> None:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


@pytest.fixture
def asked(world: World) -> TransitionRequest:
    """Sara's request, made on Friday 15 May 2026 (the world's frozen day)."""
    item_avvia(actor=world.sara, item=world.activity)
    return item_concludi(actor=world.sara, item=world.activity, actual_end=dt.date(2026, 5, 14)).request


def days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    while first <= last:
        yield first
        first += dt.timedelta(days=1)


def planned_by_day(first: dt.date, last: dt.date) -> list[tuple[dt.date, str, str]]:
    """Run the scan on every day from `first` to `last` (twice each); what each day planned."""
    planned = []
    for day in days(first, last):
        before = set(Message.objects.values_list("pk", flat=True))
        plan_approval_reminders(day)
        assert plan_approval_reminders(day) == 0  # a second run plans nothing
        new = Message.objects.exclude(pk__in=before).select_related("recipient")
        planned += sorted((day, row.kind, row.recipient.username) for row in new)
    return planned


def test_the_decider_is_reminded_then_the_director_told_once(asked: TransitionRequest) -> None:
    assert planned_by_day(dt.date(2026, 5, 15), dt.date(2026, 6, 5)) == [
        (dt.date(2026, 5, 20), "approval_reminder", "anna"),  # Mon 18, Tue 19, Wed 20: 3 working days
        (dt.date(2026, 5, 22), "approval_escalation", "diana"),  # 5 working days
    ]
    reminder = Message.objects.get(kind="approval_reminder")
    assert (reminder.target, reminder.period) == (f"request:{asked.pk}", "area_head")
    assert reminder.context == {"since": "2026-05-15", "waited": 3}


def test_the_body_sets_its_own_days_and_its_patron_saint_holds_them(world: World, asked: TransitionRequest) -> None:
    BodySettings.objects.create(organization=world.aurelia, approval_reminder_after=1, approval_escalation_after=2)
    Organization.objects.filter(pk=world.aurelia.pk).update(patron_saint_day="05-18")
    assert planned_by_day(dt.date(2026, 5, 15), dt.date(2026, 5, 29)) == [
        # Monday 18 is the patron saint's: nothing that day, and it does not count.
        (dt.date(2026, 5, 19), "approval_reminder", "anna"),
        (dt.date(2026, 5, 20), "approval_escalation", "diana"),
    ]


def test_nothing_is_planned_on_a_national_holiday(world: World) -> None:
    """Tuesday 2 June is the Festa della Repubblica: a reminder falling due then waits for Wednesday."""
    with time_machine.travel(dt.datetime(2026, 5, 28, 10, 0, tzinfo=ROME), tick=False):
        item_avvia(actor=world.sara, item=world.activity)
        item_concludi(actor=world.sara, item=world.activity, actual_end=dt.date(2026, 5, 27))
    assert planned_by_day(dt.date(2026, 5, 28), dt.date(2026, 6, 10)) == [
        (dt.date(2026, 6, 3), "approval_reminder", "anna"),  # Fri 29, Mon 1, (Tue 2), Wed 3
        (dt.date(2026, 6, 5), "approval_escalation", "diana"),
    ]


def test_the_directors_step_counts_from_the_area_heads_decision_and_has_no_level_above(world: World) -> None:
    request = item_rinvia(
        actor=world.sara, item=world.activity, reason="Sportelli chiusi", new_planned_end=dt.date(2026, 9, 30)
    ).request
    with time_machine.travel(dt.datetime(2026, 5, 19, 11, 0, tzinfo=ROME), tick=False):
        approval_approve(actor=world.anna, request=request)
    assert planned_by_day(dt.date(2026, 5, 15), dt.date(2026, 6, 5)) == [
        (dt.date(2026, 5, 22), "approval_reminder", "diana"),  # Wed 20, Thu 21, Fri 22 after Anna's Tuesday
    ]
    assert Message.objects.get(kind="approval_reminder").period == "director"


def test_a_reminder_whose_step_was_decided_is_dropped_not_sent(world: World, asked: TransitionRequest) -> None:
    plan_approval_reminders(dt.date(2026, 5, 20))
    with time_machine.travel(dt.datetime(2026, 5, 20, 8, 0, tzinfo=ROME), tick=False):
        approval_approve(actor=world.anna, request=asked)
    mail.outbox.clear()
    dispatch(now=dt.datetime(2026, 5, 20, 9, 0, tzinfo=ROME))
    reminder = Message.objects.get(kind="approval_reminder")
    assert reminder.status == Message.Status.DROPPED
    assert reminder.dropped_reason.startswith("La richiesta è già stata decisa il 20/05/2026")
    assert not [sent for sent in mail.outbox if "Sollecito" in sent.subject]


def test_the_reminder_and_the_escalation_say_since_when_and_link_the_request(
    world: World, asked: TransitionRequest, settings: Settings
) -> None:
    settings.SITE_URL = "https://traguardi.aurelia.example"
    dispatch(now=dt.datetime(2026, 5, 15, 11, 0, tzinfo=ROME))  # the request's own notice, sent when it was made
    mail.outbox.clear()
    plan_approval_reminders(dt.date(2026, 5, 22))
    dispatch(now=dt.datetime(2026, 5, 22, 9, 0, tzinfo=ROME))
    by_person = {sent.to[0]: sent for sent in mail.outbox}
    to_anna, to_diana = by_person["anna@aurelia.example"], by_person["diana@aurelia.example"]
    assert to_anna.subject == "[Comune di Aurelia] Sollecito: richieste che attendono da giorni la tua decisione"
    assert "Sara chiede la conclusione: Mappatura degli sportelli" in to_anna.body
    assert "in attesa dal 15/05/2026 (5 giorni lavorativi)" in to_anna.body
    assert f"https://traguardi.aurelia.example/approvazioni/#richiesta-{asked.pk}" in to_anna.body
    assert to_diana.subject == "[Comune di Aurelia] Richieste ferme presso i responsabili d'area"
    assert "attende il responsabile d'area · in attesa dal 15/05/2026 (5 giorni lavorativi)" in to_diana.body


def test_the_escalation_is_dropped_for_someone_who_no_longer_directs_the_body(
    world: World, asked: TransitionRequest
) -> None:
    plan_approval_reminders(dt.date(2026, 5, 22))
    world.aurelia.roles.filter(user=world.diana).delete()
    dispatch(now=dt.datetime(2026, 5, 22, 9, 0, tzinfo=ROME))
    escalation = Message.objects.get(kind="approval_escalation")
    assert (escalation.status, escalation.dropped_reason) == (
        Message.Status.DROPPED,
        "Il destinatario non è più direttore dell'ente.",
    )


def test_the_requester_sees_whom_the_request_waits_for_and_since_when(world: World, asked: TransitionRequest) -> None:
    plan_approval_reminders(dt.date(2026, 5, 22))
    with time_machine.travel(dt.datetime(2026, 5, 22, 9, 0, tzinfo=ROME), tick=False):
        dispatch()
        waiting = waiting_of(asked)
        assert waiting is not None
        assert [person.username for person in waiting.deciders] == ["anna"]
        assert (waiting.since, waiting.working_days) == (dt.date(2026, 5, 15), 5)
        assert (waiting.reminded_on, waiting.escalated_on) == (dt.date(2026, 5, 22), dt.date(2026, 5, 22))
        assert [person.username for person in waiting.escalated_to] == ["diana"]
        client = Client()
        client.force_login(world.sara)
        page = client.get(f"/attivita/{world.activity.pk}/").content.decode()
    assert "Decide: Anna." in page
    assert "In attesa dal 15/05/2026, da 5 giorni lavorativi." in page
    assert "Sollecito inviato a chi decide il 22/05/2026." in page
    assert "Segnalata al livello superiore il 22/05/2026: Diana." in page


def test_a_decided_request_waits_for_nobody(world: World, asked: TransitionRequest) -> None:
    approval_approve(actor=world.anna, request=asked)
    asked.refresh_from_db()
    assert waiting_of(asked) is None


def test_a_director_who_decides_the_step_is_reminded_not_escalated_to(world: World) -> None:
    """The social area has no head today: the director decides its area-head step, and gets its reminder only."""
    Area.objects.filter(pk=world.social.pk).update(head=None)
    item_avvia(actor=world.sara, item=world.activity)
    item_concludi(actor=world.sara, item=world.activity, actual_end=dt.date(2026, 5, 14))
    assert planned_by_day(dt.date(2026, 5, 15), dt.date(2026, 5, 29)) == [
        (dt.date(2026, 5, 20), "approval_reminder", "diana"),
    ]


def test_an_escalation_to_a_director_who_now_decides_the_step_is_dropped(
    world: World, asked: TransitionRequest
) -> None:
    plan_approval_reminders(dt.date(2026, 5, 22))
    Area.objects.filter(pk=world.social.pk).update(head=None)  # the director decides the step from now on
    dispatch(now=dt.datetime(2026, 5, 22, 9, 0, tzinfo=ROME))
    escalation = Message.objects.get(kind="approval_escalation")
    assert (escalation.status, escalation.dropped_reason) == (
        Message.Status.DROPPED,
        "Il destinatario decide ora questo passo: ne riceve il sollecito, non la segnalazione.",
    )


def test_a_patron_day_written_wrong_in_the_database_breaks_no_page(world: World, asked: TransitionRequest) -> None:
    Organization.objects.filter(pk=world.aurelia.pk).update(patron_saint_day="24/06")
    client = Client()
    client.force_login(world.sara)
    assert client.get(f"/attivita/{world.activity.pk}/").status_code == 200
    assert plan_approval_reminders(dt.date(2026, 5, 20)) == 1
