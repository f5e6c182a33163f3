"""The director reads the Piano di Zona of seed 004 on its plan page and downloads its document."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.axe import Audit
from tests.browser.pages import login

pytestmark = pytest.mark.slow

SHEET = "Scheda 1 – SEGRETARIATO SOCIALE PROFESSIONALE"
PARTS = (
    "Obiettivi",
    "Strategia",
    "Attività previste",
    "Tempistica",
    "Strutture organizzative ed operative previste",
    "Strumenti di partecipazione attiva, comunicazione, informazione",
    "Azioni sussidiarie",
    "Metodologie di valutazione",
    "Rischi e criticità",
    "Modalità di gestione dell'azione",
    "Costo orario del servizio",
)


def test_the_piano_di_zona_page_shows_its_sheet_and_gives_its_document(page: Page, axe: Audit) -> None:
    login(page, "direttore", "/piani/")
    page.get_by_role("link", name=re.compile(r"^PSZ")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Piano Sociale di Zona – Livelli essenziali")
    sheet = page.get_by_role("article", name=SHEET)
    expect(sheet.get_by_role("heading", level=3, name=SHEET)).to_be_visible()
    for label in PARTS:
        expect(sheet.get_by_role("heading", level=4, name=label, exact=True)).to_be_visible()
    indicators = sheet.get_by_role("table", name="Indicatori")
    expect(indicators.get_by_role("row")).to_have_count(4)  # the header and the seed's three indicators
    expect(indicators).to_contain_text("Incremento percentuale annuo degli utenti")
    expect(page.get_by_text("Nessun obiettivo da mostrare.")).to_have_count(0)
    axe.check(page, "piano-di-zona")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF", exact=True).click()
    download = download_info.value
    assert download.suggested_filename == "schede-PSZ-2011-2013.pdf"
    path = download.path()
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "SEGRETARIATO SOCIALE PROFESSIONALE" in text and "Tempistica" in text
    axe.assert_clean()
