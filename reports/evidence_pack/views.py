"""The evidence pack's page: the director and the OIV of a validated plan ask a worker for the pack of a year
(rendering the Relazione as PDF/A takes longer than a request may), follow the job, and download the pack, which
stays there as it was sealed. Others who see the plan are told who may; a plan that is not validated has no pack
(404), and neither has a plan one may not see."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from config.http import AuthenticatedRequest, is_htmx
from plans.freeze import is_frozen
from plans.models import Plan
from plans.rules import roles_of
from reports.evidence_pack.pack import CONTENT_TYPE
from reports.exports import PACK_FORMAT, request_export
from reports.models import ReportExport
from reports.views import NOT_FOUND_TEMPLATE, not_found, plan_not_found, visible_plan, year_not_in_plan

HISTORY = 20


def may_take_pack(user: Any, plan: Plan) -> bool:
    """The body's director and its OIV: the pack carries the organization's whole trail from the plan's start."""
    roles = roles_of(user)
    return plan.organization_id in (roles.director_of | roles.auditor_of)


def _refusal(request: AuthenticatedRequest, plan: Plan | None, year: int | None = None) -> HttpResponse | None:
    """The answer when the pack is not this person's to take, or not there to take; None when it is."""
    if plan is None:
        return plan_not_found(request)
    if not is_frozen(plan):
        return not_found(
            request,
            _("Il pacchetto probatorio esiste solo per un piano validato dall'OIV: il piano è «%(state)s».")
            % {"state": plan.get_state_display()},
            plan,
        )
    if year is not None and (refused := year_not_in_plan(request, plan, year)) is not None:
        return refused
    if not may_take_pack(request.user, plan):
        message = _("Il pacchetto probatorio lo preparano e lo scaricano il direttore dell'ente e l'OIV.")
        return render(request, NOT_FOUND_TEMPLATE, {"message": message, "plan": plan}, status=403)
    return None


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def page(request: AuthenticatedRequest, plan_id: int, year: int) -> HttpResponse:
    plan = visible_plan(request, plan_id)
    if (refused := _refusal(request, plan, year)) is not None:
        return refused
    assert plan is not None
    if request.method == "POST":
        _export, created = request_export(actor=request.user, plan=plan, year=year, fmt=PACK_FORMAT)
        if created:
            messages.success(request, _("Pacchetto probatorio in preparazione."))
        else:
            messages.info(request, _("Il pacchetto è già in preparazione: attendi che sia pronto."))
        return redirect(reverse("reports:evidence_pack", args=[plan.pk, year]))
    packs = list(
        ReportExport.objects.filter(plan=plan, year=year, fmt=PACK_FORMAT)
        .select_related("requested_by")
        .defer("content")
        .order_by("-requested_at", "-pk")[:HISTORY]
    )
    context = {"plan": plan, "year": year, "packs": packs, "pending": any(pack.is_pending for pack in packs)}
    template = "reports/evidence_pack_table.html" if is_htmx(request) else "reports/evidence_pack.html"
    return render(request, template, context)


@require_safe
@login_required
def download(request: AuthenticatedRequest, plan_id: int, export_id: int) -> HttpResponse:
    plan = visible_plan(request, plan_id)
    if (refused := _refusal(request, plan)) is not None:
        return refused
    assert plan is not None
    pack = ReportExport.objects.filter(
        pk=export_id, plan_id=plan.pk, fmt=PACK_FORMAT, status=ReportExport.Status.READY
    ).first()
    if pack is None or pack.content is None:
        return not_found(request, _("Il pacchetto richiesto non esiste o non è ancora pronto."), plan)
    return HttpResponse(
        bytes(pack.content),
        content_type=CONTENT_TYPE,
        headers={"Content-Disposition": content_disposition_header(True, pack.filename)},
    )
