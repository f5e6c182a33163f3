"""The approvals inbox (/approvazioni/): a head sees the requests of her areas and decides them there, with
or without htmx; a reject needs a comment; nobody else can decide for her.

Sara asks to postpone her activity: the default chain is area head (Anna), then director (Diana)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from plans.models import Activity, WorkState
from tests.web.helpers import database_state
from tests.web.html import page_text, squash
from tests.workflow.world import World
from workflow.models import Approval, AreaHeadSubstitutes, SeparationPolicy, Step, TransitionRequest
from workflow.services import delegation_create, item_rinvia

pytestmark = pytest.mark.django_db
INBOX = "/approvazioni/"
NEW_END = dt.date(2026, 9, 15)


@pytest.fixture
def pending(world: World) -> TransitionRequest:
    outcome = item_rinvia(
        actor=world.sara, item=world.activity, reason="Il fornitore ha consegnato in ritardo", new_planned_end=NEW_END
    )
    assert outcome.request.current_step == Step.AREA_HEAD
    return outcome.request


def logged_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def decide_url(request: TransitionRequest) -> str:
    return f"/approvazioni/{request.pk}/decisione/"


def decision(request: TransitionRequest, choice: str, comment: str = "") -> dict[str, str]:
    return {f"r{request.pk}-decision": choice, f"r{request.pk}-comment": comment}


def menu_entry(html: str, href: str) -> str:
    """The words of the menu link to `href`, badge included."""
    found = re.search(rf'<nav\b.*?href="{re.escape(href)}"[^>]*>(.*?)</a>', html, re.S)
    assert found is not None, href
    return squash(re.sub(r"<[^>]+>", " ", found.group(1)))


def test_the_head_sees_the_pending_request_of_her_staff(
    client: Client, world: World, pending: TransitionRequest
) -> None:
    response = logged_in(client, world.anna).get(INBOX)
    assert response.status_code == 200
    text = page_text(response)
    assert "1 richiesta attende la tua decisione." in text
    assert "Richiesta di rinvio: Mappatura degli sportelli" in text
    assert "Il fornitore ha consegnato in ritardo" in text and "15/09/2026" in text
    assert "Richiesta da Sara" in text and "In attesa di responsabile d'area" in text
    page = response.content.decode()
    assert f'id="richiesta-{pending.pk}"' in page
    assert f'name="r{pending.pk}-decision" value="approve"' in page
    assert f'name="r{pending.pk}-decision" value="reject"' in page
    assert f'name="r{pending.pk}-comment"' in page


def test_the_menu_badge_counts_the_requests_awaiting_the_person(
    client: Client, world: World, pending: TransitionRequest
) -> None:
    assert menu_entry(logged_in(client, world.anna).get("/").content.decode(), INBOX) == "Approvazioni 1 in attesa"
    assert menu_entry(logged_in(client, world.diana).get("/").content.decode(), INBOX) == "Approvazioni"
    assert INBOX not in logged_in(client, world.sara).get("/").content.decode()  # staff decide nothing
    # Where the body lets the staff of an area stand in for its head, Tommaso, who serves in Anna's area
    # too, is her substitute.
    SeparationPolicy.objects.create(
        organization=world.aurelia, area_head_substitutes=AreaHeadSubstitutes.WITH_AREA_STAFF
    )
    world.social.members.add(world.tommaso)
    delegation_create(
        actor=world.anna,
        organization=world.aurelia,
        substitute=world.tommaso,
        starts_on=dt.date(2026, 5, 11),
        ends_on=dt.date(2026, 5, 22),
        reason="Ferie",
    )
    # Staff standing in for Anna decide what awaits her: the menu shows them the inbox and its count.
    assert menu_entry(logged_in(client, world.tommaso).get("/").content.decode(), INBOX) == "Approvazioni 1 in attesa"


def test_approving_moves_the_request_to_the_director(client: Client, world: World, pending: TransitionRequest) -> None:
    logged_in(client, world.anna)
    response = client.post(decide_url(pending), decision(pending, "approve", "Va bene, è un ritardo esterno"))
    assert response.status_code == 302 and response["Location"] == INBOX
    pending.refresh_from_db()
    assert (pending.status, pending.current_step) == (TransitionRequest.Status.PENDING, Step.DIRECTOR)
    approval = Approval.objects.get(request=pending)
    assert (approval.step, approval.decided_by, approval.comment) == (
        Step.AREA_HEAD,
        world.anna,
        "Va bene, è un ritardo esterno",
    )
    world.activity.refresh_from_db()
    assert world.activity.state == WorkState.PROGRAMMATO  # the director has not decided yet
    after = client.get(INBOX)
    assert "Richiesta approvata: rinvia · SOC-1 · 1. Mappatura degli sportelli (in attesa)." in page_text(after)
    assert "Nessuna richiesta in attesa: hai deciso tutto." in page_text(after)
    assert menu_entry(after.content.decode(), INBOX) == "Approvazioni"
    director = logged_in(client, world.diana).get(INBOX)
    assert "1 richiesta attende la tua decisione." in page_text(director)
    assert "In attesa di direttore" in page_text(director)


def test_the_directors_approval_applies_the_postponement(
    client: Client, world: World, pending: TransitionRequest
) -> None:
    logged_in(client, world.anna).post(decide_url(pending), decision(pending, "approve"))
    response = logged_in(client, world.diana).post(decide_url(pending), decision(pending, "approve"))
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == TransitionRequest.Status.APPROVED
    activity = Activity.objects.get(pk=world.activity.pk)
    assert (activity.state, activity.planned_end) == (WorkState.RINVIATO, NEW_END)


def test_rejecting_without_a_comment_is_refused_and_changes_nothing(
    client: Client, world: World, pending: TransitionRequest
) -> None:
    logged_in(client, world.anna)
    before = database_state()
    response = client.post(decide_url(pending), decision(pending, "reject", "   "))
    assert response.status_code == 400
    assert "Per respingere una richiesta scrivi il motivo nel commento." in page_text(response)
    assert f'id="richiesta-{pending.pk}"' in response.content.decode()  # the request is still there to decide
    assert database_state() == before


def test_rejecting_with_a_comment_closes_the_request(client: Client, world: World, pending: TransitionRequest) -> None:
    logged_in(client, world.anna)
    response = client.post(decide_url(pending), decision(pending, "reject", "Manca il verbale"), follow=True)
    assert "Richiesta respinta:" in page_text(response)
    pending.refresh_from_db()
    assert pending.status == TransitionRequest.Status.REJECTED
    assert Approval.objects.get(request=pending).comment == "Manca il verbale"
    world.activity.refresh_from_db()
    assert (world.activity.state, world.activity.planned_end) == (WorkState.PROGRAMMATO, dt.date(2026, 6, 30))


def test_another_area_head_neither_sees_nor_decides_the_request(
    client: Client, world: World, pending: TransitionRequest
) -> None:
    logged_in(client, world.bruno)
    inbox = client.get(INBOX)
    assert "Nessuna richiesta in attesa" in page_text(inbox)
    assert "Mappatura degli sportelli" not in inbox.content.decode()
    assert menu_entry(inbox.content.decode(), INBOX) == "Approvazioni"
    before = database_state()
    for choice, comment in (("approve", ""), ("reject", "No")):
        response = client.post(decide_url(pending), decision(pending, choice, comment))
        assert response.status_code == 404
        response = client.post(decide_url(pending), decision(pending, choice, comment), HTTP_HX_REQUEST="true")
        assert response.status_code == 404
    assert database_state() == before


def test_a_decision_out_of_turn_is_refused_with_a_message(
    client: Client, world: World, pending: TransitionRequest
) -> None:
    logged_in(client, world.anna).post(decide_url(pending), decision(pending, "approve"))
    before = database_state()
    response = client.post(decide_url(pending), decision(pending, "approve"), follow=True)  # the director's turn
    assert response.redirect_chain == [(INBOX, 302)]
    assert "Questa decisione spetta a: direttore." in page_text(response)
    assert database_state() == before


def test_an_unknown_request_is_not_found_and_decisions_need_a_post(
    client: Client, world: World, pending: TransitionRequest
) -> None:
    logged_in(client, world.anna)
    assert client.post("/approvazioni/999999/decisione/", {"r999999-decision": "approve"}).status_code == 404
    assert client.get(decide_url(pending)).status_code == 405
    pending.refresh_from_db()
    assert pending.current_step == Step.AREA_HEAD


def test_an_htmx_decision_answers_with_the_decided_request(
    client: Client, world: World, pending: TransitionRequest
) -> None:
    logged_in(client, world.anna)
    response = client.post(decide_url(pending), decision(pending, "approve", "Ok"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment and f'id="richiesta-{pending.pk}"' in fragment
    assert "Approvata: ora attende direttore" in page_text(response)
    pending.refresh_from_db()
    assert pending.current_step == Step.DIRECTOR
    logged_in(client, world.diana)
    applied = client.post(decide_url(pending), decision(pending, "approve"), HTTP_HX_REQUEST="true")
    assert applied.status_code == 200 and "Approvata e applicata" in page_text(applied)
    assert Activity.objects.get(pk=world.activity.pk).state == WorkState.RINVIATO


def test_an_htmx_reject_without_comment_answers_the_form_with_the_error(
    client: Client, world: World, pending: TransitionRequest
) -> None:
    logged_in(client, world.anna)
    before = database_state()
    response = client.post(decide_url(pending), decision(pending, "reject"), HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "<html" not in response.content.decode()
    assert "Per respingere una richiesta scrivi il motivo nel commento." in page_text(response)
    assert database_state() == before


@pytest.mark.parametrize("persona", ["bruno", "erica", "tommaso"])
def test_an_invalid_decision_from_someone_who_cannot_see_the_request_reveals_nothing(
    client: Client, world: World, pending: TransitionRequest, persona: str
) -> None:
    logged_in(client, getattr(world, persona))
    before = database_state()
    for headers in ({}, {"HX-Request": "true"}):
        response = client.post(decide_url(pending), decision(pending, "reject", ""), headers=headers)
        assert response.status_code == 404
        page = response.content.decode()
        assert "Mappatura degli sportelli" not in page and "Il fornitore ha consegnato in ritardo" not in page
    assert database_state() == before


def test_a_substitute_sees_and_decides_the_requests_of_the_absent_head(
    client: Client, world: World, pending: TransitionRequest
) -> None:
    delegation_create(
        actor=world.anna,
        organization=world.aurelia,
        substitute=world.bruno,
        starts_on=dt.date(2026, 5, 11),
        ends_on=dt.date(2026, 5, 22),
        reason="Ferie",
    )
    logged_in(client, world.bruno)
    assert "Richiesta di rinvio: Mappatura degli sportelli" in page_text(client.get(INBOX))
    response = client.post(decide_url(pending), decision(pending, "approve", "Per conto di Anna"))
    assert response.status_code == 302
    approval = Approval.objects.get(request=pending)
    assert (approval.decided_by, approval.on_behalf_of) == (world.bruno, world.anna)
