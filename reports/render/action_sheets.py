"""The document of a Piano di Zona's action sheets: PDF (tagged), DOCX, and its open data (CSV, JSON).

The same parts, labels and order in every format, from reports.action_sheets. The open data is
machine-oriented like the Relazione's: English keys, comma separator, UTF-8; the CSV has one row per sheet
indicator (a sheet without indicators still gets one row), the JSON the whole structure of every sheet.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from typing import Any

from django.template.loader import render_to_string
from docx.document import Document as DocumentObject
from docx.shared import Pt

from reports import action_sheets as labels
from reports.action_sheets import ActionSheetsDocument, Block, SheetSection
from reports.render.opendata import spreadsheet_safe
from reports.render.pdf import html_to_pdf
from reports.render.text import xml_safe
from reports.render.word import office_document, page_numbers

TEMPLATE = "reports/action_sheets.html"

CSV_COLUMNS = (
    "organization",
    "plan",
    "year_start",
    "year_end",
    "level",
    "sheet_code",
    "sheet_number",
    "sheet_title",
    "area",
    "indicator_position",
    "indicator",
)


def title(document: ActionSheetsDocument) -> str:
    return f"{labels.TITLE} {document.period}"


def render_html(document: ActionSheetsDocument) -> str:
    return render_to_string(TEMPLATE, {"document": document, "labels": labels, "title": title(document)})


def render_pdf(document: ActionSheetsDocument) -> bytes:
    return html_to_pdf(render_html(document))  # tagged PDF/UA, as the Relazione


def render_docx(document: ActionSheetsDocument) -> bytes:
    word = office_document(f"{title(document)} – {document.organization_name}", document.organization_name)
    word.styles["Normal"].font.size = Pt(10)
    word.add_heading(title(document), level=0)
    word.add_paragraph(
        xml_safe(f"{document.organization_name} – {document.plan_title} ({document.plan_code}, {document.period})")
    )
    page_numbers(word)
    first = True
    for group in document.levels:
        for index, sheet in enumerate(group.sheets):
            if not first:
                word.add_page_break()
            first = False
            if index == 0:
                word.add_heading(xml_safe(group.level or str(labels.NO_LEVEL)), level=1)
            _sheet(word, sheet)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _sheet(word: DocumentObject, sheet: SheetSection) -> None:
    word.add_heading(xml_safe(sheet.heading), level=2)
    head = [(labels.GOAL, sheet.goal), (labels.ACTION_TITLE, sheet.title), (labels.AREA, sheet.area_name)]
    rows = [(str(label), value) for label, value in head if value]
    table = word.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].paragraphs[0].add_run(xml_safe(value))
    for part in sheet.parts:
        with_indicators = part.field == labels.EVALUATION_FIELD and sheet.indicators
        if not part.text and not with_indicators:
            continue
        word.add_heading(part.label, level=3)
        for block in part.blocks:
            _block(word, block)
        if with_indicators:
            word.add_heading(str(labels.INDICATORS), level=4)
            for indicator in sheet.indicators:
                word.add_paragraph(xml_safe(f"{indicator.position}. {indicator.text}"))


def _block(word: DocumentObject, block: Block) -> None:
    if block.bulleted:
        for item in block.items:
            word.add_paragraph(xml_safe(item), style="List Bullet")
    else:
        word.add_paragraph(xml_safe(block.items[0]))


def render_csv(document: ActionSheetsDocument) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for sheet in document.sheets:
        common = (
            document.organization_slug,
            document.plan_code,
            document.year_start,
            document.year_end,
            sheet.level,
            sheet.code,
            sheet.number if sheet.number is not None else "",
            sheet.title,
            sheet.area_code,
        )
        rows: list[tuple[int | str, str]] = [(i.position, i.text) for i in sheet.indicators] or [("", "")]
        for position, text in rows:
            writer.writerow([spreadsheet_safe(cell) for cell in (*common, position, text)])
    return buffer.getvalue().encode("utf-8")


def render_json(document: ActionSheetsDocument) -> bytes:
    data: dict[str, Any] = {
        "organization": {"slug": document.organization_slug, "name": document.organization_name},
        "plan": {
            "code": document.plan_code,
            "title": document.plan_title,
            "year_start": document.year_start,
            "year_end": document.year_end,
        },
        "action_sheets": [_sheet_data(sheet) for sheet in document.sheets],
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _sheet_data(sheet: SheetSection) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": sheet.code,
        "number": sheet.number,
        "level": sheet.level,
        "goal": sheet.goal,
        "title": sheet.title,
        "area": sheet.area_code or None,
    }
    data |= {part.field: part.text for part in sheet.parts}
    data["indicators"] = [asdict(indicator) for indicator in sheet.indicators]
    return data
