"""My activities (/le-mie-attivita/): the monthly update given from inside the application, once a month,
the same answer as the one-click link of the monthly mail."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from notifications.models import MonitoringAnswer, MonitoringRound
from plans.models import WorkState
from tests.web.helpers import database_state
from tests.web.html import page_text
from tests.workflow.world import World
from workflow.models import TransitionRequest

pytestmark = pytest.mark.django_db
PAGE = "/le-mie-attivita/"


def logged_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def update_url(world: World) -> str:
    return f"/attivita/{world.activity.pk}/aggiornamento/"


def answer(world: World, **fields: str) -> dict[str, str]:
    values = {"state": "programmato", "progress": "20", "note": "Raccolti i dati di tre sportelli", "actual_end": ""}
    return {f"a{world.activity.pk}-{name}": value for name, value in (values | fields).items()}


def test_the_owner_sees_her_activity_with_the_update_form(client: Client, world: World) -> None:
    response = logged_in(client, world.sara).get(PAGE)
    assert response.status_code == 200
    text = page_text(response)
    assert "Mappatura degli sportelli" in text and "PEG-2026 · Obiettivo SOC-1 · Programmato" in text
    assert "Aggiornamento mensile di maggio 2026" in text
    page = response.content.decode()
    assert f'action="{update_url(world)}"' in page
    for name in ("state", "progress", "note", "actual_end"):
        assert f'name="a{world.activity.pk}-{name}"' in page
    assert "Formazione degli operatori" not in text  # owned by nobody
    assert not MonitoringRound.objects.exists()  # reading the page plans nothing; the first answer will


def test_a_valid_update_is_stored_once_and_the_page_then_says_it_was_sent(client: Client, world: World) -> None:
    logged_in(client, world.sara).get(PAGE)
    response = client.post(update_url(world), answer(world))
    assert response.status_code == 302 and response["Location"] == PAGE
    stored = MonitoringAnswer.objects.get()
    assert stored.round.month.isoformat() == "2026-05-01"
    assert (stored.activity, stored.respondent, stored.state, stored.progress, stored.note) == (
        world.activity,
        world.sara,
        WorkState.PROGRAMMATO,
        20,
        "Raccolti i dati di tre sportelli",
    )
    page = client.get(PAGE)
    text = page_text(page)
    assert "Aggiornamento registrato: SOC-1 · 1. Mappatura degli sportelli." in text
    assert "Aggiornamento di maggio 2026 già inviato." in text
    assert f'action="{update_url(world)}"' not in page.content.decode()


def test_a_second_update_in_the_same_month_is_refused(client: Client, world: World) -> None:
    logged_in(client, world.sara).post(update_url(world), answer(world))
    before = database_state()
    response = client.post(update_url(world), answer(world, progress="40"), follow=True)
    assert response.redirect_chain == [(PAGE, 302)]
    assert "Hai già aggiornato questa attività per questo mese." in page_text(response)
    assert MonitoringAnswer.objects.get().progress == 20
    assert database_state() == before


def test_saying_the_work_started_starts_the_activity(client: Client, world: World) -> None:
    logged_in(client, world.sara)
    response = client.post(update_url(world), answer(world, state="avviato"), follow=True)
    assert "Aggiornamento registrato" in page_text(response)
    world.activity.refresh_from_db()
    assert world.activity.state == WorkState.AVVIATO  # starting needs no approval
    assert TransitionRequest.objects.get(activity=world.activity).requested_by == world.sara


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"progress": "150"}, "Assicurati che questo valore sia minore o uguale a 100."),
        ({"progress": ""}, "Avanzamento (%) Campo obbligatorio."),
        ({"state": "concluso", "progress": "60"}, "Un'attività conclusa è al 100%"),
        ({"actual_end": "2026-06-01"}, "La data di conclusione non può essere nel futuro."),
    ],
)
def test_a_wrong_update_is_refused_with_the_error_and_stores_nothing(
    client: Client, world: World, fields: dict[str, str], error: str
) -> None:
    logged_in(client, world.sara).get(PAGE)
    before = database_state()
    response = client.post(update_url(world), answer(world, **fields))
    assert response.status_code == 400
    text = page_text(response)
    assert "L'aggiornamento non è stato registrato: correggi i campi indicati." in text
    assert error in text
    assert database_state() == before


def test_another_persons_activity_cannot_be_updated(client: Client, world: World) -> None:
    logged_in(client, world.sara).get(PAGE)
    before = database_state()
    for intruder in (world.tommaso, world.anna, world.diana):
        response = logged_in(client, intruder).post(update_url(world), answer(world))
        assert response.status_code == 404
    assert database_state() == before
    assert logged_in(client, world.tommaso).get(update_url(world)).status_code == 405


def test_someone_without_activities_is_told_so(client: Client, world: World) -> None:
    response = logged_in(client, world.tommaso).get(PAGE)
    assert response.status_code == 200
    assert "Non hai attività assegnate." in page_text(response)
