"""The final scores of a year's evaluation sheets for the payroll office: one row per person, as an Italian CSV
(";" between columns, decimal comma, UTF-8 with BOM, as reports.render.opendata_it) and as a workbook.

A score is given only once the evaluator has submitted the sheet (it is frozen then); a sheet still in
preparation shows its state and no score."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from evaluation.models import EvaluationSheet
from plans.office import active_language, describe_workbook
from reports.render.opendata import spreadsheet_safe
from reports.render.opendata_it import DELIMITER, ENCODING
from reports.render.text import xml_safe

SCORE_FORMAT = "0.00"


@dataclass(frozen=True)
class PayrollRow:
    person: str
    username: str
    role: str
    year: int
    score: Decimal | None
    state: str


def payroll_rows(sheets: QuerySet[EvaluationSheet]) -> Iterable[PayrollRow]:
    for sheet in sheets.select_related("person").order_by(
        "person__last_name", "person__first_name", "person__username"
    ):
        frozen = sheet.state != EvaluationSheet.State.DRAFT
        yield PayrollRow(
            person=sheet.person.get_full_name() or sheet.person.username,
            username=sheet.person.username,
            role=str(sheet.get_role_display()),
            year=sheet.year,
            score=sheet.final_score if frozen else None,
            state=str(sheet.get_state_display()),
        )


def columns() -> list[str]:
    return [_("Persona"), _("Utente"), _("Ruolo"), _("Anno"), _("Punteggio finale (%)"), _("Stato della scheda")]


def score_text(value: Decimal | None) -> str:
    """ "81,25": two decimals, comma as separator."""
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def render_payroll_csv(rows: Iterable[PayrollRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow(columns())
    for row in rows:
        cells = (row.person, row.username, row.role, row.year, score_text(row.score), row.state)
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return buffer.getvalue().encode(ENCODING)


def render_payroll_xlsx(rows: Iterable[PayrollRow], *, organization_name: str = "", year: int | None = None) -> bytes:
    workbook = Workbook()
    title = _("Valutazioni individuali %(year)s") % {"year": year} if year else _("Valutazioni individuali")
    describe_workbook(
        workbook,
        title=f"{title} – {organization_name}" if organization_name else title,
        author=organization_name or "Traguardi",
        language=active_language(),  # the headers' language
    )
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = _("Punteggi")
    sheet.append(columns())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        cells = (row.person, row.username, row.role, row.year, row.score, row.state)
        # Control characters out first, then the escape: "\x01=HYPERLINK(…)" must not become a formula.
        sheet.append([str(spreadsheet_safe(xml_safe(cell))) if isinstance(cell, str) else cell for cell in cells])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula, whatever it starts with
        sheet.cell(row=sheet.max_row, column=5).number_format = SCORE_FORMAT
    for letter, width in zip("ABCDEF", (30, 18, 26, 8, 18, 28), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
