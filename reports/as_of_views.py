"""The intermediate monitoring report as at a date, downloaded from the plan's page (PDF or DOCX)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from plans.models import Plan
from reports.as_of import build_monitoring
from reports.as_of_dates import parse_as_of
from reports.monitoring_sections import Monitoring
from reports.render.monitoring import filename, render_monitoring_docx, render_monitoring_pdf
from reports.views import NOT_FOUND_TEMPLATE, plan_not_found, visible_plan
from workflow.errors import InvalidInput

DOCUMENTS: dict[str, tuple[str, Callable[[Monitoring], bytes]]] = {
    "pdf": ("application/pdf", render_monitoring_pdf),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", render_monitoring_docx),
}


@require_safe
@login_required
def monitoring(request: HttpRequest, plan_id: int) -> HttpResponse:
    """?al=2026-06-30&formato=pdf. The document is rendered here, not by a worker: see README (monitoring)."""
    plan = visible_plan(request, plan_id)
    if plan is None:
        return plan_not_found(request)
    fmt = request.GET.get("formato", "pdf").strip().lower()
    if fmt not in DOCUMENTS:
        message = _("Il formato «%(format)s» non è disponibile. Formati disponibili: %(known)s.")
        return bad_request(request, message % {"format": fmt[:20], "known": ", ".join(DOCUMENTS)}, plan)
    try:
        day = parse_as_of(request.GET.get("al", ""), plan)
    except InvalidInput as error:
        return bad_request(request, error.message, plan)
    content_type, render_document = DOCUMENTS[fmt]
    report = build_monitoring(plan=plan, moment=day)
    return HttpResponse(
        render_document(report),
        content_type=content_type,
        headers={"Content-Disposition": content_disposition_header(True, filename(report, fmt))},
    )


def bad_request(request: HttpRequest, message: str, plan: Plan) -> HttpResponse:
    return render(request, NOT_FOUND_TEMPLATE, {"message": message, "plan": plan}, status=400)
