"""The intermediate monitoring report as at a date, downloaded from the plan's page (PDF or DOCX)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from plans.models import Plan
from reports.as_of import build_monitoring
from reports.as_of_dates import parse_as_of
from reports.exports import needs_background, request_export
from reports.models import ReportExport
from reports.render.monitoring import FORMATS, filename
from reports.views import NOT_FOUND_TEMPLATE, plan_not_found, visible_plan
from workflow.errors import InvalidInput


@require_safe
@login_required
def monitoring(request: HttpRequest, plan_id: int) -> HttpResponse:
    """?al=2026-06-30&formato=pdf. A document whose estimate (reports.sizing) is long is prepared by a worker, as
    the Relazione's (reports.exports): the person is sent to the documents page of the date's year, which lists
    the job with a link to its own page."""
    plan = visible_plan(request, plan_id)
    if plan is None:
        return plan_not_found(request)
    fmt = request.GET.get("formato", "pdf").strip().lower()
    if fmt not in FORMATS:
        message = _("Il formato «%(format)s» non è disponibile. Formati disponibili: %(known)s.")
        return bad_request(request, message % {"format": fmt[:20], "known": ", ".join(FORMATS)}, plan)
    try:
        day = parse_as_of(request.GET.get("al", ""), plan)
    except InvalidInput as error:
        return bad_request(request, error.message, plan)
    if needs_background(plan, fmt, kind=ReportExport.Kind.MONITORING, year=day.year):
        _export, created = request_export(actor=request.user, plan=plan, year=day.year, fmt=fmt, as_of=day)
        if created:
            messages.success(request, _("Monitoraggio %(format)s in preparazione.") % {"format": fmt.upper()})
        else:
            messages.info(request, _("Questo documento è già in preparazione: attendi che sia pronto."))
        return HttpResponseRedirect(reverse("reports:documents", args=[plan.pk, day.year]), status=303)
    content_type, render_document = FORMATS[fmt]
    report = build_monitoring(plan=plan, moment=day)
    return HttpResponse(
        render_document(report),
        content_type=content_type,
        headers={"Content-Disposition": content_disposition_header(True, filename(report, fmt))},
    )


def bad_request(request: HttpRequest, message: str, plan: Plan) -> HttpResponse:
    return render(request, NOT_FOUND_TEMPLATE, {"message": message, "plan": plan}, status=400)
