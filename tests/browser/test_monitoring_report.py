"""The director asks for the intermediate monitoring report from the plan's page, as a person does: the date the
form suggests, the format chosen, the document downloaded; a date typed wrong is explained on an accessible page."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from tests.browser.axe import Audit
from tests.browser.pages import login

pytestmark = pytest.mark.slow


def open_plan(page: Page) -> None:
    page.goto("/piani/")
    page.get_by_role("link", name=re.compile(r"^RP-2021")).click()
    expect(page.get_by_role("heading", level=2, name="Monitoraggio intermedio")).to_be_visible()


def test_the_director_downloads_the_monitoring_report_at_the_suggested_date(page: Page, axe: Audit) -> None:
    login(page, "direttore")
    open_plan(page)
    date = page.get_by_label("Stato al")
    expect(date).to_have_value("2021-09-30")  # the plan's latest intermediate check
    expect(date).to_have_attribute("min", "2021-01-01")
    expect(date).to_have_attribute("max", "2021-12-31")
    axe.check(page, "plan-with-monitoring-form")
    page.get_by_label("Formato").select_option("docx")
    with page.expect_download() as started:
        page.get_by_role("button", name="Scarica il monitoraggio").click()
    download = started.value
    assert download.suggested_filename == "monitoraggio-RP-2021-2021-09-30.docx"
    path = download.path()
    document = Document(io.BytesIO(path.read_bytes()))
    assert document.paragraphs[0].text == "Monitoraggio intermedio al 30/09/2021"
    axe.assert_clean()


def test_a_date_outside_the_plan_is_explained(page: Page, axe: Audit) -> None:
    login(page, "direttore")
    open_plan(page)
    plan_url = page.url
    plan_id = re.search(r"/piani/(\d+)/", plan_url)
    assert plan_id is not None
    response = page.goto(f"/piani/{plan_id.group(1)}/monitoraggio/?al=2019-06-30&formato=pdf")
    assert response is not None and response.status == 400
    expect(page.get_by_text(re.compile(r"La data 30/06/2019 non cade negli anni del piano RP-2021"))).to_be_visible()
    axe.check(page, "monitoring-bad-date")
    axe.assert_clean()
