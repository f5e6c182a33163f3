"""The documents prepared in the background: ask for one (the Relazione's page), follow one job (its own page,
with its stage and progress), download it. Whoever may see the plan may follow and download its documents (the
PIAO section: its director and OIV only); anyone else is told it does not exist."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from config.http import AuthenticatedRequest, is_htmx
from plans.rules import visible_plans
from reports.exports import content_type, needs_background, request_export
from reports.formats import FORMATS
from reports.models import ReportExport
from reports.piao_uploads import may_see_piao
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
        .filter(kind__in=[ReportExport.Kind.RELAZIONE, ReportExport.Kind.MONITORING])  # the others have their pages
        .select_related("requested_by")
        .defer("content")
        .order_by("-requested_at", "-pk")[:HISTORY]
    )
    context = {
        "plan": plan,
        "year": year,
        "exports": exports,
        "pending": any(export.is_pending for export in exports),
        "formats": DOCUMENT_FORMATS,
        "chosen": chosen if chosen in DOCUMENT_FORMATS else DOCUMENT_FORMATS[0],
        "large": needs_background(plan, "pdf", year=year),
        "objective_count": plan.objectives.count(),
        "error": error,
    }
    template = "reports/documents_table.html" if is_htmx(request) else "reports/documents.html"
    return render(request, template, context, status=400 if error else 200)


def may_open(user: Any, export: ReportExport) -> bool:
    """Whether this person may follow and download the job: they may see its plan (and, for the PIAO section,
    are its director or OIV). The evidence pack has its own page and rules."""
    if export.kind == ReportExport.Kind.PACK or not visible_plans(user).filter(pk=export.plan_id).exists():
        return False
    return export.kind != ReportExport.Kind.PIAO or may_see_piao(user, export.plan)


def _job(request: AuthenticatedRequest, plan_id: int, export_id: int) -> ReportExport | None:
    export = (
        ReportExport.objects.filter(pk=export_id, plan_id=plan_id)
        .select_related("plan__organization", "requested_by")
        .defer("content")
        .first()
    )
    return export if export is not None and may_open(request.user, export) else None


@require_safe
@login_required
def job(request: AuthenticatedRequest, plan_id: int, export_id: int) -> HttpResponse:
    """One job's page: its state, its stage and how far it is, refreshed by htmx while it runs (and, without
    JavaScript, by the page's own refresh), then the download link."""
    export = _job(request, plan_id, export_id)
    if export is None:
        return not_found(request, _("Il documento richiesto non esiste o non puoi consultarlo."))
    context = {"export": export, "plan": export.plan, "percent": export.percent(timezone.now())}
    template = "reports/document_job_status.html" if is_htmx(request) else "reports/document_job.html"
    return render(request, template, context)


@require_safe
@login_required
def download(request: AuthenticatedRequest, plan_id: int, export_id: int) -> HttpResponse:
    export = _job(request, plan_id, export_id)
    if export is None or export.status != ReportExport.Status.READY:
        return not_found(request, _("Il documento richiesto non esiste, non è ancora pronto o non puoi consultarlo."))
    content = ReportExport.objects.values_list("content", flat=True).get(pk=export.pk)
    if content is None:
        return not_found(request, _("Il documento richiesto non esiste, non è ancora pronto o non puoi consultarlo."))
    return HttpResponse(
        bytes(content),
        content_type=content_type(export),
        headers={"Content-Disposition": content_disposition_header(True, export.filename)},
    )
