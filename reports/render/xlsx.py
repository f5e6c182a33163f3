"""The Relazione as a workbook: one sheet of objectives, one of activities, one of indicators."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from plans.office import describe_workbook
from reports import labels
from reports.render.publication import publication_of
from reports.render.text import xml_safe
from reports.sections import Relazione

Cell = str | int | Decimal | None
PERCENT_FORMAT = "0.0"
COLUMN_WIDTH = 18
WIDE_COLUMN_WIDTH = 60


def render_xlsx(relazione: Relazione) -> bytes:
    workbook = Workbook()
    publication = publication_of(relazione)
    describe_workbook(workbook, title=xml_safe(publication.title), author=xml_safe(publication.author))
    objectives = workbook.active
    assert objectives is not None  # a new workbook always has one sheet
    _fill(objectives, _("Obiettivi"), _objective_header(), _objective_rows(relazione), wide={5, 12, 13})
    _fill(workbook.create_sheet(), _("Attività"), _activity_header(), _activity_rows(relazione), wide={3, 9, 10})
    indicators = workbook.create_sheet()
    _fill(indicators, _("Indicatori"), _indicator_header(relazione.year), _indicator_rows(relazione), wide={3})
    for cell in indicators["H"][1:]:
        cell.number_format = PERCENT_FORMAT
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _objective_header() -> list[str]:
    fields = [str(label) for _field, label in labels.HEADER_FIELDS]
    head = [str(labels.AREAS), str(labels.CODE), str(labels.PROGRAMME), str(labels.NUMBER), str(labels.OBJECTIVE)]
    return [*head, *fields, str(labels.DESCRIPTION_HEADING), _("Report")]


def _objective_rows(relazione: Relazione) -> Iterable[Sequence[Cell]]:
    for o in relazione.objectives:
        fields = [getattr(o, field) for field, _label in labels.HEADER_FIELDS]
        reports = "\n\n".join(f"{labels.report_heading(report)}\n{report.text}" for report in o.reports)
        yield [", ".join(o.area_codes), o.code, o.programme, o.number, o.title, *fields, o.description, reports]


def _activity_header() -> list[str]:
    columns = [str(column) for column in labels.ACTIVITY_COLUMNS]
    facts = [str(labels.STATE), _("Inizio effettivo"), _("Conclusione effettiva"), _("Richieste e decisioni")]
    return [_("Codice obiettivo"), str(labels.POSITION), *columns, *facts, str(labels.DISCREPANCY)]


def _activity_rows(relazione: Relazione) -> Iterable[Sequence[Cell]]:
    for objective in relazione.objectives:
        for a in objective.activities:
            events = "\n".join(labels.event_text(event) for event in a.events)
            state = str(labels.STATES.get(a.state, a.state))
            facts = [state, labels.day(a.actual_start), labels.day(a.actual_end), events, a.discrepancy]
            yield [objective.code, a.position, a.description, a.planned, a.actual, *facts]


def _indicator_header(year: int) -> list[str]:
    return [_("Codice obiettivo"), str(labels.POSITION), *labels.indicator_columns(year), str(labels.LIGHT)]


def _indicator_rows(relazione: Relazione) -> Iterable[Sequence[Cell]]:
    for o in relazione.objectives:
        for i in o.indicators:
            light = str(labels.LIGHTS[i.light]) if i.light in labels.LIGHTS else ""
            yield [o.code, i.position, i.name, i.description, i.unit, i.expected, i.actual, i.percent, light]


def _fill(sheet: Worksheet, title: str, header: Sequence[str], rows: Iterable[Sequence[Cell]], wide: set[int]) -> None:
    sheet.title = title
    sheet.append(list(header))
    for row in rows:
        sheet.append([xml_safe(value) if isinstance(value, str) else value for value in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # "=>4" is a threshold as written, not a formula
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index in range(1, len(header) + 1):
        width = WIDE_COLUMN_WIDTH if index in wide else COLUMN_WIDTH
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
