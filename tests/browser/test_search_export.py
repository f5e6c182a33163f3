"""Search and export in a real browser, on the demo: the director searches from the header by words of an
activity of seed 002's plan and by an objective's code, and downloads the dashboard's list as XLSX, which
openpyxl opens with the page's rows. axe-core checks the pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.browser import demo
from tests.browser.axe import Audit
from tests.browser.pages import login
from tests.browser.test_dashboard import OPEN_AND_LATE, open_plan_results

pytestmark = pytest.mark.slow


def test_the_director_searches_from_the_header_and_finds_an_activity_and_an_objective(page: Page, axe: Audit) -> None:
    login(page, "direttore", "/")
    words = " ".join(OPEN_AND_LATE.description.split()[:3])
    page.get_by_role("search").get_by_label("Cerca obiettivi, attività e indicatori").fill(words)
    page.get_by_role("search").get_by_role("button", name="Cerca").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cerca obiettivi, attività e indicatori")
    activities = page.get_by_role("region", name=re.compile(r"^Attività \(\d+\)$"))
    found = activities.get_by_role("link", name=re.compile(re.escape(OPEN_AND_LATE.description[:40])))
    expect(found.first).to_be_visible()  # in RP-2021 and in the live year's plan
    assert found.count() == 2
    axe.check(page, "1-search-words")

    main_search = page.get_by_role("main").get_by_role("search")
    main_search.get_by_label("Cerca").fill(OPEN_AND_LATE.objective_code)
    main_search.get_by_role("button", name="Cerca").click()
    objectives = page.get_by_role("region", name=re.compile(r"^Obiettivi \(\d+\)$"))
    expect(objectives.get_by_role("link").filter(has_text=OPEN_AND_LATE.objective_code).first).to_be_visible()
    axe.check(page, "2-search-code")

    main_search.get_by_label("Cerca").fill("x")
    main_search.get_by_role("button", name="Cerca").click()
    expect(page.get_by_role("alert").first).to_contain_text("La ricerca non è stata eseguita")
    expect(page.get_by_text("Scrivi almeno 2 caratteri.")).to_be_visible()
    axe.check(page, "3-search-refused")


def test_the_dashboard_list_downloads_as_a_workbook_with_the_pages_rows(page: Page, axe: Audit, tmp_path: Path) -> None:
    login(page, "direttore", "/scadenze/")
    open_plan_results(page)
    heading = page.get_by_role("heading", level=2, name=re.compile(r"scaden.* — RP-2021")).inner_text()
    count = int(heading.split()[0])
    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX").first.click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert re.fullmatch(r"scadenze-mancate-\d{4}-\d{2}-\d{2}\.xlsx", path.name)
    sheet = load_workbook(path).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Area", "Tipo", "Piano", "Obiettivo", "Elemento")
    assert len(rows) - 1 == count
    assert {row[2] for row in rows[1:]} == {"RP-2021"}
    late = [row for row in rows if row[4] == OPEN_AND_LATE.description]
    assert [(row[3], row[5]) for row in late] == [(OPEN_AND_LATE.objective_code, "Avviato")] * len(late)
    assert late, f"{OPEN_AND_LATE.description[:60]} not in the workbook"
    assert demo.area_names()[OPEN_AND_LATE.areas[0]] in {row[0] for row in late}
