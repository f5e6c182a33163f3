"""The Relazione documents prepared in the background: ask for one, follow it, download it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from config.http import AuthenticatedRequest, is_htmx
from reports.exports import PACK_FORMAT, is_large, request_export
from reports.formats import FORMATS
from reports.models import ReportExport
from reports.views import not_found, plan_not_found, visible_plan, year_not_in_plan

DOCUMENT_FORMATS = tuple(extension for extension, fmt in FORMATS.items() if fmt.background)
HISTORY = 20  # the latest jobs shown for one plan and year


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def documents(request: AuthenticatedRequest, plan_id: int, year: int) -> HttpResponse:
    plan = visible_plan(request, plan_id)
    if plan is None:
        return plan_not_found(request)
    refused = year_not_in_plan(request, plan, year)
    if refused is not None:
        return refused
    error = ""
    chosen = request.POST.get("formato", "") if request.method == "POST" else request.GET.get("formato", "pdf")
    if request.method == "POST":
        if chosen in DOCUMENT_FORMATS:
            _export, created = request_export(actor=request.user, plan=plan, year=year, fmt=chosen)
            if created:
                messages.success(request, _("Documento %(format)s in preparazione.") % {"format": chosen.upper()})
            else:
                messages.info(request, _("Questo documento è già in preparazione: attendi che sia pronto."))
            return redirect(reverse("reports:documents", args=[plan.pk, year]))
        error = _("Scegli il formato del documento: %(known)s.") % {"known": ", ".join(DOCUMENT_FORMATS)}
    exports = list(
        ReportExport.objects.filter(plan=plan, year=year)
        .exclude(fmt=PACK_FORMAT)  # the evidence pack has its own page, for the director and the OIV
        .select_related("requested_by")
        .defer("content")
        .order_by("-requested_at", "-pk")[:HISTORY]
    )
    objective_count = plan.objectives.count()
    context = {
        "plan": plan,
        "year": year,
        "exports": exports,
        "pending": any(export.is_pending for export in exports),
        "formats": DOCUMENT_FORMATS,
        "chosen": chosen if chosen in DOCUMENT_FORMATS else DOCUMENT_FORMATS[0],
        "large": is_large(objective_count),
        "objective_count": objective_count,
        "error": error,
    }
    template = "reports/documents_table.html" if is_htmx(request) else "reports/documents.html"
    return render(request, template, context, status=400 if error else 200)


@require_safe
@login_required
def download(request: AuthenticatedRequest, plan_id: int, export_id: int) -> HttpResponse:
    plan = visible_plan(request, plan_id)
    export = (
        ReportExport.objects.filter(pk=export_id, plan_id=plan.pk, status=ReportExport.Status.READY)
        .exclude(fmt=PACK_FORMAT)
        .first()
        if plan is not None
        else None
    )
    if export is None or export.content is None:
        return not_found(request, _("Il documento richiesto non esiste, non è ancora pronto o non puoi consultarlo."))
    return HttpResponse(
        bytes(export.content),
        content_type=FORMATS[export.fmt].content_type,
        headers={"Content-Disposition": content_disposition_header(True, export.filename)},
    )
