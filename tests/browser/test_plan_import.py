"""The web import in a real browser (issue 19): the director chooses the workbook on the form, asks for a check,
follows the job, and when the worker has read the file the page shows by itself (htmx) every value kept as
written without a meaning, with its sheet, row and column; axe-core checks the form, the waiting job and the
outcome. The worker is the import's own function, run against the demo's database as the worker runs it; the
job is removed at the end (a check writes nothing else). A Word document is read into a draft that the director
reviews on the same page: its objectives, activities and indicators, and each cell it could not place."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from plans.importing.workbook import write_workbook
from tests.browser.axe import Audit
from tests.browser.pages import login
from tests.browser.server import Server
from tests.plans.test_import_unread import with_unread_values
from tests.plans.test_import_word import own_word_document

pytestmark = pytest.mark.slow

DIRECTOR = "direttore"
RUN = "from plans.importing.jobs import run_import; print(run_import({job}))"
REMOVE = "from plans.models import PlanImport; PlanImport.objects.filter(pk={job}).delete(); print('{{}}')"


def test_the_director_checks_a_workbook_and_sees_each_unread_value_located(
    new_page: Callable[..., Page], server: Server, axe: Audit, tmp_path: Path
) -> None:
    document = with_unread_values()
    document["plan"]["code"] = "PROVA-IMPORT"
    path = tmp_path / "piano-uffici.xlsx"
    path.write_bytes(write_workbook(document))
    page = new_page("director")
    login(page, DIRECTOR, "/piani/")
    page.get_by_role("link", name="Importa un piano da un file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importa un piano")
    axe.check(page, "1-form")
    page.get_by_label("File del piano").set_input_files(str(path))
    expect(page.get_by_label("Solo verifica", exact=False)).to_be_checked()
    page.get_by_role("button", name="Carica il file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verifica del file piano-uffici.xlsx")
    expect(page.locator("#stato-valore")).to_have_text("in coda")
    expect(page.get_by_role("progressbar", name="Avanzamento")).to_be_visible()
    axe.check(page, "2-job-queued")
    job = int(page.url.rstrip("/").rsplit("/", 1)[-1])
    try:
        assert server.manage("shell", "-c", RUN.format(job=job)).strip().splitlines()[-1] == "done"
        unread = page.get_by_role("table").filter(has_text="«quando possibile»")
        expect(unread).to_be_visible(timeout=15_000)  # htmx asks every 2 s and swaps the section in
        expect(page.get_by_role("progressbar")).to_have_count(0)
        row = unread.get_by_role("row").filter(has_text="«quando possibile»")
        expect(row.get_by_role("cell").first).to_contain_text(
            "piano-uffici.xlsx, foglio «Attività», riga 2, colonna C «Tempi»"
        )
        expect(page.get_by_text("Nulla è stato scritto.", exact=False).first).to_be_visible()
        axe.check(page, "3-job-done")
        axe.assert_clean()
    finally:
        json.loads(server.manage("shell", "-c", REMOVE.format(job=job)).strip().splitlines()[-1])


def test_the_director_reviews_the_draft_read_from_a_word_document(
    new_page: Callable[..., Page], server: Server, axe: Audit, tmp_path: Path
) -> None:
    path = own_word_document(tmp_path)
    page = new_page("director")
    login(page, DIRECTOR, "/piani/importa/")
    page.get_by_label("File del piano").set_input_files(str(path))
    page.get_by_text("Documento Word: codice, titolo e anno del piano", exact=False).click()
    page.get_by_label("Codice del piano (solo per un documento Word)").fill("PROVA-WORD")
    page.get_by_label("Anno del piano (solo per un documento Word)").fill("2026")
    axe.check(page, "4-word-form")
    page.get_by_role("button", name="Carica il file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verifica del file peg-borgo.docx")
    job = int(page.url.rstrip("/").rsplit("/", 1)[-1])
    try:
        assert server.manage("shell", "-c", RUN.format(job=job)).strip().splitlines()[-1] == "done"
        unplaced = page.get_by_role("table").filter(has_text="«vedi delibera»")
        expect(unplaced).to_be_visible(timeout=15_000)
        row = unplaced.get_by_role("row").filter(has_text="«vedi delibera»")
        expect(row.get_by_role("cell").first).to_have_text("peg-borgo.docx, tabella 2, riga 2, colonna 4")
        draft = page.get_by_text("Obiettivo PEG26-SS-1 – Ridurre i tempi di presa in carico", exact=False)
        draft.click()  # the objective's details open
        activities = page.get_by_role("table", name="Attività")
        expect(activities.get_by_role("row").nth(1)).to_contain_text("Mappatura dei casi")
        expect(page.get_by_role("button", name="Importa il piano")).to_be_visible()
        axe.check(page, "5-word-draft")
        axe.assert_clean()
    finally:
        json.loads(server.manage("shell", "-c", REMOVE.format(job=job)).strip().splitlines()[-1])
