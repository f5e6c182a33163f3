"""The OIV validates the demo's 2021 plan with observations: the director has closed the year (plan_close, in the
fixture); the OIV opens the validation from the plan's page, ticks the checklist, is told that "validata con
osservazioni" needs the observations, writes them and records the outcome; the plan shows "Validato". Every
page passes axe. The demo is shared by the session's browser tests: the plan goes back to its state afterwards."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import Audit
from tests.browser.demo_year import close_year, restore_year
from tests.browser.pages import login
from tests.browser.server import Server
from workflow.models.validation import DEFAULT_CRITERIA

pytestmark = pytest.mark.slow

PLAN = "RP-2021"
OBSERVATIONS = "Documentare le fonti dei dati degli indicatori di accesso ai servizi."


@pytest.fixture
def closed_plan(server: Server) -> Iterator[int]:
    found = close_year(server, PLAN, director="direttore", act="Delibera di Giunta n. 7", adopted_on="2021-01-20")
    try:
        yield int(found["pk"])
    finally:
        restore_year(server, PLAN, found["before"], motivation="Fine del test del browser", act="Test")


def test_the_oiv_validates_the_2021_plan_with_observations(page: Page, axe: Audit, closed_plan: int) -> None:
    login(page, "oiv", f"/piani/{closed_plan}/")
    expect(page.locator(".tg-plan-state")).to_have_text("Chiuso")
    page.get_by_role("link", name="Validazione della Relazione (OIV)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Validazione della Relazione sulla Performance 2021")
    expect(page.get_by_role("link", name="Relazione sulla Performance 2021 (PDF)")).to_be_visible()
    axe.check(page, "validation-closed")

    page.get_by_role("button", name="Apri la validazione").click()
    titles = [title for title, _ in DEFAULT_CRITERIA]
    for title in titles:
        group = page.get_by_role("group", name=title, exact=True)
        group.get_by_label("soddisfatto", exact=True).check(force=True)
    partial = page.get_by_role("group", name="Chiarezza e comprensibilità", exact=True)
    partial.get_by_label("parzialmente soddisfatto", exact=True).check(force=True)
    partial.get_by_label("Nota sul criterio «Chiarezza e comprensibilità»").fill("Troppi acronimi nelle schede.")
    page.get_by_label("Validata con osservazioni").check(force=True)
    axe.check(page, "validation-draft")

    # Without the observations the outcome is refused, next to the field, and the ticks are kept.
    page.get_by_role("button", name="Registra l'esito").click()
    expect(page.get_by_role("alert").filter(has_text="Scrivi le osservazioni")).to_be_visible()
    expect(partial.get_by_label("parzialmente soddisfatto", exact=True)).to_be_checked()
    axe.check(page, "validation-refused")

    page.get_by_label("Osservazioni generali").fill(OBSERVATIONS)
    page.get_by_label("Validata con osservazioni").check(force=True)
    page.get_by_role("button", name="Registra l'esito").click()
    expect(page.get_by_text("Esito registrato: Relazione validata con osservazioni.")).to_be_visible()
    expect(page.locator("#stato-piano")).to_have_text("Validato")
    recorded = page.get_by_role("article").filter(has_text=re.compile(r"Relazione validata con osservazioni il"))
    expect(recorded).to_contain_text(OBSERVATIONS)
    expect(recorded).to_contain_text("Troppi acronimi nelle schede.")
    expect(recorded.get_by_role("link", name="PDF")).to_be_visible()
    axe.check(page, "validation-recorded")

    page.get_by_role("link", name=PLAN).first.click()
    expect(page.locator(".tg-plan-state")).to_have_text("Validato")
    axe.check(page, "plan-validated")
    axe.assert_clean()
