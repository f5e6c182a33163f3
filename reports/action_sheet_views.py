"""The document of a Piano di Zona (its action sheets): at its own URL, and at the Relazione's download URLs.

`sheets` answers /piani/<id>/schede.<fmt> for any plan with sheets, a plan that also has objectives
included. reports.views hands a Relazione download over to `download` when the plan has action sheets and
no objectives (reports.action_sheets.shows_action_sheets): its Relazione would be empty, the sheets are the
plan. The document covers the whole plan, so every year of the plan gives the same one; the year is still
checked as for the Relazione, and the file is named after the plan's period.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from plans.models import Plan
from reports import views
from reports.action_sheets import ActionSheetsDocument, build_action_sheets
from reports.formats import OPEN_DATA, RELAZIONE
from reports.render import action_sheets as render

_UNSAFE_IN_FILENAME = re.compile(r"[^\w.-]+")


@dataclass(frozen=True)
class SheetsFormat:
    extension: str
    content_type: str
    render: Callable[[ActionSheetsDocument], bytes]
    prefix: str  # of the file name

    def filename(self, document: ActionSheetsDocument) -> str:
        """ "schede-PSZ-2011-2013.pdf", "dati-aperti-schede-PSZ-2011-2013.csv"."""
        code = _UNSAFE_IN_FILENAME.sub("-", document.plan_code)
        return f"{self.prefix}-{code}-{document.year_start}-{document.year_end}.{self.extension}"


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORMATS: dict[str, dict[str, SheetsFormat]] = {
    RELAZIONE: {
        "pdf": SheetsFormat("pdf", "application/pdf", render.render_pdf, "schede"),
        "docx": SheetsFormat("docx", DOCX, render.render_docx, "schede"),
    },
    OPEN_DATA: {
        "csv": SheetsFormat("csv", "text/csv; charset=utf-8", render.render_csv, "dati-aperti-schede"),
        "json": SheetsFormat("json", "application/json", render.render_json, "dati-aperti-schede"),
    },
}


EVERY_FORMAT = FORMATS[RELAZIONE] | FORMATS[OPEN_DATA]


@require_safe
@login_required
def sheets(request: HttpRequest, plan_id: int, fmt: str) -> HttpResponse:
    plan = views.visible_plan(request, plan_id)
    if plan is None:
        return views.plan_not_found(request)
    if not plan.action_sheets.exists():
        return views.not_found(request, _("Il piano %(code)s non ha schede.") % {"code": plan.code}, plan)
    return _file(request, plan, fmt, EVERY_FORMAT)


def download(request: HttpRequest, plan: Plan, year: int, fmt: str, *, kind: str) -> HttpResponse:
    """The sheets' document in `fmt`, for a plan the person may see (checked by the caller)."""
    if fmt in FORMATS[kind]:  # an unknown format is told first, as for the Relazione
        refused = views.year_not_in_plan(request, plan, year)
        if refused is not None:
            return refused
    return _file(request, plan, fmt, FORMATS[kind])


def _file(request: HttpRequest, plan: Plan, fmt: str, formats: dict[str, SheetsFormat]) -> HttpResponse:
    chosen = formats.get(fmt)
    if chosen is None:
        message = _(
            "Il formato «%(format)s» non è disponibile per le schede del Piano di Zona. Formati disponibili: %(known)s."
        )
        return views.not_found(request, message % {"format": fmt, "known": ", ".join(formats)}, plan)
    document = build_action_sheets(plan=plan)
    return HttpResponse(
        chosen.render(document),
        content_type=chosen.content_type,
        headers={"Content-Disposition": content_disposition_header(True, chosen.filename(document))},
    )
