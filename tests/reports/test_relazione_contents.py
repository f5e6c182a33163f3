"""The Relazione built from the demo holds every objective, activity and indicator value of seed 002.

The expected values are read from the seed's text (tests/reports/seed002.py), not from the YAML that was
converted from it, and looked for in the text that pypdf and python-docx extract from the generated files.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal

import pytest
from docx import Document
from docx.table import Table
from pypdf import PdfReader
from pytest_django import DjangoDbBlocker

from plans.models import Plan
from reports.relazione import build_relazione
from reports.render.docx import render_docx
from reports.render.pdf import render_pdf
from reports.sections import Relazione
from tests.parsing.seeds import SEEDS_DIR
from tests.reports.seed002 import Seed, missing_from, read_seed

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason=f"seed documents not found at {SEEDS_DIR}"),
]


@pytest.fixture(scope="module")
def seed() -> Seed:
    parsed = read_seed()
    # The reader must have found the whole seed, or an empty list would make every check pass.
    assert (len(parsed.titles), len(parsed.activities), len(parsed.indicators), len(parsed.areas)) == (18, 93, 53, 6)
    return parsed


@pytest.fixture(scope="module")
def relazione(demo_plan: Plan, django_db_blocker: DjangoDbBlocker) -> Relazione:
    with django_db_blocker.unblock():
        return build_relazione(plan=demo_plan, year=2021)


@pytest.fixture(scope="module")
def pdf(relazione: Relazione) -> PdfReader:
    return PdfReader(io.BytesIO(render_pdf(relazione)))


@pytest.fixture(scope="module")
def pdf_pages(pdf: PdfReader) -> list[str]:
    return [page.extract_text() for page in pdf.pages]


@pytest.fixture(scope="module")
def pdf_text(pdf_pages: list[str]) -> str:
    return "\n".join(pdf_pages)


@pytest.fixture(scope="module")
def docx_text(relazione: Relazione) -> str:
    document = Document(io.BytesIO(render_docx(relazione)))
    return "\n".join(_docx_blocks(document.iter_inner_content()))


def _docx_blocks(blocks: Iterator[object]) -> Iterator[str]:
    """Paragraphs and table cells in document order, each table row cell after cell."""
    for block in blocks:
        if isinstance(block, Table):
            for row in block.rows:
                yield from (cell.text for cell in row.cells)
        else:
            yield str(getattr(block, "text", ""))


def _assert_has_every_seed_value(text: str, seed: Seed) -> None:
    missing = {
        "objective titles": missing_from(text, seed.titles),
        "activities (description, Tempi, Consuntivo)": missing_from(text, seed.activities),
        "indicators (name, description, unit, atteso, consuntivo)": missing_from(text, seed.indicators),
    }
    assert {kind: rows for kind, rows in missing.items() if rows} == {}


def test_the_pdf_contains_every_objective_activity_and_indicator_of_the_seed(pdf_text: str, seed: Seed) -> None:
    _assert_has_every_seed_value(pdf_text, seed)


def test_the_docx_contains_every_objective_activity_and_indicator_of_the_seed(docx_text: str, seed: Seed) -> None:
    _assert_has_every_seed_value(docx_text, seed)


@pytest.mark.parametrize("document", ["pdf_text", "docx_text"])
def test_the_check_fails_on_values_that_are_not_in_the_seed(document: str, request: pytest.FixtureRequest) -> None:
    text: str = request.getfixturevalue(document)
    real = ("Atti/documenti", "Atti/documenti/elaborazioni prodotti complessivamente per la realizzazione del percorso")
    wrong_actual = (*real, "n.", "100", "84")
    swapped_times = ("Costruzioni rappresentanze Gruppo Tecnico - Politico", "Giugno", "Maggio")
    invented = "Obiettivo di prova che non compare nella relazione"
    assert missing_from(text, [(*real, "n.", "100", "83")]) == []
    assert missing_from(text, [wrong_actual, swapped_times]) == [" | ".join(wrong_actual), " | ".join(swapped_times)]
    assert missing_from(text, [invented]) == [invented]


def test_the_pdf_has_the_seed_labels_page_numbers_and_achievement(pdf_text: str) -> None:
    for label in ("Area strategica", "Servizi interessati", "Obiettivo operativo", "Utenti finali", "Progetto PEG"):
        assert label in pdf_text
    assert "Reti di collaborazione" in pdf_text
    assert "Report al 31/12/2021" in pdf_text
    assert "Pagina 1 di " in pdf_text
    assert "83,0% (giallo)" in pdf_text


def test_the_pdf_is_a4_and_repeats_table_headers_on_every_page_a_table_spans(
    pdf: PdfReader, pdf_pages: list[str], relazione: Relazione
) -> None:
    assert {(round(page.mediabox.width), round(page.mediabox.height)) for page in pdf.pages} == {(595, 842)}
    tables = sum(1 for objective in relazione.objectives if objective.activities)
    # More header rows than tables: the tables that continue on a new page repeat their header there.
    assert sum(text.count("Attività Tempi Consuntivo") for text in pdf_pages) > tables
    assert any(text.startswith("Attività Tempi Consuntivo") for text in pdf_pages[1:])


def test_areas_come_in_the_seed_order(relazione: Relazione, seed: Seed) -> None:
    assert [area.name.casefold() for area in relazione.areas] == [name.casefold() for name in seed.areas]


def test_objectives_keep_the_seed_order_even_with_two_programmes_in_one_area(relazione: Relazione) -> None:
    disabili_anziani = next(area for area in relazione.areas if area.code == "DIS")
    assert [o.code for o in disabili_anziani.objectives] == [
        "RP21-DIS-D1",
        "RP21-DIS-D2",
        "RP21-DIS-D3",
        "RP21-DIS-A1",
        "RP21-DIS-A2",
    ]
    assert [o.code for o in relazione.objectives] == [o.code for area in relazione.areas for o in area.objectives]


def test_indicators_carry_the_values_of_the_year_and_the_achievement(relazione: Relazione) -> None:
    objective = next(o for o in relazione.objectives if o.code == "RP21-DIR-1")
    first = objective.indicators[0]
    assert (first.name, first.unit, first.expected, first.actual) == ("Atti/documenti", "n.", "100", "83")
    assert (first.percent, first.light) == (Decimal("83.0"), "giallo")
    assert objective.reports[0].text.startswith("Il processo di revisione e aggiornamento dell'Accordo")
    assert [a.planned for a in objective.activities][:3] == ["Maggio", "Giugno", "Dicembre"]
