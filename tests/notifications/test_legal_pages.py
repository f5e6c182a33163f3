"""The legal calendar where people read and set it: the iCalendar feed of the director and the OIV (all-day
events with stable UIDs), the page of the year's deadlines, and the admin where the body's director sets its
days, and nobody else does."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.urls import reverse
from icalendar import Calendar, Event
from pytest_django.fixtures import Settings

from notifications.feeds import calendar_feed_for, feed_url
from notifications.models import LegalCalendar, LegalDeadline, LegalDeadlineYear
from plans.models import Plan
from plans.models.states import PlanState
from tests.workflow.world import World

pytestmark = pytest.mark.django_db
SITE = "https://traguardi.example"


@pytest.fixture(autouse=True)
def _site_url(settings: Settings) -> None:
    settings.SITE_URL = SITE


def legal_events(client: Client, user: User) -> dict[str, Event]:
    response = client.get(urlsplit(feed_url(calendar_feed_for(user))).path)
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.events if str(event["UID"]).startswith("legal-")}


def test_the_director_s_and_the_oiv_s_feeds_carry_the_legal_deadlines_as_all_day_events(
    client: Client, world: World
) -> None:
    # Today is 15 May 2026 (tests/conftest.py): the years of the cycle 2025, 2026 and 2027, five deadlines each.
    events = legal_events(client, world.diana)
    assert len(events) == 15
    uid = f"legal-{world.aurelia.pk}-piano-2027@traguardi.example"
    piano = events[uid]
    assert piano.start == dt.date(2027, 1, 31) and piano.end == dt.date(2027, 2, 1)  # all day
    assert str(piano["SUMMARY"]) == "Scadenza di legge: Adozione del Piano della performance / PIAO 2027"
    assert "Fonte: art. 6, c. 1, D.L. 80/2021" in str(piano["DESCRIPTION"])
    assert str(piano["URL"]) == f"{SITE}/scadenze-di-legge/"
    assert len(piano.walk("VALARM")) == 1  # still to be met: an alarm
    relazione = events[f"legal-{world.aurelia.pk}-relazione-2026@traguardi.example"]
    assert relazione.start == dt.date(2027, 6, 30)
    assert set(legal_events(client, world.otto)) == set(events)  # the OIV's feed too
    assert legal_events(client, world.sara) == {}  # staff: none
    assert all(f"-{world.aurelia.pk}-" not in uid for uid in legal_events(client, world.erica))  # Borgo's only

    # Moved and met: the same UID, a new day, the reason, no alarm.
    LegalDeadlineYear.objects.create(
        organization=world.aurelia, deadline=LegalDeadline.PIANO, year=2027, due_on=dt.date(2027, 3, 1)
    )
    Plan.objects.create(
        organization=world.aurelia,
        code="PIAO-2027",
        kind=Plan.Kind.PIAO,
        title="PIAO",
        year_start=2027,
        year_end=2029,
        state=PlanState.ADOPTED,
        adopted_on=dt.date(2027, 2, 20),
    )
    piano = legal_events(client, world.diana)[uid]
    assert piano.start == dt.date(2027, 3, 1)
    assert "Adempiuta: Il piano «PIAO-2027» è stato adottato il 20/02/2027." in str(piano["DESCRIPTION"])
    assert piano.walk("VALARM") == []


def test_the_page_lists_the_deadlines_falling_in_the_year(client: Client, world: World) -> None:
    Plan.objects.filter(pk=world.plan.pk).update(state=PlanState.CLOSED, adopted_on=dt.date(2026, 1, 20))
    client.force_login(world.otto)
    response = client.get(reverse("notifications:legal-calendar"), {"anno": "2027"})
    assert response.status_code == 200
    listed = [(item.due, item.deadline, item.year, item.status) for item in response.context["deadlines"]]
    assert listed == [
        (dt.date(2027, 1, 31), "piano", 2027, "open"),
        (dt.date(2027, 6, 30), "relazione", 2026, "met"),
        (dt.date(2027, 6, 30), "validazione", 2026, "open"),
        (dt.date(2027, 6, 30), "pubblicazione", 2026, "open"),
        (dt.date(2027, 7, 31), "monitoraggio", 2027, "not_due"),
    ]
    text = response.content.decode()
    assert "Scadenze di legge del ciclo della performance nel 2027" in text
    assert "L&#x27;anno è chiuso: il piano «PEG-2026» è chiuso o validato." in text
    assert "Comune di Borgo" not in text

    wrong = client.get(reverse("notifications:legal-calendar"), {"anno": "duemila"})
    assert wrong.status_code == 400
    assert "«duemila» non è un anno tra il 2000 e il 2100: è mostrato il 2026." in wrong.content.decode()


def test_the_page_is_refused_to_who_neither_directs_nor_audits(client: Client, world: World) -> None:
    client.force_login(world.anna)
    response = client.get(reverse("notifications:legal-calendar"))
    assert response.status_code == 403
    assert "è del direttore e dell&#x27;OIV" in response.content.decode()
    assert 'href="/le-mie-attivita/"' in response.content.decode()


def _staff(user: User) -> Client:
    group, _created = Group.objects.get_or_create(name="Ufficio informatico")
    group.permissions.set(Permission.objects.filter(content_type__app_label="notifications"))
    user.is_staff = True
    user.save()
    user.groups.add(group)
    client = Client()
    client.force_login(user)
    return client


def test_the_director_sets_the_body_s_days_in_the_admin_and_the_oiv_does_not(world: World) -> None:
    diana = _staff(world.diana)
    add = reverse("admin:notifications_legalcalendar_add")
    payload = {
        "organization": world.aurelia.pk,
        "piano_due": "01-31",
        "monitoraggio_due": "09-30",
        "relazione_due": "06-30",
        "validazione_due": "06-30",
        "pubblicazione_due": "07-15",
        "lead_days": "30,7,1",
    }
    bad = diana.post(add, {**payload, "monitoraggio_due": "31-09", "lead_days": "trenta"})
    assert bad.status_code == 200
    errors = bad.context["adminform"].form.errors
    assert errors["monitoraggio_due"] == ["Scrivi il giorno nel formato MM-GG, ad esempio 06-30."]
    assert errors["lead_days"] == ["Scrivi i giorni di preavviso come numeri separati da virgole, ad esempio 30,7,1."]
    assert diana.post(add, payload).status_code == 302
    assert LegalCalendar.objects.get(organization=world.aurelia).monitoraggio_due == "09-30"

    otto = _staff(world.otto)
    listing = otto.get(reverse("admin:notifications_legalcalendar_changelist"))
    assert list(listing.context["cl"].result_list) == []
    calendar = LegalCalendar.objects.get(organization=world.aurelia)
    change = reverse("admin:notifications_legalcalendar_change", args=[calendar.pk])
    assert otto.post(change, {**payload, "monitoraggio_due": "12-31"}).status_code == 404
    assert LegalCalendar.objects.get(pk=calendar.pk).monitoraggio_due == "09-30"
