"""A list of the pages as a file: CSV or XLSX, with the rows the page's filters select (every page of them, not
only the one shown), its own columns, and its name.

- CSV for Italian spreadsheets: UTF-8 with a byte order mark (Excel reads accents right), `;` between fields,
  dates as dd/mm/yyyy, numbers as written (whole numbers here), one header row.
- XLSX (openpyxl, write-only): the header bold and frozen, dates as real dates shown dd/mm/yyyy, numbers as
  numbers, text as text; the workbook's title, author and language set.

No formula is ever written: a text that a spreadsheet would read as one ("=", "+", "-", "@", a tab or a carriage
return first, and not a plain number) gets a leading apostrophe in CSV (reports.render.opendata.spreadsheet_safe,
the open data's own rule) and is stored as text in XLSX. Characters that XML cannot hold (a Word document's
manual line break, \x0b) are left out of both (reports.render.text.xml_safe). Decimals are written with a comma.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from plans.office import active_language, describe_workbook
from reports.render.opendata import spreadsheet_safe
from reports.render.text import xml_safe

Value = str | int | Decimal | dt.date | None
FORMATS = ("csv", "xlsx")
DATE_FORMAT = "DD/MM/YYYY"


@dataclass(frozen=True)
class Table:
    title: str  # the sheet's and the workbook's title
    filename: str  # without extension: "scadenze-mancate"
    header: Sequence[str]
    rows: Iterable[Sequence[Value]]


def _csv_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    if isinstance(value, str):
        return str(spreadsheet_safe(xml_safe(value)))
    return str(value)


def csv_bytes(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow([_csv_text(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(table: Table, author: str) -> bytes:
    workbook = Workbook(write_only=True)
    describe_workbook(workbook, title=table.title, author=author, language=active_language())  # the headers' language
    sheet = workbook.create_sheet(table.title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in table.header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        cells = []
        for value in row:
            if isinstance(value, str):
                value = xml_safe(value)
            cell = WriteOnlyCell(sheet, value=cast(Any, value))  # openpyxl takes Decimal and date; its stubs do not say
            if isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
            elif isinstance(value, str):
                cell.data_type = "s"  # text, never a formula, whatever it starts with
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def response(table: Table, fmt: str, author: str) -> HttpResponse:
    """The file of `table` in `fmt` ("csv" or "xlsx"), as an attachment named after the list and today."""
    name = f"{table.filename}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    if fmt == "xlsx":
        content = xlsx_bytes(table, author)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content, kind = csv_bytes(table), "text/csv; charset=utf-8"
    answer = HttpResponse(content, content_type=kind)
    answer["Content-Disposition"] = f'attachment; filename="{name}"'
    return answer
