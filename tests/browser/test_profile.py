"""The profile's API tokens in the browser: listed with their prefix, revoked with a button, accessible."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import Audit
from tests.browser.pages import DEMO_PASSWORD, login

pytestmark = pytest.mark.slow

PERSON = "staff-area-direzione-1"  # nobody else's test uses this person's tokens


def test_a_token_is_listed_and_revoked_on_the_profile(page: Page, axe: Audit) -> None:
    answer = page.request.post("/api/auth/token/", data={"username": PERSON, "password": DEMO_PASSWORD})
    assert answer.ok, answer.text()
    prefix = answer.json()["prefix"]

    login(page, PERSON, "/profilo/")
    tokens = page.get_by_role("table", name="Token attivi")
    expect(tokens.get_by_role("cell", name=prefix, exact=True)).to_be_visible()
    axe.check(page, "profile-with-a-token")

    tokens.get_by_role("button", name=f"Revoca {prefix}").click()
    expect(page.get_by_role("status")).to_have_text(f"Token {prefix} revocato: non funziona più.")
    expect(page.get_by_text("Nessun token attivo.")).to_be_visible()
    axe.check(page, "profile-token-revoked")
    axe.assert_clean()
    revoked = page.request.get("/api/objectives/", headers={"Authorization": f"Token {answer.json()['token']}"})
    assert revoked.status == 401
