"""The second factor in the browser: a staff member turns it on from the profile (the QR code and the key to type,
checked by axe-core), is asked for the code at the next sign-in, and turns it off again (the demo goes back to its
state). The code is computed from the key the page shows, as the authenticator app on a phone would."""

from __future__ import annotations

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from tests.browser import server as live
from tests.browser.axe import Audit
from tests.browser.pages import DEMO_PASSWORD, login

pytestmark = pytest.mark.slow

PERSON = "staff-area-disabili-anziani-2"  # nobody else's test signs in as this person


def code_now(key_text: str) -> str:
    secret = key_text.replace(" ", "")
    totp = TOTP(b32decode(secret + "=" * (-len(secret) % 8)))
    totp.time = time.time()
    return f"{totp.token():06d}"


def next_window() -> None:
    """A code counts once: wait for the app's next one."""
    time.sleep(30.5 - time.time() % 30)


def test_a_staff_member_turns_on_the_second_factor_and_is_asked_for_it(
    page: Page, server: live.Server, axe: Audit
) -> None:
    forget = (
        "from django_otp.plugins.otp_totp.models import TOTPDevice; "
        f"TOTPDevice.objects.filter(user__username='{PERSON}').delete()"
    )
    server.manage("shell", "-c", forget)  # a run stopped half-way leaves no app behind
    login(page, PERSON, "/profilo/")
    page.get_by_role("link", name="Attiva la verifica in due passaggi").click()
    expect(page.get_by_role("heading", name="Attiva la verifica in due passaggi")).to_be_visible()
    expect(page.locator("svg").first).to_be_visible()
    axe.check(page, "second-factor-setup")
    key = page.locator("#chiave-totp").inner_text()
    page.get_by_label("Codice dell'app di autenticazione").fill("000000" if code_now(key) != "000000" else "111111")
    page.get_by_role("button", name="Attiva").click()
    expect(page.get_by_role("alert").filter(has_text="Il codice non è corretto")).to_be_visible()
    axe.check(page, "second-factor-wrong-code")
    time.sleep(1.1)  # a wrong code makes the next try wait a second
    page.get_by_label("Codice dell'app di autenticazione").fill(code_now(key))
    page.get_by_role("button", name="Attiva").click()
    expect(page.get_by_role("status").filter(has_text="Verifica in due passaggi attiva")).to_be_visible()

    page.get_by_role("button", name="Esci").click()
    page.goto("/accedi/")
    page.get_by_label("Nome utente").fill(PERSON)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("heading", name="Codice di verifica")).to_be_visible()
    axe.check(page, "second-factor-code")
    next_window()
    page.get_by_label("Codice dell'app di autenticazione").fill(code_now(key))
    page.get_by_role("button", name="Verifica", exact=True).click()
    expect(page.get_by_role("button", name="Esci")).to_be_visible()

    page.goto("/profilo/")
    page.get_by_role("button", name="Disattiva la verifica in due passaggi").click()
    expect(page.get_by_role("status").filter(has_text="Verifica in due passaggi disattivata.")).to_be_visible()
    axe.assert_clean()
