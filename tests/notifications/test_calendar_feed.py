"""The private calendar of deadlines: what a person's calendar program reads at their secret address, and
what stops it from reading (a renewed link, an unknown one, a deactivated person)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar, Event
from pytest_django.fixtures import Settings

from notifications.feeds import calendar_feed_for, calendar_feed_rotate, feed_url
from plans.models import Activity, Objective, Plan, WorkState
from tests.workflow.world import World
from workflow.models import AuditEntry
from workflow.services import item_avvia

pytestmark = pytest.mark.django_db
SITE = "https://traguardi.example"


@pytest.fixture(autouse=True)
def _site_url(settings: Settings) -> None:
    settings.SITE_URL = SITE


def feed_path(user: User) -> str:
    return urlsplit(feed_url(calendar_feed_for(user))).path


def fetch(client: Client, user: User, **headers: str) -> Any:
    response = client.get(feed_path(user), headers=headers)
    assert response.status_code == 200, response.content
    return response


def events_of(client: Client, user: User) -> dict[str, Event]:
    calendar = Calendar.from_ical(fetch(client, user).content)
    return {str(event["UID"]): event for event in calendar.events}


def set_state(item: Activity | Objective, state: WorkState) -> None:
    # The state field is protected: tests that only need an item in a state write the column directly.
    type(item).objects.filter(pk=item.pk).update(state=state)


def add_activities(world: World, owner: User, *, start: int = 0, count: int) -> None:
    Activity.objects.bulk_create(
        Activity(
            objective=world.objective,
            position=10 + index,
            description=f"Attività {index}",
            planned_end=dt.date(2026, 7, 1) + dt.timedelta(days=index),
            owner=owner,
        )
        for index in range(start, start + count)
    )


def events_at(client: Client, path: str) -> list[Event]:
    response = client.get(path)
    assert response.status_code == 200
    return list(Calendar.from_ical(response.content).events)


def test_the_feed_address_is_absolute_and_stays_the_same(world: World) -> None:
    feed = calendar_feed_for(world.sara)
    assert calendar_feed_for(world.sara) == feed
    assert feed_url(feed) == f"{SITE}/calendario/{feed.token}.ics"
    assert feed_url(feed) == SITE + reverse("notifications:calendar-feed", kwargs={"token": feed.token})


def test_a_person_reads_their_activity_deadline_as_an_all_day_event(client: Client, world: World) -> None:
    response = fetch(client, world.sara)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="traguardi.ics"'
    assert response["Cache-Control"] == "private, max-age=900"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["PRODID"]) == "-//Traguardi//Scadenze//IT"
    assert str(calendar["X-WR-CALNAME"]) == "Traguardi – scadenze di Sara"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in response.content

    [event] = calendar.events
    assert str(event["UID"]) == f"activity-{world.activity.pk}@traguardi.example"
    assert event.start == dt.date(2026, 6, 30)
    assert event.end == dt.date(2026, 7, 1)
    assert str(event["SUMMARY"]) == "Scadenza: Mappatura degli sportelli"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]) == f"{SITE}/attivita/{world.activity.pk}/"
    description = str(event["DESCRIPTION"])
    for line in (
        "Attività: Mappatura degli sportelli",
        "Obiettivo: SOC-1 – Presa in carico unica",
        "Piano: PEG-2026 – PEG 2026",
        "Ente: Comune di Aurelia",
        "Stato: Programmato",
        f"Scheda: {SITE}/attivita/{world.activity.pk}/",
    ):
        assert line in description.splitlines()
    [alarm] = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == -dt.timedelta(days=3)


def test_only_the_persons_own_deadlines_are_in_their_feed(client: Client, world: World) -> None:
    Activity.objects.create(objective=world.objective, position=3, description="Senza data", owner=world.sara)
    Activity.objects.create(
        objective=world.objective,
        position=4,
        description="Di Tommaso",
        planned_end=dt.date(2026, 8, 1),
        owner=world.tommaso,
    )
    assert list(events_of(client, world.sara)) == [f"activity-{world.activity.pk}@traguardi.example"]
    # Anna owns objective SOC-1, not the activities under it (one of which has no owner at all).
    assert list(events_of(client, world.anna)) == [f"objective-{world.objective.pk}@traguardi.example"]
    assert events_of(client, world.bruno) == {}


def test_an_owned_objective_links_to_its_own_page(client: Client, world: World) -> None:
    event = events_of(client, world.anna)[f"objective-{world.objective.pk}@traguardi.example"]
    assert event.start == dt.date(2026, 12, 31)
    assert str(event["SUMMARY"]) == "Scadenza: SOC-1 – Presa in carico unica"
    assert str(event["URL"]) == f"{SITE}/obiettivi/{world.objective.pk}/"
    assert "Attività:" not in str(event["DESCRIPTION"])


def test_deadlines_come_from_every_organization(client: Client, world: World) -> None:
    plan = Plan.objects.create(
        organization=world.borgo, code="PEG-2026", kind=Plan.Kind.PEG, title="PEG Borgo", year_start=2026, year_end=2026
    )
    objective = Objective.objects.create(plan=plan, code="AMM-1", title="Archivio", owner=world.sara)
    Activity.objects.create(
        objective=objective,
        position=1,
        description="Scarto d'archivio",
        planned_end=dt.date(2026, 6, 1),
        owner=world.sara,
    )
    events = list(events_of(client, world.sara).values())
    assert [str(event["SUMMARY"]) for event in events] == [
        "Scadenza: Scarto d'archivio",
        "Scadenza: Mappatura degli sportelli",
    ]
    assert "Ente: Comune di Borgo" in str(events[0]["DESCRIPTION"])


def test_a_long_description_is_cut_in_the_summary_but_whole_in_the_text(client: Client, world: World) -> None:
    long = "Ricognizione " + "degli sportelli comunali " * 10
    Activity.objects.filter(pk=world.activity.pk).update(description=long)
    [event] = events_of(client, world.sara).values()
    summary = str(event["SUMMARY"])
    assert summary.startswith("Scadenza: Ricognizione degli sportelli")
    assert summary.endswith("…")
    assert len(summary) <= len("Scadenza: ") + 120
    assert f"Attività: {long.strip()}" in str(event["DESCRIPTION"])


def test_postponed_work_stays_confirmed_and_says_its_state(client: Client, world: World) -> None:
    set_state(world.activity, WorkState.RINVIATO)
    [event] = events_of(client, world.sara).values()
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "Stato: Rinviato" in str(event["DESCRIPTION"]).splitlines()
    assert len(event.walk("VALARM")) == 1


def test_concluded_work_keeps_its_deadline_without_a_reminder(client: Client, world: World) -> None:
    set_state(world.activity, WorkState.CONCLUSO)
    [event] = events_of(client, world.sara).values()
    assert "Stato: Concluso" in str(event["DESCRIPTION"]).splitlines()
    assert event.walk("VALARM") == []


def test_the_last_event_of_the_audit_trail_dates_the_deadline(client: Client, world: World) -> None:
    [event] = events_of(client, world.sara).values()
    assert "LAST-MODIFIED" not in event  # nothing happened to it yet: stamped with the feed's creation
    assert event.stamp == dt.datetime(2026, 5, 15, 8, 0, tzinfo=dt.UTC)

    with time_machine.travel(dt.datetime(2026, 5, 20, 9, 30, tzinfo=ZoneInfo("Europe/Rome")), tick=False):
        item_avvia(actor=world.sara, item=world.activity)
    # The trail's time is the database's own (its clock is not frozen): the feed dates the event by it.
    changed = AuditEntry.objects.filter(activity=world.activity).latest("at").at.replace(microsecond=0)
    [event] = events_of(client, world.sara).values()
    assert event.last_modified == changed
    assert event.stamp == changed


def test_a_renewed_link_replaces_the_old_one(client: Client, world: World) -> None:
    old_path = feed_path(world.sara)
    feed = calendar_feed_rotate(actor=world.sara)
    assert client.get(old_path).status_code == 404
    assert client.get(urlsplit(feed_url(feed)).path).status_code == 200
    assert feed_path(world.sara) != old_path


def test_an_unknown_link_says_how_to_get_the_new_one(client: Client, world: World) -> None:
    response = client.get(reverse("notifications:calendar-feed", kwargs={"token": "non-esiste"}))
    assert response.status_code == 404
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "non è valido" in text
    assert "rinnovato" in text
    assert "«Profilo»" in text


def test_a_deactivated_persons_link_stops_working(client: Client, world: World) -> None:
    path = feed_path(world.sara)
    User.objects.filter(pk=world.sara.pk).update(is_active=False)
    assert client.get(path).status_code == 404


def test_an_unchanged_feed_is_not_sent_again(client: Client, world: World) -> None:
    etag = fetch(client, world.sara)["ETag"]
    not_modified = client.get(feed_path(world.sara), headers={"if-none-match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag
    assert not_modified["Cache-Control"] == "private, max-age=900"

    Activity.objects.filter(pk=world.activity.pk).update(planned_end=dt.date(2026, 7, 15))
    changed = fetch(client, world.sara, **{"if-none-match": etag})
    assert changed["ETag"] != etag


def test_the_feed_is_read_only(client: Client, world: World) -> None:
    assert client.post(feed_path(world.sara)).status_code == 405


def test_the_number_of_queries_does_not_grow_with_the_deadlines(client: Client, world: World) -> None:
    path = feed_path(world.sara)
    add_activities(world, world.sara, count=1)
    with CaptureQueriesContext(connection) as few:
        assert len(events_at(client, path)) == 2
    add_activities(world, world.sara, start=1, count=28)
    with CaptureQueriesContext(connection) as many:
        assert len(events_at(client, path)) == 30
    # The feed, the activities, the objectives, and the bodies whose legal calendar the person would see (a
    # director or OIV: notifications.legal_calendar).
    assert len(many) == len(few) == 4
