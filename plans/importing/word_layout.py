"""What plans.importing.word recognises in a Word document, and the document read as WordprocessingML: its blocks
in order (content controls opened), each paragraph's text with tracked insertions, and each table's rows by grid
column, with merged cells where Word puts them. Read from the XML (ECMA-376 part 1, 17.3 paragraphs, 17.4 tables)
because python-docx's cell access drops a row's leading grid columns, raises on a merge it cannot follow, and its
text leaves out tracked insertions and content controls: here nothing of the document is skipped unseen.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from docx.oxml.ns import qn

from plans.importing.workbook_layout import normalise_header

_APOSTROPHE_ACCENT = re.compile(r"(?<=[aeiou])'(?=\s|$)")

AREA = re.compile(r"^centro di responsabilit(?:a|à)'?\s*:\s*(?P<name>.+)$", re.IGNORECASE)
NO_AREA = "obiettivi senza centro di responsabilita"
# "Obiettivo 3", "Obiettivo n. 3", "Obiettivo N° 3 Title", "Obiettivo RP21-DIR-1", "Programma P1 – Obiettivo 3": the
# label has a digit, so that a title such as "Obiettivo di sintesi …" is not taken for a heading.
OBJECTIVE = re.compile(
    r"^(?:programma\s+(?P<programme>.+?)\s+[–-]\s+)?obiettivo\s+(?:(?:n\.?|nr\.?|n°|no\.)\s*)?"
    r"(?P<label>[\w./-]*\d[\w./-]*)(?:\s*[:.–-]?\s+(?P<title>.+))?$",
    re.IGNORECASE | re.DOTALL,
)
REPORT = re.compile(r"^report al (\d{1,2})/(\d{1,2})/(\d{4})$")
YEAR = re.compile(r"\b(20\d\d|19\d\d)\b")
TITLE_AND_CODE = re.compile(r"^(?P<title>.+) \((?P<code>[^()]+)\)$")

SECTIONS = {
    "descrizione obiettivo": "description",
    "descrizione dettagliata dell'obiettivo": "description",
    "descrizione": "description",
    "modalita di attuazione": "activities",
    "attivita": "activities",
    "fasi": "activities",
    "fasi di attuazione": "activities",
    "indicatori di risultato": "indicators",
    "indicatori": "indicators",
}
# The chapters of a Relazione that are not the objectives' sheets (an annex lists areas and objectives too).
OTHER_CHAPTERS = (
    "allegato",
    "presentazione",
    "sintesi dei risultati",
    "contesto e risorse",
    "la performance dell'ente nel suo complesso",
    "il processo di redazione",
    "la validazione",
    "indice",
    "sommario",
)

# Header fields: the label's start, compared as `key` gives it, and the objective's key.
HEADER_LABELS = (
    ("codice", "code"),
    ("titolo", "title"),
    ("programma", "programme"),
    ("area strategica", "strategic_area"),
    ("servizi interessati", "services"),
    ("obiettivo operativo", "operational_objective"),
    ("utenti finali", "end_users"),
    ("progetto peg", "peg_project"),
    ("reti di collaborazione", "networks"),
    ("tipologia", "typology"),
    ("classificazione", "classification"),
    ("peso", "weight"),
    # The area, when the document does not put the sheets under a "Centro di responsabilità" heading.
    ("centro di responsabilita", "area"),
    ("settore", "area"),
    ("servizio", "area"),
    ("unita organizzativa", "area"),
    ("struttura", "area"),
)
# What Traguardi's own Relazione computes from the year's facts (reports.labels): not plan data. Only a document
# Traguardi exported is read with them left out; in another, they are columns like any other.
COMPUTED = {"stato e fatti dell'anno", "% raggiungimento"}

ACTIVITY_COLUMNS = {
    "attivita": "description",
    "descrizione attivita": "description",
    "descrizione dell'attivita": "description",
    "fase": "description",
    "azione": "description",
    "tempi": "planned",
    "tempi previsti": "planned",
    "tempistica": "planned",
    "tempi di realizzazione": "planned",
    "scadenza": "planned",
    "consuntivo": "actual",
    "tempi effettivi": "actual",
    "realizzato": "actual",
    "codice": "code",
    "enti esterni": "external_bodies",
    "soggetti esterni": "external_bodies",
}
INDICATOR_COLUMNS = {
    "indicatore": "name",
    "nome indicatore": "name",
    "descrizione": "description",
    "unita misura": "unit",
    "unita di misura": "unit",
    "unita": "unit",
    "tipo": "type",
    "tipologia": "type",
    "note": "note",
}
TARGET = re.compile(r"^valore (?:atteso|obiettivo|target)(?: (?P<year>\d{4}))?$")
ACTUAL = re.compile(r"^valore (?:consuntivo|raggiunto|rilevato)(?: (?P<year>\d{4}))?$")


def key(text: str) -> str:
    """A header or label as compared: without case, accents, spacing, or the apostrophe that stands for an accent
    ("ATTIVITA'")."""
    return _APOSTROPHE_ACCENT.sub("", normalise_header(text))


@dataclass(frozen=True)
class Cell:
    column: int  # the first grid column it covers, from 1
    span: int
    text: str
    nested: int = 0  # tables inside it, which are not read


def blocks(body: Any) -> Iterator[Any]:
    """The body's paragraphs (w:p) and tables (w:tbl) in order, those inside content controls (w:sdt) included."""
    for child in body.iterchildren():
        if child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from blocks(content)


