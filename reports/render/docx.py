"""The Relazione as an editable Word document: headings and tables with the same columns as the PDF, after the
cover and the table of contents of reports.render.word."""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx.document import Document as DocumentObject
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table

from reports import labels
from reports.render import docx_chapters
from reports.render.publication import publication_of
from reports.render.text import xml_safe
from reports.render.word import publication_document
from reports.sections import ActivityRow, ObjectiveSection, Relazione


def render_docx(relazione: Relazione) -> bytes:
    document = publication_document(publication_of(relazione))
    docx_chapters.opening(document, relazione, _table)
    for index, area in enumerate(relazione.areas):
        if index:
            document.add_page_break()
        document.add_heading(labels.area_heading(area), level=1)
        for objective in area.objectives:
            _objective(document, objective, relazione.year)
    docx_chapters.closing(document, relazione, _table)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _objective(document: DocumentObject, objective: ObjectiveSection, year: int) -> None:
    document.add_heading(labels.objective_heading(objective), level=2)
    document.add_paragraph().add_run(xml_safe(objective.title)).bold = True
    facts = "\n".join(labels.objective_facts(objective))
    # The code first: the Word document is the one an office edits and imports back (plans.importing.word).
    rows = [(str(labels.CODE), objective.code), *labels.header_rows(objective), (str(labels.FACTS), facts)]
    header = _table(document, rows, header=None)
    for row in header.rows:
        row.cells[0].paragraphs[0].runs[0].bold = True
    if objective.description:
        document.add_heading(str(labels.DESCRIPTION_HEADING), level=3)
        _paragraphs(document, objective.description)
    if objective.activities:
        document.add_heading(str(labels.ACTIVITIES_HEADING), level=3)
        activities = [(a.description, a.planned, a.actual, _facts(a)) for a in objective.activities]
        _table(document, activities, header=[*(str(column) for column in labels.ACTIVITY_COLUMNS), str(labels.FACTS)])
    if objective.indicators:
        document.add_heading(str(labels.INDICATORS_HEADING), level=3)
        indicators = [
            (i.name, i.description, i.unit, i.expected, i.actual, labels.percent_text(i.percent, i.light))
            for i in objective.indicators
        ]
        _table(document, indicators, header=labels.indicator_columns(year))
    for report in objective.reports:
        document.add_heading(labels.report_heading(report), level=3)
        _paragraphs(document, report.text)


def _facts(activity: ActivityRow) -> str:
    lines = labels.activity_facts(activity)
    if activity.discrepancy:
        lines.append(f"{labels.DISCREPANCY}: {activity.discrepancy}")
    return "\n".join(lines)


def _paragraphs(document: DocumentObject, text: str) -> None:
    for paragraph in text.split("\n\n"):
        if paragraph.strip():
            document.add_paragraph(xml_safe(paragraph.strip()))


def _table(document: DocumentObject, rows: Sequence[Sequence[str]], *, header: Sequence[str] | None) -> Table:
    width = len(header) if header else len(rows[0])
    table = document.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    if header:
        cells = table.add_row().cells
        for cell, text in zip(cells, header, strict=True):
            cell.paragraphs[0].add_run(text).bold = True
        _repeat_as_header(table)
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.paragraphs[0].add_run(xml_safe(text))
    return table


def _repeat_as_header(table: Table) -> None:
    """Mark the first row as a header row, repeated at the top of every page the table spans."""
    properties = table.rows[0]._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)
