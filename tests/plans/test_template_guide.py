"""The import template guides the hand (issue 21): every sheet has an example row, every header a note saying what
the column takes, every coded column a list of its Italian words (a warning, not a wall: the reader takes the
other words an office writes and the codes too); its properties name it, Traguardi and Italian. The template as
written imports."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from plans.importing import import_plan_file
from plans.importing.template import template_workbook
from plans.importing.workbook_layout import DIRECTIONS, LAYOUTS, ORGANIZATION_KINDS, PLAN_KINDS
from tests.office import assert_office_xlsx

EXPECTED_LISTS = {
    ("Ente", "Tipo"): [words[0] for _code, words in ORGANIZATION_KINDS],
    ("Piano", "Tipo"): [words[0] for _code, words in PLAN_KINDS],
    ("Indicatori", "Verso"): [words[0] for _code, words in DIRECTIONS],
    ("Valori", "Valore"): ["atteso", "consuntivo", "storico"],
}


@pytest.fixture(scope="module")
def workbook() -> Workbook:
    return load_workbook(io.BytesIO(template_workbook()))


def test_every_sheet_has_an_example_row_and_every_header_a_note(workbook: Workbook) -> None:
    assert [sheet.title for sheet in workbook.worksheets] == [layout.name for layout in LAYOUTS]
    for sheet in workbook.worksheets:
        assert sheet.max_row >= 2 and any(cell.value not in (None, "") for cell in sheet[2]), sheet.title
        for cell in sheet[1]:
            assert cell.comment is not None, (sheet.title, cell.value)
            assert cell.comment.text.startswith(("Obbligatorio.", "Facoltativo.")), cell.comment.text
    notes = {cell.value: cell.comment.text for cell in workbook["Attività"][1] if cell.comment is not None}
    assert notes["Obiettivo"] == "Obbligatorio. Il codice di un obiettivo del foglio «Obiettivi»."
    assert "conserva com'è" in notes["Tempi"]


def test_every_coded_column_offers_its_italian_words(workbook: Workbook) -> None:
    found = {}
    for sheet in workbook.worksheets:
        headers = {get_column_letter(index): cell.value for index, cell in enumerate(sheet[1], start=1)}
        for validation in sheet.data_validations.dataValidation:
            (cells,) = str(validation.sqref).split()
            letter = cells.split(":")[0].rstrip("0123456789")
            assert cells == f"{letter}2:{letter}1048576"
            assert validation.type == "list" and validation.errorStyle == "warning" and validation.allow_blank
            found[sheet.title, headers[letter]] = validation.formula1.strip('"').split(",")
    assert found == EXPECTED_LISTS


def test_the_template_is_described_as_traguardi_s_italian_template(workbook: Workbook) -> None:
    template_workbook.cache_clear()  # written once per process: the moment is when it was first asked for
    assert_office_xlsx(template_workbook(), author="Traguardi", title_has="Modello")


@pytest.mark.django_db
def test_the_template_as_written_imports_with_its_action_sheet(tmp_path: Path) -> None:
    path = tmp_path / "modello.xlsx"
    path.write_bytes(template_workbook())
    plan = import_plan_file(path, reference_date=dt.date(2026, 6, 30)).plan
    assert plan.code == "PEG-2026"
    assert [sheet.code for sheet in plan.action_sheets.all()] == ["AZ-1"]
