"""The PIAO's performance section as tagged PDF (the Relazione's HTML-to-PDF/UA path) and as DOCX, ready for upload
to the Funzione Pubblica's portal: the same parts, labels and order in both, from reports.piao."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from docx.document import Document as DocumentObject
from docx.shared import Pt

from reports import piao as labels
from reports.piao import ObjectiveBlock, PiaoSection
from reports.render.pdf import html_to_pdf
from reports.render.text import xml_safe
from reports.render.word import office_document, page_numbers

TEMPLATE = "reports/piao_section.html"


def title(section: PiaoSection) -> str:
    return f"{labels.PIAO} {section.period} – {labels.TITLE}"


def filename(section: PiaoSection, extension: str) -> str:
    code = "".join(char if char.isalnum() or char in "-_" else "-" for char in section.plan_code)
    return f"piao-sezione-performance-{code}-{section.period.replace('–', '-')}.{extension}"


def summary_columns() -> list[str]:
    return [_("Codice"), _("Obiettivo"), _("Aree"), _("Peso"), _("Indicatori")]


def indicator_columns(section: PiaoSection) -> list[str]:
    years = [_("Valore atteso %(year)d") % {"year": year} for year in section.years]
    return [_("N."), _("Indicatore"), _("Unità di misura"), _("Tipo"), _("Peso"), _("Baseline"), *years]


def render_html(section: PiaoSection) -> str:
    context = {
        "section": section,
        "labels": labels,
        "title": title(section),
        "summary_columns": summary_columns(),
        "indicator_columns": indicator_columns(section),
    }
    return render_to_string(TEMPLATE, context)


def render_pdf(section: PiaoSection) -> bytes:
    return html_to_pdf(render_html(section))


def render_docx(section: PiaoSection) -> bytes:
    word = office_document(f"{title(section)} – {section.organization_name}", section.organization_name)
    word.styles["Normal"].font.size = Pt(10)
    word.add_heading(xml_safe(f"{labels.PIAO} {section.period}"), level=0)
    word.add_paragraph(xml_safe(f"{section.organization_name} – {section.plan_title} ({section.plan_code})"))
    page_numbers(word)
    word.add_heading(str(labels.SECTION), level=1)
    word.add_heading(str(labels.TITLE), level=2)
    word.add_paragraph(xml_safe(section.legal_basis))
    if section.adoption:
        word.add_paragraph(xml_safe(_("Atto di adozione del piano: %(act)s.") % {"act": section.adoption}))
    word.add_heading(_("Quadro degli obiettivi"), level=3)
    rows = [(o.code, o.title, o.areas, o.weight, str(len(o.indicators))) for o in section.summary]
    _table(word, rows, summary_columns())
    for area in section.areas:
        word.add_page_break()
        word.add_heading(xml_safe(area.name), level=3)
        for objective in area.objectives:
            _objective(word, objective, section)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _objective(word: DocumentObject, objective: ObjectiveBlock, section: PiaoSection) -> None:
    word.add_heading(xml_safe(f"{_('Obiettivo')} {objective.code}"), level=4)
    word.add_paragraph().add_run(xml_safe(objective.title)).bold = True
    facts = objective.facts
    if facts:
        _table(word, facts, None)
    if objective.indicators:
        rows = [
            (str(i.position), i.name, i.unit, i.kind, i.weight, i.baseline, *i.targets) for i in objective.indicators
        ]
        _table(word, rows, indicator_columns(section))
    else:
        word.add_paragraph(_("Nessun indicatore."))


def _table(word: DocumentObject, rows: Sequence[Sequence[str]], header: Sequence[str] | None) -> None:
    width = len(header) if header else len(rows[0])
    table = word.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    if header:
        for cell, text in zip(table.add_row().cells, header, strict=True):
            cell.paragraphs[0].add_run(text).bold = True
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.paragraphs[0].add_run(xml_safe(text))


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The formats of the section: extension → (content type, renderer).
FORMATS: dict[str, tuple[str, Callable[[PiaoSection], bytes]]] = {
    "pdf": ("application/pdf", render_pdf),
    "docx": (DOCX, render_docx),
}
