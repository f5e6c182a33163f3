"""axe-core finds no WCAG 2.1 A/AA violation on the pages, for each role, error states included.

The pages the scenarios go through are checked there, in the state the scenario brings them to:
/scadenze/ with the results of RP-2021 and with refused filters, /scadenze/indicatori/ reached from it
(test_dashboard), an activity page with
its transition forms, with an open request, after approval and after rejection, the inbox with a pending
request and with a refused decision, the 404 page (test_approvals), /le-mie-attivita/ with the monthly
form open, sent and refused (test_monthly_update). Here: every other page, the Relazione's documents page
included.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import Audit
from tests.browser.pages import claim_open_activity, login, postponement_form

pytestmark = pytest.mark.slow

STAFF = "staff-area-disabili-anziani-1"
HEAD = "resp-area-disabili-anziani"


def visit(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.ok, f"{path}: {response and response.status}"


def test_public_pages(page: Page, axe: Audit) -> None:
    visit(page, "/")
    axe.check(page, "landing")
    visit(page, "/accedi/")
    axe.check(page, "login")
    page.get_by_label("Nome utente").fill("direttore")
    page.get_by_label("Password", exact=True).fill("sbagliata")
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("alert")).to_be_visible()
    axe.check(page, "login-refused")
    visit(page, "/password/dimenticata/")
    axe.check(page, "password-reset")
    response = page.goto("/monitoraggio/non-un-link-valido/")
    assert response is not None and response.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("Link non utilizzabile")
    axe.check(page, "monthly-link-invalid")
    axe.assert_clean()


def test_director_pages(page: Page, axe: Audit) -> None:
    login(page, "direttore")
    axe.check(page, "home")
    visit(page, "/piani/")
    axe.check(page, "plans")
    page.get_by_role("link", name=re.compile(r"^RP-2021")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Relazione sulla Performance 2021")
    axe.check(page, "plan-tree", open_details=True)
    page.get_by_role("link", name="Obiettivo RP21-DIR-1", exact=True).click()  # in its <details>, opened above
    expect(page.get_by_role("heading", level=1, name=re.compile(r"^Obiettivo 1: "))).to_be_visible()
    axe.check(page, "objective")
    visit(page, "/scadenze/indicatori/?plan=")  # every plan: no table, the invitation to choose one
    expect(page.get_by_text("Scegli un piano per vedere i suoi indicatori.")).to_be_visible()
    axe.check(page, "indicators-no-plan")
    visit(page, "/approvazioni/")
    axe.check(page, "inbox")
    visit(page, "/profilo/")
    axe.check(page, "profile")
    axe.assert_clean()


def test_relazione_documents_page(page: Page, axe: Audit) -> None:
    """The director asks for the PDF to be prepared; the job is listed and followed (no worker runs here)."""
    login(page, "direttore")
    visit(page, "/piani/")
    page.get_by_role("link", name=re.compile(r"^RP-2021")).click()
    page.get_by_role("link", name="documenti preparati").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Relazione sulla Performance 2021: documenti")
    axe.check(page, "documents-empty")
    page.locator("label[for=formato-docx]").click()  # as a person does: the styled radio is drawn by its label
    expect(page.get_by_label("DOCX")).to_be_checked()
    page.get_by_role("button", name="Prepara").click()
    expect(page.get_by_role("status").filter(has_text="Documento DOCX in preparazione.")).to_be_visible()
    table = page.get_by_role("table")
    expect(table.get_by_role("cell", name="DOCX")).to_be_visible()
    expect(table.get_by_role("cell", name="in coda")).to_be_visible()
    axe.check(page, "documents-queued")
    axe.assert_clean()


def test_area_head_home(page: Page, axe: Audit) -> None:
    login(page, HEAD)
    axe.check(page, "home")
    axe.assert_clean()


def test_staff_pages(page: Page, claimed: set[int], axe: Audit) -> None:
    login(page, STAFF)
    axe.check(page, "home")
    activity = claim_open_activity(page, claimed)
    axe.check(page, "my-activities", open_details=True)  # every monthly form
    visit(page, f"/attivita/{activity.pk}/")
    axe.check(page, "activity-with-transitions")
    postponement_form(page).get_by_role("button", name="Rinvia").click()  # no reason, no new date
    expect(postponement_form(page).get_by_role("alert").first).to_be_visible()
    axe.check(page, "activity-transition-refused")
    axe.assert_clean()
