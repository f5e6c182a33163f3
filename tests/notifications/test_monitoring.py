"""Monthly monitoring: one request per person on the first working day, reminders, the list for the area
head, missed months after downtime, and the one-click answer link."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import signing
from django.test import Client

from notifications.links import AnswerClaim, answer_token
from notifications.models import Message, MonitoringAnswer, MonitoringRound
from notifications.monitoring import plan_monitoring
from plans.models import Activity, WorkState
from tests.workflow.world import World
from workflow.models import TransitionRequest
from workflow.services import item_avvia

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


def requests_planned() -> list[tuple[str, str, str, str]]:
    rows = Message.objects.order_by("due_on", "kind", "recipient__username")
    return [(row.due_on.isoformat(), row.kind, row.recipient.username, row.period) for row in rows]


def run(start: dt.date, end: dt.date) -> None:
    day = start
    while day <= end:
        with time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, tzinfo=ROME), tick=False):
            plan_monitoring(day)
            plan_monitoring(day)
            Message.objects.filter(kind=Message.Kind.MONITORING).update(status=Message.Status.SENT)
        day += dt.timedelta(days=1)


def test_one_request_per_person_on_the_first_working_day_then_follow_ups(world: World) -> None:
    Activity.objects.filter(pk=world.second_activity.pk).update(owner=world.sara)
    MonitoringRound.objects.create(
        organization=world.aurelia, month=dt.date(2026, 5, 1), planned_on=dt.date(2026, 5, 4)
    )
    run(dt.date(2026, 5, 29), dt.date(2026, 6, 12))
    assert requests_planned() == [
        ("2026-06-01", "monitoring", "sara", "2026-06"),  # 1 June is a Monday; 2 June is a holiday
        ("2026-06-05", "monitoring_reminder", "sara", "2026-06"),  # 3 working days later: 3, 4, 5 June
        ("2026-06-10", "monitoring_missing", "anna", "2026-06"),  # 6 working days later
    ]
    request = Message.objects.get(kind="monitoring")
    assert request.context["activities"] == [world.activity.pk, world.second_activity.pk]
    assert Message.objects.get(kind="monitoring_missing").context["missing"] == {
        str(world.sara.pk): [world.activity.pk, world.second_activity.pk]
    }


def test_answering_everything_stops_the_follow_ups(world: World) -> None:
    MonitoringRound.objects.create(
        organization=world.aurelia, month=dt.date(2026, 5, 1), planned_on=dt.date(2026, 5, 4)
    )
    run(dt.date(2026, 6, 1), dt.date(2026, 6, 1))
    monitoring_round = MonitoringRound.objects.get(organization=world.aurelia, month=dt.date(2026, 6, 1))
    MonitoringAnswer.objects.create(
        round=monitoring_round, activity=world.activity, respondent=world.sara, state="avviato", progress=30
    )
    run(dt.date(2026, 6, 2), dt.date(2026, 6, 12))
    assert [row[1] for row in requests_planned()] == ["monitoring"]


def test_months_missed_while_down_are_planned_once_after_restart(world: World) -> None:
    MonitoringRound.objects.create(
        organization=world.aurelia, month=dt.date(2026, 5, 1), planned_on=dt.date(2026, 5, 4)
    )
    run(dt.date(2026, 7, 15), dt.date(2026, 7, 16))  # down from 29 May to 14 July
    assert [row[3] for row in requests_planned() if row[1] == "monitoring"] == ["2026-06", "2026-07"]
    assert MonitoringRound.objects.filter(organization=world.aurelia).count() == 3


def test_a_new_organization_starts_with_the_current_month_only(world: World) -> None:
    run(dt.date(2026, 6, 10), dt.date(2026, 6, 10))
    assert [row[3] for row in requests_planned()] == ["2026-06"]


def answer_link(world: World) -> str:
    monitoring_round = MonitoringRound.objects.create(
        organization=world.aurelia, month=dt.date(2026, 5, 1), planned_on=dt.date(2026, 5, 4)
    )
    return f"/monitoraggio/{answer_token(AnswerClaim(monitoring_round.pk, world.activity.pk, world.sara.pk))}/"


def test_a_valid_link_records_the_answer_and_asks_for_the_transition(world: World) -> None:
    item_avvia(actor=world.sara, item=world.activity)
    link = answer_link(world)
    client = Client()
    page = client.get(link)
    assert page.status_code == 200
    assert "Mappatura degli sportelli" in page.content.decode()
    done = client.post(link, {"state": "concluso", "progress": "100", "note": "Fatto", "actual_end": "2026-05-14"})
    assert done.status_code == 200
    assert "attende l'approvazione" in done.content.decode()
    answer = MonitoringAnswer.objects.get()
    assert (answer.state, answer.progress, answer.respondent) == (WorkState.CONCLUSO, 100, world.sara)
    pending = TransitionRequest.objects.get(status="pending")
    assert (pending.transition, pending.requested_by, pending.actual_end) == (
        "concludi",
        world.sara,
        dt.date(2026, 5, 14),
    )


def test_a_reused_link_is_refused_with_a_clear_page(world: World) -> None:
    link = answer_link(world)
    client = Client()
    client.post(link, {"state": "avviato", "progress": "20"})
    again = client.post(link, {"state": "avviato", "progress": "40"})
    assert again.status_code == 409
    assert "già stata data una risposta" in again.content.decode()
    assert client.get(link).status_code == 409
    assert MonitoringAnswer.objects.get().progress == 20


def test_a_tampered_link_is_refused(world: World) -> None:
    link = answer_link(world)
    tampered = link.replace("/monitoraggio/", "/monitoraggio/x")
    page = Client().get(tampered)
    assert page.status_code == 400
    assert "non è valido" in page.content.decode()
    forged = signing.dumps([1, world.activity.pk, world.diana.pk], salt="another-salt")
    assert Client().get(f"/monitoraggio/{forged}/").status_code == 400


def test_an_expired_link_is_refused(world: World) -> None:
    link = answer_link(world)
    with time_machine.travel(dt.datetime(2026, 6, 30, 9, tzinfo=ROME), tick=False):
        page = Client().post(link, {"state": "avviato", "progress": "20"})
    assert page.status_code == 410
    assert "scaduto" in page.content.decode()
    assert not MonitoringAnswer.objects.exists()


def test_bad_answers_are_shown_back_and_change_nothing(world: World) -> None:
    link = answer_link(world)
    page = Client().post(link, {"state": "concluso", "progress": "140", "actual_end": "2027-01-01"})
    assert page.status_code == 400
    assert "non è stata registrata" in page.content.decode()
    assert not MonitoringAnswer.objects.exists()


def test_answers_are_visible_in_the_api_to_those_who_see_the_activity(world: World) -> None:
    from rest_framework.test import APIClient

    Client().post(answer_link(world), {"state": "avviato", "progress": "35", "note": "In corso"})
    for user, expected in ((world.anna, 1), (world.otto, 1), (world.sara, 1), (world.bruno, 0), (world.erica, 0)):
        client = APIClient()
        client.force_authenticate(user)
        body = client.get("/api/monitoring-answers/", {"activity": world.activity.pk}).json()
        assert body["count"] == expected, user.username
    client = APIClient()
    client.force_authenticate(world.anna)
    [row] = client.get("/api/monitoring-answers/").json()["results"]
    assert (row["progress"], row["note"], row["respondent"]["username"], row["month"]) == (
        35,
        "In corso",
        "sara",
        "2026-05-01",
    )
