"""The Content-Security-Policy in a real browser: /api/docs/ works from the application alone, with the network
cut; the admin's scripts still run; and the watch of the shared fixture does see a violation or a missing header.
"""

from __future__ import annotations

import re
from binascii import unhexlify

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, Route, expect

from tests.browser import server as live
from tests.browser.conftest import Screenshots
from tests.browser.csp import CspWatch

pytestmark = pytest.mark.slow

OPERATION = ".opblock-summary-path"
OPERATOR_KEY = "3132333435363738393031323334353637383930"  # the 20-byte secret of RFC 6238's examples


def test_the_api_docs_list_the_operations_with_the_network_cut(
    page: Page, server: live.Server, shot: Screenshots
) -> None:
    asked_outside: list[str] = []

    def cut(route: Route) -> None:
        asked_outside.append(route.request.url)
        route.abort("internetdisconnected")

    page.context.route(lambda url: not url.startswith(server.url), cut)
    response = page.goto("/api/docs/")
    assert response is not None and response.ok

    operations = page.locator(OPERATION)
    expect(operations.filter(has_text=re.compile(r"^/api/auth/token/$")).first).to_be_visible()
    expect(operations.filter(has_text=re.compile(r"^/api/activities/\{id\}/transitions/$")).first).to_be_visible()
    assert operations.count() > 30
    shot(page, "api-docs-offline")
    assert asked_outside == []  # nothing was even asked of another site


def test_the_admin_works_under_the_csp(page: Page, server: live.Server, shot: Screenshots) -> None:
    """The operator signs in with the password and the code of her authenticator app (the second factor every
    superuser gives), then works in the admin."""
    server.manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User; "
        "from django_otp.plugins.otp_totp.models import TOTPDevice; "
        "operator = User.objects.filter(username='gestore').first() or "
        "User.objects.create_superuser('gestore', 'gestore@ente.example.it', 'demo'); "
        f"TOTPDevice.objects.update_or_create(user=operator, name='app', defaults={{'key': '{OPERATOR_KEY}', "
        "'confirmed': True, 'last_t': -1, 'throttling_failure_count': 0})",
    )
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Nome utente").fill("gestore")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("heading", name="Codice di verifica")).to_be_visible()
    shot(page, "second-factor-code")
    page.get_by_label("Codice dell'app di autenticazione").fill(f"{TOTP(unhexlify(OPERATOR_KEY)).token():06d}")
    page.get_by_role("button", name="Verifica", exact=True).click()
    expect(page.get_by_role("link", name="Attività").first).to_be_visible()
    page.goto("/admin/plans/activity/")
    page.locator("#result_list tbody a").first.click()
    expect(page.get_by_role("button", name="Salva", exact=True)).to_be_visible()
    # A delegation's form has what the admin's scripts draw: the date shortcuts and their calendar, and the
    # search box of an autocomplete field.
    page.goto("/admin/workflow/delegation/add/")
    page.locator(".select2-selection").first.click()
    page.locator(".select2-search__field").fill("dir")
    expect(page.locator(".select2-results__option").first).to_be_visible()
    page.keyboard.press("Escape")
    page.get_by_text("Oggi", exact=True).first.click()
    expect(page.locator("#id_starts_on")).not_to_have_value("")
    page.locator(".date-icon").first.click()
    expect(page.locator(".calendarbox").first).to_be_visible()
    shot(page, "admin-delegation")


def test_the_shared_watch_sees_a_refused_resource_and_a_page_without_the_header(
    page: Page, server: live.Server, csp: CspWatch
) -> None:
    """The shared fixture's check can fail: an image from another site is refused and reported, and a page whose
    header went missing on the way is named. The test then forgets what it provoked, so that the fixture passes."""
    page.goto("/accedi/")
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<img alt=\"\" src=\"https://esempio.example/x.png\">')"
    )
    for _ in range(50):  # the report comes as a console message, a moment later
        if any("img-src" in problem for problem in csp.problems):
            break
        page.wait_for_timeout(100)
    assert any("img-src" in problem and "esempio.example" in problem for problem in csp.problems), csp.problems

    def without_csp(route: Route) -> None:
        answer = route.fetch()
        headers = {name: value for name, value in answer.headers.items() if name != "content-security-policy"}
        route.fulfill(response=answer, headers=headers)

    page.route(f"{server.url}/password/dimenticata/", without_csp)
    page.goto("/password/dimenticata/")
    assert f"no Content-Security-Policy header: {server.url}/password/dimenticata/ (200)" in csp.problems
    csp.problems.clear()
