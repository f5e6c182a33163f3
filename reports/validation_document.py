"""The OIV's validation document: the body, the plan, the date, the OIV, each criterion with its outcome and note,
the observations and the outcome, as a tagged PDF (the Relazione's pipeline: an HTML template written by
WeasyPrint as PDF/UA-1) or as a Word document (the Relazione's page setup, cover and properties).

`render_validation_document(validation, fmt)` is the one entry point, for the pages and for the evidence pack.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from reports import labels
from reports.facts import person_name
from reports.render.pdf import html_to_pdf
from reports.render.publication import LANGUAGE, Publication
from reports.render.text import xml_safe
from reports.render.word import publication_document
from reports.sections import CriterionFinding, ValidationSection

FORMATS = ("pdf", "docx")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
TEMPLATE = "reports/validation.html"


class UnknownFormat(ValueError):
    """A format other than "pdf" or "docx"."""


def validation_section(validation: Any, checks: Iterable[Any] | None = None) -> ValidationSection:
    """A recorded (or draft) workflow.models.Validation as plain data, with `checks` (its ValidationCheck rows,
    read by the caller) or, without them, its checks read now."""
    plan = validation.plan
    checks = validation.checks.all() if checks is None else checks
    return ValidationSection(
        organization_name=plan.organization.name,
        plan_code=plan.code,
        plan_title=plan.title,
        year=validation.year,
        outcome=validation.outcome,
        outcome_label=str(validation.get_outcome_display()),
        recorded_on=timezone.localdate(validation.recorded_at) if validation.recorded_at else None,
        auditor=person_name(validation.auditor),
        findings=tuple(
            CriterionFinding(
                title=check.title,
                guidance=check.guidance,
                result=check.result,
                result_label=str(check.get_result_display()) if check.result else "—",
                note=check.note,
            )
            for check in sorted(checks, key=lambda check: (check.position, check.pk))
        ),
        observations=validation.observations,
        motivation=validation.motivation,
    )


def heading(section: ValidationSection) -> str:
    return _("Documento di validazione della Relazione sulla Performance %(year)d") % {"year": section.year}


def filename(section: ValidationSection, fmt: str) -> str:
    day = f"{section.recorded_on:%Y%m%d}" if section.recorded_on else "bozza"
    return f"validazione-{section.plan_code}-{section.year}-{day}.{fmt}"


def render_validation_document(validation: Any, fmt: str) -> bytes:
    """The validation document of `validation` (a workflow.models.Validation) as "pdf" or "docx" bytes."""
    if fmt not in FORMATS:
        raise UnknownFormat(fmt)
    section = validation_section(validation)
    publication = Publication(
        heading=heading(section),
        author=section.organization_name,
        plan_title=section.plan_title,
        plan_code=section.plan_code,
        prepared_at=timezone.localtime(validation.recorded_at or timezone.now()),
    )
    if fmt == "pdf":
        return _pdf(section, publication)
    return _docx(section, publication)


def outcome_sentence(section: ValidationSection) -> str:
    if not section.outcome:
        return _("Bozza: l'esito non è ancora registrato.")
    return _("L'Organismo indipendente di valutazione, il %(date)s, ha registrato l'esito: Relazione %(outcome)s.") % {
        "date": labels.day(section.recorded_on),
        "outcome": section.outcome_label,
    }


def _pdf(section: ValidationSection, publication: Publication) -> bytes:
    context = {
        "section": section,
        "publication": publication,
        "language": LANGUAGE,
        "outcome_sentence": outcome_sentence(section),
    }
    return html_to_pdf(render_to_string(TEMPLATE, context))


def _docx(section: ValidationSection, publication: Publication) -> bytes:
    document = publication_document(publication)
    document.add_heading(xml_safe(publication.heading), level=1)
    facts = [
        (_("Ente"), section.organization_name),
        (_("Piano"), f"{section.plan_code} – {section.plan_title}"),
        (_("Anno della Relazione"), str(section.year)),
        (_("Organismo di valutazione (OIV)"), section.auditor),
        (_("Data"), labels.day(section.recorded_on)),
        (_("Esito"), section.outcome_label or _("bozza")),
    ]
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in facts:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].paragraphs[0].add_run(xml_safe(value))
    document.add_heading(_("Verifica dei criteri"), level=2)
    criteria = document.add_table(rows=1, cols=3)
    criteria.style = "Table Grid"
    for cell, text in zip(criteria.rows[0].cells, (_("Criterio"), _("Esito"), _("Nota")), strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for finding in section.findings:
        cells = criteria.add_row().cells
        cells[0].paragraphs[0].add_run(xml_safe(finding.title))
        cells[1].paragraphs[0].add_run(xml_safe(finding.result_label))
        cells[2].paragraphs[0].add_run(xml_safe(finding.note))
    document.add_heading(_("Osservazioni"), level=2)
    _paragraphs(document, section.observations or _("Nessuna osservazione."))
    if section.motivation:
        document.add_heading(_("Motivazione della mancata validazione"), level=2)
        _paragraphs(document, section.motivation)
    document.add_heading(_("Esito"), level=2)
    document.add_paragraph(xml_safe(outcome_sentence(section)))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _paragraphs(document: Any, text: str) -> None:
    for paragraph in text.split("\n\n"):
        if paragraph.strip():
            document.add_paragraph(xml_safe(paragraph.strip()))
