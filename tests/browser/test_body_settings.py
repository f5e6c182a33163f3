"""The body's own settings in a real browser: the demo's director opens «Impostazioni dell'ente» from the menu,
chooses one of the bodies they direct, reads the timings in force, types a wrong value and is told where and how
to fix it, then saves the body's own approval reminder. axe-core checks each state. The demo's settings are put
back as they were at the end."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import Audit
from tests.browser.pages import login
from tests.browser.server import Server

pytestmark = pytest.mark.slow

RESET = "from notifications.models import BodySettings; BodySettings.objects.all().delete(); print('{}')"


def test_the_director_sets_when_waiting_requests_are_reminded(
    new_page: Callable[..., Page], server: Server, axe: Audit
) -> None:
    page = new_page("director")
    login(page, "direttore", "/")
    try:
        menu = page.get_by_role("navigation", name="Menu principale")
        menu.get_by_role("link", name="Impostazioni dell'ente").click()
        # The demo's director directs each of the demo's bodies: a list of them first.
        expect(page.get_by_role("heading", level=1)).to_have_text("Impostazioni degli enti")
        axe.check(page, "0-bodies")
        body = page.get_by_role("main").get_by_role("listitem").get_by_role("link").first
        name = body.inner_text()
        body.click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Impostazioni di {name}")
        expect(page.get_by_text("sollecito a chi decide dopo 3 giorni lavorativi", exact=False)).to_be_visible()
        axe.check(page, "1-settings")

        page.get_by_label("sollecito di chi deve approvare una richiesta dopo").fill("6")
        page.get_by_role("button", name="Salva le impostazioni").click()
        expect(page.get_by_role("alert").first).to_contain_text("Le impostazioni non sono state salvate")
        expect(page.get_by_text("deve venire dopo il sollecito (6 giorni lavorativi)", exact=False)).to_be_visible()
        axe.check(page, "2-refused")

        page.get_by_label("segnalazione di una richiesta ferma al livello superiore dopo").fill("9")
        page.get_by_role("button", name="Salva le impostazioni").click()
        expect(page.get_by_role("status").first).to_contain_text("salvate")
        expect(page.get_by_text("sollecito a chi decide dopo 6 giorni lavorativi", exact=False)).to_be_visible()
        expect(page.get_by_text("segnalata al direttore dopo 9 giorni lavorativi", exact=False)).to_be_visible()
        axe.check(page, "3-saved")
    finally:
        server.manage("shell", "-c", RESET)
