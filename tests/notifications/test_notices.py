"""A person's notices in the application and their mail preferences on the profile page.

In the small world, Anna has been asked to decide Sara's request (a notice sent by mail) and reminded of it
(a notice whose mail failed); a notice dropped as no longer true is not one; Diana's are Diana's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings

from notifications.models import Message, Preference
from tests.workflow.world import World
from workflow.services import item_avvia, item_concludi

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _row(world: World, **fields: object) -> Message:
    defaults: dict[str, object] = {"organization": world.aurelia, "due_on": dt.date(2026, 5, 15)}
    return Message.objects.create(**(defaults | fields))


def test_a_person_reads_their_notices_newest_first_and_new_ones_are_marked_once(
    world: World, settings: Settings
) -> None:
    settings.SITE_URL = "https://traguardi.aurelia.example"
    item_avvia(actor=world.sara, item=world.activity)
    request = item_concludi(actor=world.sara, item=world.activity, actual_end=dt.date(2026, 5, 14)).request
    Message.objects.filter(kind=Message.Kind.APPROVAL_NEEDED).update(status=Message.Status.SENT)
    target = f"request:{request.pk}"
    _row(
        world,
        kind=Message.Kind.APPROVAL_REMINDER,
        recipient=world.anna,
        target=target,
        period="area_head",
        context={"since": "2026-05-11", "waited": 4},
        status=Message.Status.FAILED,
        created_at=dt.datetime(2026, 5, 15, 11, 0, tzinfo=dt.UTC),
    )
    _row(
        world,
        kind=Message.Kind.OVERDUE,
        recipient=world.anna,
        target=f"activity:{world.second_activity.pk}",
        period="dropped",
        status=Message.Status.DROPPED,
    )
    _row(world, kind=Message.Kind.APPROVAL_REMINDER, recipient=world.diana, target=target, period="x")
    client = client_for(world.anna)
    page = client.get("/avvisi/")
    assert page.status_code == 200
    notices = page.context["notices"]
    assert [(notice.row.kind, notice.new) for notice in notices] == [
        ("approval_reminder", True),
        ("approval_needed", True),
    ]
    text = page.content.decode()
    assert "Sollecito: richieste che attendono da giorni la tua decisione" in text
    assert "la posta non è arrivata" in text
    assert f'href="https://traguardi.aurelia.example/approvazioni/#richiesta-{request.pk}"' in text
    assert "Sara chiede la conclusione: Mappatura degli sportelli" in text
    assert text.count(">Nuovo</span> ") == 2
    again = client.get("/avvisi/")
    assert [notice.new for notice in again.context["notices"]] == [False, False]
    assert Message.objects.get(recipient=world.diana).read_at is None  # Diana's are not Anna's to read


def test_nobody_sees_anyone_elses_notices(world: World) -> None:
    _row(world, kind=Message.Kind.DEADLINE, recipient=world.sara, target=f"activity:{world.activity.pk}", period="p")
    assert client_for(world.bruno).get("/avvisi/").context["notices"] == []
    assert "Nessun avviso." in client_for(world.bruno).get("/avvisi/").content.decode()
    assert client_for(world.sara).get("/avvisi/").context["notices"][0].row.recipient == world.sara
    assert Client().get("/avvisi/").status_code == 302  # to the login page


def test_the_profile_sets_the_mail_delivery_and_language(world: World) -> None:
    client = client_for(world.sara)
    assert 'value="immediate" class="form-check-input"' in client.get("/profilo/").content.decode()
    answer = client.post("/profilo/posta/", {"delivery": "daily", "language": "en"})
    assert answer.status_code == 302
    preference = Preference.objects.get(user=world.sara)
    assert (preference.delivery, preference.language) == ("daily", "en")
    refused = client.post("/profilo/posta/", {"delivery": "weekly", "language": "fr"})
    assert refused.status_code == 400
    assert "Le preferenze non sono state salvate: correggi i campi indicati." in refused.content.decode()
    assert refused.context["preference_form"].errors.keys() == {"delivery", "language"}
    preference.refresh_from_db()
    assert (preference.delivery, preference.language) == ("daily", "en")
