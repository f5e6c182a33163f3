"""Logging in with the form of /accedi/ and out with «Esci»: the other tests reuse sessions opened once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Screenshots
from tests.browser.pages import DEMO_PASSWORD, logout

pytestmark = pytest.mark.slow


def test_a_head_logs_in_where_she_was_going_and_logs_out(page: Page, shot: Screenshots) -> None:
    page.goto("/scadenze/")
    expect(page).to_have_url(re.compile(r"/accedi/\?next=/scadenze/$"))
    page.get_by_label("Nome utente").fill("resp-area-finanziaria")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    shot(page, "1-login")
    page.get_by_role("button", name="Accedi").click()

    expect(page).to_have_url(re.compile(r"/scadenze/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Scadenze mancate")
    menu = page.get_by_role("navigation", name="Menu principale")
    expect(menu.get_by_role("link", name="Scadenze mancate")).to_have_attribute("aria-current", "page")
    expect(menu.get_by_role("link", name=re.compile(r"^Approvazioni"))).to_be_visible()
    shot(page, "2-logged-in")

    logout(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Traguardi")
    expect(page.get_by_role("button", name="Esci")).to_have_count(0)
    page.goto("/scadenze/")
    expect(page).to_have_url(re.compile(r"/accedi/"))
    shot(page, "3-logged-out")