def paragraph_text(paragraph: Any) -> str:
    """The text a reader sees: runs, tracked insertions, fields' results, tabs and line breaks; deleted text
    (w:delText) is not shown and not read."""
    parts = []
    for element in paragraph.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
        if element.tag == qn("w:t"):
            parts.append(element.text or "")
        else:
            parts.append("\t" if element.tag == qn("w:tab") else "\n")
    return "".join(parts).strip()


def _cell_text(cell: Any) -> tuple[str, int]:
    """A cell's paragraphs (one a line) and how many tables it holds besides."""
    lines = [paragraph_text(p) for p in blocks(cell) if p.tag == qn("w:p")]
    nested = sum(1 for child in blocks(cell) if child.tag == qn("w:tbl"))
    return "\n".join(line for line in lines if line).strip(), nested


def _int(element: Any, default: int) -> int:
    value = element.get(qn("w:val")) if element is not None else None
    return int(value) if value is not None and value.isdigit() else default


def table_rows(table: Any) -> list[list[Cell]]:
    """Each row's cells at their grid columns. A row's leading empty columns (w:gridBefore) are skipped in the
    numbering, a cell spanning columns (w:gridSpan) is one cell, and a cell merged down from the row above
    (w:vMerge) has the text of the merge's first cell, as the reader sees it across the rows."""
    rows: list[list[Cell]] = []
    above: dict[int, Cell] = {}
    for row in table.iterchildren(qn("w:tr")):
        properties = row.find(qn("w:trPr"))
        column = 1 + _int(properties.find(qn("w:gridBefore")) if properties is not None else None, 0)
        cells: list[Cell] = []
        for cell in _row_cells(row):
            cell_properties = cell.find(qn("w:tcPr"))
            span = max(1, _int(cell_properties.find(qn("w:gridSpan")) if cell_properties is not None else None, 1))
            merge = cell_properties.find(qn("w:vMerge")) if cell_properties is not None else None
            if merge is not None and merge.get(qn("w:val")) != "restart" and column in above:
                found = Cell(column, span, above[column].text)
            else:
                text, nested = _cell_text(cell)
                found = Cell(column, span, text, nested)
            cells.append(found)
            column += span
        above = {cell.column: cell for cell in cells}
        rows.append(cells)
    return rows


def _row_cells(row: Any) -> Iterator[Any]:
    for child in row.iterchildren():
        if child.tag == qn("w:tc"):
            yield child
        elif child.tag == qn("w:sdt") and (content := child.find(qn("w:sdtContent"))) is not None:
            yield from _row_cells(content)


def heading_levels(word: Any) -> dict[str, int]:
    """The level of each paragraph style that is a heading: 0 for the title, N for "Heading N" (Word's Italian
    "Titolo N"), or the style's outline level."""
    levels: dict[str, int] = {}
    for style in word.styles:
        name = style.name or ""
        if name in {"Title", "Titolo"}:
            levels[style.style_id] = 0
        elif match := re.match(r"^(?:heading|titolo)\s*(\d)$", name, re.IGNORECASE):
            levels[style.style_id] = int(match.group(1))
        elif (level := _outline(style.element)) is not None:
            levels[style.style_id] = level
    return levels


def heading_level(paragraph: Any, levels: dict[str, int]) -> int | None:
    """The paragraph's heading level, None for body text: its own outline level, or its style's."""
    own = _outline(paragraph)
    if own is not None:
        return own
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return levels.get(style.get(qn("w:val"), "")) if style is not None else None


def _outline(element: Any) -> int | None:
    """w:outlineLvl 0–8 is a heading of level 1–9; 9 (body text) or a value that is not a number is none."""
    found = element.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
    value = _int(found, 9)
    return value + 1 if value < 9 else None


def all_bold(paragraph: Any) -> bool:
    """Every run with text is bold (a line set apart as a title without a heading style)."""
    runs = [run for run in paragraph.iter(qn("w:r")) if run.find(qn("w:t")) is not None]
    return bool(runs) and all(_bold(run) for run in runs)


def _bold(run: Any) -> bool:
    bold = run.find(f"{qn('w:rPr')}/{qn('w:b')}")
    return bold is not None and bold.get(qn("w:val"), "true") not in {"0", "false"}
