"""A property of the workbook import (issue 19): whatever the case, the accents and the spacing of its sheets' names
and headers, and whatever the order of its sheets and of their columns, a workbook reads as the same plan, or is
refused with the same problems at the same rows and under the same headers.

Hypothesis draws the rewriting of the small plan's workbook (tests/plans/test_import_plan.small_plan, with an
indicator and values); the reading is the import's own (`load_workbook_document`), without a database."""

from __future__ import annotations

import re
import tempfile
import unicodedata
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from plans.importing.errors import PlanImportError
from plans.importing.workbook import load_workbook_document, write_workbook
from tests.plans.test_import_plan import small_plan

PROPERTIES = settings(database=None, deadline=None, max_examples=40)


def _strip_accents(text: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))


@st.composite
def spellings(draw: st.DrawFn, text: str) -> str:
    """`text` as an office might type it: any case, maybe without its accents, maybe spaced around."""
    if draw(st.booleans()):
        text = _strip_accents(text)
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    text = "".join(char.swapcase() if flip else char for char, flip in zip(text, flips, strict=True))
    return draw(st.sampled_from(["", " "])) + text + draw(st.sampled_from(["", " ", "  "]))


@st.composite
def rewritings(draw: st.DrawFn, source: Workbook) -> dict[str, Any]:
    """For each sheet: its new name, the order of its columns; and the order of the sheets."""
    sheets: dict[str, Any] = {}
    used: set[str] = set()
    for sheet in source.worksheets:
        name = draw(spellings(sheet.title))
        while name.strip().casefold() in used:  # Excel's names are unique whatever their case
            name = sheet.title
        used.add(name.strip().casefold())
        width = sheet.max_column
        headers = [draw(spellings(str(cell.value))) if cell.value else cell.value for cell in sheet[1]]
        sheets[sheet.title] = {"name": name, "order": draw(st.permutations(range(width))), "headers": headers}
    return {"sheets": sheets, "order": draw(st.permutations([sheet.title for sheet in source.worksheets]))}


def _rewritten(source: Workbook, rewriting: dict[str, Any]) -> Workbook:
    book = Workbook()
    for empty in list(book.worksheets):
        book.remove(empty)
    for title in rewriting["order"]:
        plan = rewriting["sheets"][title]
        rows = [list(row) for row in source[title].iter_rows(values_only=True)]
        rows[0] = plan["headers"]
        target = book.create_sheet(plan["name"])
        for row in rows:
            target.append([row[index] if index < len(row) else None for index in plan["order"]])
    return book


def _document_plan() -> dict[str, Any]:
    document = small_plan()
    document["objectives"][0]["activities"].append({"description": "Verifica", "planned": "Ottobre"})
    return document


SOURCE_BYTES = write_workbook(_document_plan())


def _read(book: Workbook) -> tuple[dict[str, Any] | None, list[tuple[str, int, str, str]]]:
    """The document read from `book`, or its problems as (sheet, row, header, what) without the spelling."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "piano.xlsx"
        book.save(path)
        try:
            document, _ = load_workbook_document(path)
        except PlanImportError as refusal:
            return None, sorted(_located(problem.where, problem.what) for problem in refusal.problems)
    return document, []


_WHERE = re.compile(r"foglio «(?P<sheet>[^»]*)»(?:, riga (?P<row>\d+))?(?:, colonna \w+ «(?P<header>[^»]*)»)?")


def _located(where: str, what: str) -> tuple[str, int, str, str]:
    match = _WHERE.search(where)
    assert match is not None, where
    plain = [" ".join(_strip_accents(part or "").casefold().split()) for part in (match["sheet"], match["header"])]
    return plain[0], int(match["row"] or 0), plain[1], what


@pytest.fixture(scope="module")
def source() -> Workbook:
    return load_workbook(BytesIO(SOURCE_BYTES))


@PROPERTIES
@given(data=st.data())
def test_any_spelling_and_order_of_sheets_and_headers_reads_as_the_same_plan(source: Workbook, data: Any) -> None:
    expected, problems = _read(source)
    assert expected is not None and problems == []
    rewritten = _rewritten(source, data.draw(rewritings(source)))
    assert _read(rewritten) == (expected, [])


@PROPERTIES
@given(data=st.data())
def test_any_spelling_and_order_gives_the_same_problems_at_the_same_places(source: Workbook, data: Any) -> None:
    broken = load_workbook(BytesIO(SOURCE_BYTES))
    broken["Attività"]["A3"] = "OB-9"  # an objective the plan does not have
    indicators = broken["Indicatori"]
    verso = next(cell.column_letter for cell in indicators[1] if cell.value == "Verso")
    indicators[f"{verso}2"] = "a volte"  # a direction no column knows
    _, expected = _read(broken)
    assert [(sheet, row, what.split(" ")[0]) for sheet, row, _, what in expected] == [
        ("attivita", 3, "obiettivo"),
        ("indicatori", 2, "valore"),
    ]
    rewritten = _rewritten(broken, data.draw(rewritings(broken)))
    assert _read(rewritten) == (None, expected)
