"""The intermediate monitoring report as PDF (WeasyPrint, template reports/monitoring.html) and DOCX (python-docx).

Both read one layout, worded once (reports.monitoring_labels): headings, the objective's facts, the activity
and indicator tables as plain strings.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string
from docx.document import Document as DocumentObject
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from reports import labels
from reports import monitoring_labels as words
from reports.monitoring_sections import Monitoring
from reports.render.pdf import html_to_pdf
from reports.render.text import xml_safe
from reports.render.word import office_document, page_numbers

TEMPLATE = "reports/monitoring.html"
_UNSAFE_IN_FILENAME = re.compile(r"[^\w.-]+")


@dataclass(frozen=True)
class ObjectiveLayout:
    heading: str
    title: str
    facts: list[tuple[str, str]]
    activities: list[tuple[str, ...]]
    indicators: list[tuple[str, ...]]


@dataclass(frozen=True)
class AreaLayout:
    heading: str
    objectives: list[ObjectiveLayout]


@dataclass(frozen=True)
class Layout:
    title: str
    subtitle: str
    introduction: str
    organization_name: str
    activity_columns: tuple[str, ...]
    indicator_columns: tuple[str, ...]
    areas: list[AreaLayout]
    empty: str


def layout(monitoring: Monitoring) -> Layout:
    return Layout(
        title=words.title(monitoring),
        subtitle=words.subtitle(monitoring),
        introduction=words.introduction(monitoring),
        organization_name=monitoring.organization_name,
        activity_columns=words.activity_columns(monitoring),
        indicator_columns=words.indicator_columns(monitoring),
        areas=[
            AreaLayout(
                heading=words.area_heading(area),
                objectives=[
                    ObjectiveLayout(
                        heading=words.objective_heading(objective),
                        title=objective.title,
                        facts=words.objective_facts(objective, monitoring),
                        activities=[words.activity_row(activity) for activity in objective.activities],
                        indicators=[words.indicator_row(indicator) for indicator in objective.indicators],
                    )
                    for objective in area.objectives
                ],
            )
            for area in monitoring.areas
        ],
        empty=words.nothing_to_show(monitoring),
    )


def filename(monitoring: Monitoring, extension: str) -> str:
    """ "monitoraggio-PEG-2026-2026-06-30.pdf"."""
    code = _UNSAFE_IN_FILENAME.sub("-", monitoring.plan_code)
    return f"monitoraggio-{code}-{monitoring.date:%Y-%m-%d}.{extension}"


def render_monitoring_html(monitoring: Monitoring) -> str:
    context = {
        "layout": layout(monitoring),
        "page": labels.PAGE,
        "of": labels.OF,
        "activities_heading": words.ACTIVITIES_HEADING,
        "indicators_heading": words.INDICATORS_HEADING,
    }
    return render_to_string(TEMPLATE, context)


def render_monitoring_pdf(monitoring: Monitoring) -> bytes:
    return html_to_pdf(render_monitoring_html(monitoring))  # tagged PDF/UA, as the Relazione


def render_monitoring_docx(monitoring: Monitoring) -> bytes:
    page = layout(monitoring)
    document = office_document(f"{page.title} – {page.organization_name}", page.organization_name, landscape=True)
    document.styles["Normal"].font.size = Pt(9)
    _narrow_margins(document)
    page_numbers(document)
    document.add_heading(page.title, level=0)
    document.add_paragraph(xml_safe(page.subtitle))
    document.add_paragraph(page.introduction)
    if not page.areas:
        document.add_paragraph(page.empty)
    for area in page.areas:
        document.add_heading(xml_safe(area.heading), level=1)
        for objective in area.objectives:
            document.add_heading(xml_safe(objective.heading), level=2)
            document.add_paragraph().add_run(xml_safe(objective.title)).bold = True
            for label, value in objective.facts:
                paragraph = document.add_paragraph()
                paragraph.add_run(f"{label}: ").bold = True
                paragraph.add_run(xml_safe(value))
            if objective.activities:
                document.add_heading(str(words.ACTIVITIES_HEADING), level=3)
                _table(document, page.activity_columns, objective.activities)
            if objective.indicators:
                document.add_heading(str(words.INDICATORS_HEADING), level=3)
                _table(document, page.indicator_columns, objective.indicators)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# extension → (content type, renderer): what the page and the command offer.
FORMATS: dict[str, tuple[str, Callable[[Monitoring], bytes]]] = {
    "pdf": ("application/pdf", render_monitoring_pdf),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", render_monitoring_docx),
}


def _narrow_margins(document: DocumentObject) -> None:
    """A4 landscape with 15 mm margins: seven columns of activities need the width."""
    section = document.sections[0]
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))


def _table(document: DocumentObject, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    marker = OxmlElement("w:tblHeader")  # the header row repeats on every page the table spans
    marker.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(marker)
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.paragraphs[0].add_run(xml_safe(text))
