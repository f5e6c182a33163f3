"""The page of an activity or an objective: data, history as a timeline, transitions as forms. A transition
sent from the page goes through the workflow's service; a refusal shows why and changes nothing."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from plans.models import WorkState
from tests.web.helpers import database_state, indicator_values, set_state
from tests.web.html import page_text
from tests.workflow.world import World
from workflow.models import AuditEntry, Step, TransitionRequest
from workflow.services import item_avvia

pytestmark = pytest.mark.django_db


def logged_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def activity_url(world: World) -> str:
    return f"/attivita/{world.activity.pk}/"


def transition_url(world: World) -> str:
    return f"/attivita/{world.activity.pk}/transizioni/"


def transition_forms(response: Any) -> list[str]:
    """The values of the transitions offered on the page, one form each."""
    return re.findall(r'<input type="hidden" name="transition" value="(\w+)">', response.content.decode())


def test_the_owner_sees_the_transitions_the_workflow_allows_her(client: Client, world: World) -> None:
    response = logged_in(client, world.sara).get(activity_url(world))
    assert response.status_code == 200
    text = page_text(response)
    assert "Mappatura degli sportelli" in text and "Stato: Programmato" in text
    assert "Tempi Giugno" in text and "Scadenza prevista 30/06/2026" in text
    assert transition_forms(response) == ["avvia", "rinvia"]  # concludi needs it started; riapri is the director's
    assert "Rinvia (richiede approvazione)" in text
    assert "Avvia (richiede approvazione)" not in text  # starting an activity needs nobody's approval
    page = response.content.decode()
    assert 'name="new_planned_end"' in page and 'name="reason"' in page
    # Its only event so far: its creation, recorded by the database's trail (no workflow event yet).
    assert "Inserimento" in text and "Richiesta" not in text


def test_the_director_sees_the_same_transitions_and_the_auditor_none(client: Client, world: World) -> None:
    response = logged_in(client, world.diana).get(activity_url(world))
    assert transition_forms(response) == ["avvia", "rinvia"]
    assert "Rinvia (richiede approvazione)" in page_text(response)  # the area head's step comes first
    otto = logged_in(client, world.otto).get(activity_url(world))  # the auditor reads, and changes nothing
    assert otto.status_code == 200 and transition_forms(otto) == []
    assert "Nessun cambio di stato che tu possa chiedere ora." in page_text(otto)


def test_starting_the_activity_from_the_page_changes_its_state_and_records_the_history(
    client: Client, world: World
) -> None:
    logged_in(client, world.sara)
    response = client.post(transition_url(world), {"transition": "avvia", "comment": "Partiamo lunedì"})
    assert response.status_code == 302 and response["Location"] == activity_url(world)
    world.activity.refresh_from_db()
    assert world.activity.state == WorkState.AVVIATO
    entries = AuditEntry.objects.filter(activity=world.activity).order_by("pk")
    assert [entry.event for entry in entries][-1] == AuditEntry.Event.STATE_CHANGED
    page = client.get(activity_url(world))
    text = page_text(page)
    assert "Fatto: lo stato ora è «Avviato»." in text
    assert "Richiesta (avvio)" in text
    assert "Cambio di stato (avvio): Programmato → Avviato" in text
    assert "Sara: «Partiamo lunedì»" in text
    assert transition_forms(page) == ["concludi", "rinvia"]


def test_a_postponement_asked_by_the_owner_waits_for_approval(client: Client, world: World) -> None:
    logged_in(client, world.sara)
    response = client.post(
        transition_url(world),
        {"transition": "rinvia", "reason": "Manca il personale", "new_planned_end": "2026-09-30"},
        follow=True,
    )
    assert response.redirect_chain == [(activity_url(world), 302)]
    text = page_text(response)
    assert "Richiesta inviata: ora attende l'approvazione." in text
    assert "Richiesta di rinvio in corso, chiesta da Sara: attende responsabile d'area." in text
    assert transition_forms(response) == []  # one open request at a time
    request = TransitionRequest.objects.get(activity=world.activity)
    assert (request.status, request.current_step, request.new_planned_end) == (
        TransitionRequest.Status.PENDING,
        Step.AREA_HEAD,
        dt.date(2026, 9, 30),
    )
    world.activity.refresh_from_db()
    assert (world.activity.state, world.activity.planned_end) == (WorkState.PROGRAMMATO, dt.date(2026, 6, 30))


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        (
            {"reason": "Manca il personale", "new_planned_end": "2026-05-01"},
            "new_planned_end",
            "La nuova scadenza non può essere nel passato.",
        ),
        ({"reason": "", "new_planned_end": "2026-09-30"}, "reason", "Indica il motivo del rinvio."),
        (
            {"reason": "Manca il personale", "new_planned_end": "2026-06-15"},
            "new_planned_end",
            "La nuova scadenza deve essere successiva a quella attuale, 30/06/2026.",
        ),
        ({"reason": "Manca il personale", "new_planned_end": "31 febbraio"}, "new_planned_end", "Inserisci una data"),
    ],
)
def test_a_wrong_postponement_is_refused_with_the_field_error_and_changes_nothing(
    client: Client, world: World, data: dict[str, str], field: str, error: str
) -> None:
    logged_in(client, world.sara)
    before = database_state()
    response = client.post(transition_url(world), {"transition": "rinvia", **data})
    assert response.status_code == 400
    page = response.content.decode()
    assert error in page
    # The error sits in the rinvia form, next to its field, and what was typed is kept.
    form = page[page.index('id="azione-rinvia"') :]
    form = form[: form.index("</form>")]
    assert f'name="{field}"' in form and error in form
    assert 'value="avvia"' not in form
    assert database_state() == before


def test_a_transition_the_state_does_not_allow_is_refused_with_the_reason(client: Client, world: World) -> None:
    logged_in(client, world.sara)
    before = database_state()
    response = client.post(transition_url(world), {"transition": "concludi", "actual_end": "2026-05-10"})
    assert response.status_code == 409
    assert "Non si può chiedere la conclusione di un elemento nello stato «Programmato»." in page_text(response)
    assert database_state() == before


def test_an_unknown_transition_is_refused_with_a_message(client: Client, world: World) -> None:
    logged_in(client, world.sara)
    before = database_state()
    response = client.post(transition_url(world), {"transition": "cancella"})
    assert response.status_code == 400
    assert "Scegli un'opzione valida." in page_text(response)
    assert database_state() == before


def test_a_second_request_while_one_is_open_is_refused(client: Client, world: World) -> None:
    set_state(world.activity, WorkState.AVVIATO)
    logged_in(client, world.sara)
    client.post(transition_url(world), {"transition": "concludi", "actual_end": "2026-05-14"})
    assert TransitionRequest.objects.get(activity=world.activity).current_step == Step.AREA_HEAD
    before = database_state()
    response = client.post(transition_url(world), {"transition": "concludi", "actual_end": "2026-05-14"})
    assert response.status_code == 409
    text = page_text(response)
    assert "C'è già una richiesta aperta su questo elemento (richiesta di conclusione del 15/05/2026)" in text
    assert "Richiesta di conclusione in corso, chiesta da Sara: attende responsabile d'area." in text
    assert database_state() == before


def test_an_item_outside_ones_areas_is_not_found(client: Client, world: World) -> None:
    logged_in(client, world.tommaso)
    before = database_state()
    assert client.get(activity_url(world)).status_code == 404
    assert client.post(transition_url(world), {"transition": "avvia"}).status_code == 404
    assert client.get(f"/obiettivi/{world.objective.pk}/").status_code == 404
    assert client.post(f"/obiettivi/{world.objective.pk}/transizioni/", {"transition": "avvia"}).status_code == 404
    assert logged_in(client, world.erica).get(activity_url(world)).status_code == 404
    assert database_state() == before
    anonymous = Client().get(activity_url(world))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accedi/?next=")


def test_the_objective_page_lists_its_activities_and_indicators(client: Client, world: World) -> None:
    indicator_values(world.indicator, 2026, expected="120", actual="95")
    item_avvia(actor=world.anna, item=world.objective, comment="Si parte")
    response = logged_in(client, world.anna).get(f"/obiettivi/{world.objective.pk}/")
    assert response.status_code == 200
    text = page_text(response)
    assert "Obiettivo SOC-1: Presa in carico unica" in text
    assert "Aree Servizi sociali" in text
    assert "Mappatura degli sportelli Giugno Programmato" in text
    assert "Formazione degli operatori" in text
    assert "Utenti presi in carico n. 2026: 120 2026: 95" in text
    assert "Cambio di stato (avvio): Programmato → Avviato" in text
    page = response.content.decode()
    assert f'href="/attivita/{world.activity.pk}/"' in page and f'href="/attivita/{world.second_activity.pk}/"' in page
    # Concluding waits for its activities; postponing is offered, through the objective's own address.
    assert transition_forms(response) == ["rinvia"]
    assert f'action="/obiettivi/{world.objective.pk}/transizioni/"' in page


def test_a_transversal_objective_is_seen_by_both_heads(client: Client, world: World) -> None:
    url = f"/obiettivi/{world.transversal.pk}/"
    assert logged_in(client, world.bruno).get(url).status_code == 200
    response = logged_in(client, world.anna).get(url)
    assert "Aree Servizi sociali, Servizi tecnici" in page_text(response)


def test_staff_may_not_change_an_objectives_state(client: Client, world: World) -> None:
    logged_in(client, world.sara)
    url = f"/obiettivi/{world.objective.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and transition_forms(page) == []  # she sees it, but decides nothing on it
    before = database_state()
    response = client.post(f"{url}transizioni/", {"transition": "avvia"})
    assert response.status_code == 403
    assert "Non hai titolo per chiedere questa transizione." in page_text(response)
    assert database_state() == before
