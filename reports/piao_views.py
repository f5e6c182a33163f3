"""The PIAO's performance section of a plan: its page (the documents, the uploads to the portal, and for the
director the form «Segna come caricato sul portale») and its documents (PDF, DOCX). The director and the OIV
only; a plan the person may not see answers as one that does not exist."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from config.http import AuthenticatedRequest
from plans.freeze import is_frozen
from plans.models import Plan, PlanState
from reports.exports import needs_background
from reports.models import ReportExport
from reports.piao import PlanNotAdopted, build_piao_section
from reports.piao_uploads import NOTE_CHARS, may_record_upload, may_see_piao, piao_upload_record, uploads_of
from reports.render import piao as render_piao
from reports.views import NOT_FOUND_TEMPLATE, in_background, plan_not_found, visible_plan
from web.views.consuntivo import show_refusal
from workflow.errors import WorkflowError

FORMATS = render_piao.FORMATS
UPLOADS_SHOWN = 20


class UploadForm(forms.Form):
    uploaded_on = forms.DateField(
        label=gettext_lazy("Caricato sul portale il"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control w-auto"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("Indica il giorno del caricamento sul portale (AAAA-MM-GG)."),
            "invalid": gettext_lazy("Scrivi la data come AAAA-MM-GG, ad esempio 2026-01-30."),
        },
    )
    note = forms.CharField(
        label=gettext_lazy("Nota o protocollo (facoltativo)"),
        required=False,
        max_length=NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


def _plan(request: AuthenticatedRequest, plan_id: int) -> Plan | None:
    plan = visible_plan(request, plan_id)
    if plan is not None and not may_see_piao(request.user, plan):
        raise PermissionDenied(_("La sezione Performance del PIAO la prepara il direttore e la consulta l'OIV."))
    return plan


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def piao(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    if plan is None:
        return plan_not_found(request)
    may_record = may_record_upload(request.user, plan) and plan.state != PlanState.DRAFT and not is_frozen(plan)
    form = UploadForm()
    status = 200
    if request.method == "POST":
        if not may_record_upload(request.user, plan):
            raise PermissionDenied(_("Il caricamento sul portale del PIAO lo registra il direttore dell'ente."))
        form = UploadForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                upload = piao_upload_record(
                    actor=request.user,
                    plan=plan,
                    uploaded_on=form.cleaned_data["uploaded_on"],
                    note=form.cleaned_data["note"],
                )
            except WorkflowError as refused:
                status = show_refusal(form, refused)
            else:
                messages.success(
                    request,
                    _("Registrato il caricamento sul portale del %(date)s.")
                    % {"date": f"{upload.uploaded_on:%d/%m/%Y}"},
                )
                return redirect(reverse("reports:piao", args=[plan.pk]))
    context = {
        "plan": plan,
        "draft": plan.state == PlanState.DRAFT,
        "uploads": list(uploads_of(plan)[:UPLOADS_SHOWN]),
        "may_record": may_record,
        "form": form,
    }
    return render(request, "reports/piao.html", context, status=status)


@login_required
@require_safe
def piao_document(request: AuthenticatedRequest, plan_id: int, fmt: str) -> HttpResponse:
    plan = _plan(request, plan_id)
    if plan is None:
        return plan_not_found(request)
    chosen = FORMATS.get(fmt)
    if chosen is None:
        message = _("Il formato «%(format)s» non è disponibile. Formati disponibili: %(known)s.")
        return render(
            request, NOT_FOUND_TEMPLATE, {"message": message % {"format": fmt, "known": ", ".join(FORMATS)}}, status=404
        )
    if plan.state != PlanState.DRAFT and needs_background(plan, fmt, kind=ReportExport.Kind.PIAO):
        announce = _("Sezione del PIAO in %(format)s in preparazione.") % {"format": fmt.upper()}
        return in_background(request, plan, plan.year_start, fmt, kind=ReportExport.Kind.PIAO, announce=announce)
    try:
        section = build_piao_section(plan=plan)
    except PlanNotAdopted:
        message = _("Il piano «%(code)s» è in bozza: la sezione Performance del PIAO si prepara dal piano adottato.")
        return render(request, NOT_FOUND_TEMPLATE, {"message": message % {"code": plan.code}, "plan": plan}, status=409)
    content_type, renderer = chosen
    return HttpResponse(
        renderer(section),
        content_type=content_type,
        headers={"Content-Disposition": content_disposition_header(True, render_piao.filename(section, fmt))},
    )
