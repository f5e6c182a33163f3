"""Too many wrong passwords in the browser: the login form comes back with the time to retry, accessible."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import Audit

pytestmark = pytest.mark.slow

# A username nobody has: the lock is per username and address, so no other test's person is locked out (five
# failures from the tests' address are far from the per-address limit of 30).
GUESSED = "amministratore-sistema"


def test_the_fifth_wrong_password_brings_the_form_back_with_the_time_to_retry(page: Page, axe: Audit) -> None:
    page.goto("/accedi/")
    for _ in range(5):
        page.get_by_label("Nome utente").fill(GUESSED)
        page.get_by_label("Password", exact=True).fill("Primavera2026!")
        page.get_by_role("button", name="Accedi").click()
        expect(page.get_by_role("alert")).to_be_visible()  # the answer came: "wrong password", or the lock
    alert = page.get_by_role("alert")
    told = r"^Troppi tentativi di accesso non riusciti: l'accesso è sospeso\. Riprova tra 15 minuti, dalle \d\d:\d\d\.$"
    expect(alert).to_have_text(re.compile(told))
    expect(page.get_by_label("Nome utente")).to_have_value(GUESSED)
    axe.check(page, "login-locked")
    axe.assert_clean()
