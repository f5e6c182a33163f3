"""The monthly update on /le-mie-attivita/: the same answer as the one-click link of the monthly mail."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.axe import Audit
from tests.browser.pages import MyActivity, claim_open_activity, login

pytestmark = pytest.mark.slow

STAFF = "staff-area-direzione-2"  # owns open activities of RP21-DIR-1 that the dashboard test does not check


def recorded_answers(page: Page, activity: MyActivity) -> list[dict[str, Any]]:
    """The monthly answers about the activity, as the REST API gives them (with the page's session)."""
    response = page.request.get(f"/api/monitoring-answers/?activity={activity.pk}")
    assert response.ok, response.status
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def activity_card(page: Page, activity: MyActivity) -> Locator:
    """Its card, named by its description (the live year's plan has an activity of the same description)."""
    cards = page.get_by_role("article", name=activity.description, exact=True)
    return cards.filter(has=page.locator(f'a[href="/attivita/{activity.pk}/"]'))


def open_update_form(page: Page, activity: MyActivity) -> Locator:
    card = activity_card(page, activity)
    card.get_by_text(re.compile(r"^Aggiornamento mensile di \w+ \d{4}$")).click()  # the <summary> of the <details>
    form = card.locator("form")
    expect(form.get_by_label("A che punto è l'attività?")).to_be_visible()
    return form


def test_staff_sends_the_monthly_update(page: Page, claimed: set[int], axe: Audit) -> None:
    login(page, STAFF, "/le-mie-attivita/")
    activity = claim_open_activity(page, claimed)
    form = open_update_form(page, activity)
    state = form.get_by_label("A che punto è l'attività?")
    expect(state.locator("option:checked")).to_have_text(activity.state)  # it starts from the current state
    form.get_by_label("Avanzamento (%)").fill("40")
    form.get_by_label("Nota").fill("Bozza dello schema pronta, in attesa delle osservazioni dei Comuni.")
    axe.shot(page, "1-filled")
    form.get_by_role("button", name="Invia l'aggiornamento").click()

    expect(page).to_have_url(re.compile(r"/le-mie-attivita/$"))
    expect(page.get_by_role("status").filter(has_text="Aggiornamento registrato")).to_be_visible()
    card = activity_card(page, activity)
    expect(card.get_by_role("status")).to_contain_text(re.compile(r"Aggiornamento di \w+ \d{4} già inviato"))
    expect(card.get_by_text(re.compile(r"^Aggiornamento mensile di"))).to_have_count(0)
    expect(card.locator(".tg-state")).to_have_text(activity.state)  # same state: no transition asked
    [answer] = recorded_answers(page, activity)
    said = (answer["respondent"]["username"], answer["state"], answer["progress"])
    assert said == (STAFF, activity.state.lower(), 40)
    axe.check(page, "2-sent")
    axe.assert_clean()


def test_a_progress_over_100_is_refused_and_nothing_is_recorded(page: Page, claimed: set[int], axe: Audit) -> None:
    login(page, STAFF, "/le-mie-attivita/")
    activity = claim_open_activity(page, claimed)
    form = open_update_form(page, activity)
    progress = form.get_by_label("Avanzamento (%)")
    progress.fill("150")
    send = form.get_by_role("button", name="Invia l'aggiornamento")
    posted: list[str] = []
    page.on("request", lambda request: posted.append(request.url) if request.method == "POST" else None)
    send.click()
    # The browser stops it first (max=100): nothing is sent.
    assert progress.evaluate("input => input.validity.rangeOverflow")
    expect(page).to_have_url(re.compile(r"/le-mie-attivita/$"))
    assert posted == []

    # Without the browser's check the server refuses it too, says why next to the field and keeps the value.
    form.evaluate("form => { form.noValidate = true; }")
    send.click()
    expect(page.get_by_role("alert").filter(has_text="L'aggiornamento non è stato registrato")).to_be_visible()
    card = activity_card(page, activity)
    expect(card.get_by_label("Avanzamento (%)")).to_have_value("150")
    expect(card.get_by_role("alert").filter(has_text="100")).to_be_visible()
    axe.check(page, "refused")

    page.goto("/le-mie-attivita/")
    card = activity_card(page, activity)
    expect(card.get_by_text(re.compile(r"^Aggiornamento mensile di"))).to_be_visible()
    expect(card.get_by_text("già inviato")).to_have_count(0)
    assert recorded_answers(page, activity) == []
    axe.assert_clean()
