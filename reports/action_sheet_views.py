"""The document of a Piano di Zona (its action sheets): at its own URL, and at the Relazione's download URLs.

`sheets` answers /piani/<id>/schede.<fmt> for any plan with sheets, a plan that also has objectives
included. reports.views hands a Relazione download over to `download` when the plan has action sheets and
no objectives (reports.action_sheets.shows_action_sheets): its Relazione would be empty, the sheets are the
plan. The document covers the whole plan, so every year of the plan gives the same one; the year is still
checked as for the Relazione, and the file is named after the plan's period.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from plans.models import Plan
from reports import views
from reports.action_sheets import build_action_sheets
from reports.exports import needs_background
from reports.models import ReportExport
from reports.sheet_formats import EVERY_FORMAT, FORMATS, SheetsFormat


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
    if needs_background(plan, fmt, kind=ReportExport.Kind.SHEETS):
        announce = _("Schede del Piano di Zona in %(format)s in preparazione.") % {"format": fmt.upper()}
        return views.in_background(
            request, plan, plan.year_start, fmt, kind=ReportExport.Kind.SHEETS, announce=announce
        )
    document = build_action_sheets(plan=plan)
    return HttpResponse(
        chosen.render(document),
        content_type=chosen.content_type,
        headers={"Content-Disposition": content_disposition_header(True, chosen.filename(document))},
    )
