"""The pages of the individual evaluation sheets: the list of the sheets one may see, a sheet, the evaluator's
form, the acknowledgement, and the payroll export. A sheet is seen by the evaluated person, the evaluator, the
director and the OIV (evaluation.selectors.visible_sheets); anyone else gets 404, as if it did not exist.
Someone who sees a sheet but may not do a step gets 403; a step the sheet's state no longer allows, 409."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.http import AuthenticatedRequest
from evaluation.exports import payroll_rows, render_payroll_csv, render_payroll_xlsx
from evaluation.forms import AcknowledgeForm, AddSheetForm, CreateSheetsForm, EvaluateForm
from evaluation.individual import behaviour_lines, sheet_score
from evaluation.models import EvaluationSheet
from evaluation.selectors import can_see_all_sheets, visible_sheets
from evaluation.services import sheet_acknowledge, sheet_add, sheet_evaluate, sheet_submit, sheets_create
from plans.models import Organization
from plans.rules import roles_of
from workflow.errors import NotAllowed, NotVisible, WorkflowError

PAGE_SIZE = 25
EXPORTS_LISTED = 10
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _sheet(request: AuthenticatedRequest, pk: int) -> EvaluationSheet:
    sheets = visible_sheets(request.user).select_related("organization", "person", "evaluator")
    return get_object_or_404(sheets, pk=pk)


def _refuse(error: WorkflowError) -> None:
    """Raise what the pages answer for a refusal that is not about the input."""
    if isinstance(error, NotVisible):
        raise Http404(error.message) from error
    if isinstance(error, NotAllowed):
        raise PermissionDenied(error.message) from error


def _directed(request: AuthenticatedRequest) -> Any:
    return Organization.objects.filter(pk__in=roles_of(request.user).director_of).order_by("name")


@login_required
def sheet_list(request: AuthenticatedRequest) -> HttpResponse:
    sheets = visible_sheets(request.user).select_related("organization", "person", "evaluator")
    year = request.GET.get("anno", "").strip()
    status = 200
    if re.fullmatch(r"[0-9]{4}", year):  # ASCII digits only: "²".isdigit() is true, int("²") fails
        sheets = sheets.filter(year=int(year))
    elif year:
        messages.error(
            request,
            _("«%(value)s» non è un anno: scrivi l'anno con quattro cifre, ad esempio %(example)s.")
            % {"value": year[:20], "example": timezone.localdate().year},
        )
        year, status = "", 400
    page = Paginator(sheets.order_by("-year", "organization__name", "person__last_name", "pk"), PAGE_SIZE)
    roles = roles_of(request.user)
    exports = (
        EvaluationSheet.objects.filter(organization__in=roles.director_of | roles.auditor_of)
        .order_by("-year", "organization__name")
        .values("organization_id", "organization__name", "year")
        .distinct()[:EXPORTS_LISTED]
    )
    context = {"page": page.get_page(request.GET.get("pagina")), "year": year, "exports": exports}
    return render(request, "evaluation/sheet_list.html", context | _director_forms(request), status=status)


def _director_forms(
    request: AuthenticatedRequest, create_form: CreateSheetsForm | None = None, add_form: AddSheetForm | None = None
) -> dict[str, Any]:
    directed = _directed(request)
    if not directed.exists():
        return {"create_form": None, "add_form": None}
    return {
        "create_form": create_form or CreateSheetsForm(organizations=directed, prefix="crea"),
        "add_form": add_form or AddSheetForm(organizations=directed, prefix="aggiungi"),
    }


def _refused_list(request: AuthenticatedRequest, status: int, **forms: Any) -> HttpResponse:
    sheets = visible_sheets(request.user).select_related("organization", "person", "evaluator")
    page = Paginator(sheets.order_by("-year", "organization__name", "person__last_name", "pk"), PAGE_SIZE)
    context = {"page": page.get_page(1), "year": "", "exports": []} | _director_forms(request, **forms)
    return render(request, "evaluation/sheet_list.html", context, status=status)


def _show_refusal(form: Any, refused: WorkflowError) -> None:
    _refuse(refused)
    for field, problems in refused.fields.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)
    if not refused.fields:
        form.add_error(None, refused.message)


@login_required
@require_POST
def create(request: AuthenticatedRequest) -> HttpResponse:
    directed = _directed(request)
    if not directed.exists():
        raise Http404(_("Pagina non trovata."))
    form = CreateSheetsForm(request.POST, organizations=directed, prefix="crea")
    status = 400
    if form.is_valid():
        try:
            created = sheets_create(
                actor=request.user, organization=form.cleaned_data["organization"], year=form.cleaned_data["year"]
            )
        except WorkflowError as refused:
            _show_refusal(form, refused)
            status = refused.status
        else:
            messages.success(
                request,
                _("Schede create: %(created)s; già presenti: %(existing)s.")
                % {"created": len(created.sheets), "existing": created.existing},
            )
            for director in created.directors_without_evaluator:
                messages.warning(
                    request,
                    _("Nessun componente dell'OIV nell'ente: la scheda di %(name)s non è stata creata.")
                    % {"name": director.get_full_name() or director.username},
                )
            return redirect("evaluation:sheets")
    return _refused_list(request, status, create_form=form)


@login_required
@require_POST
def add(request: AuthenticatedRequest) -> HttpResponse:
    directed = _directed(request)
    if not directed.exists():
        raise Http404(_("Pagina non trovata."))
    form = AddSheetForm(request.POST, organizations=directed, prefix="aggiungi")
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            sheet = sheet_add(
                actor=request.user,
                organization=data["organization"],
                year=data["year"],
                person=data["person"],
                role=data["role"],
            )
        except WorkflowError as refused:
            _show_refusal(form, refused)
            status = refused.status
        else:
            messages.success(request, _("Scheda creata."))
            return redirect("evaluation:sheet", pk=sheet.pk)
    return _refused_list(request, status, add_form=form)


def _detail_context(request: AuthenticatedRequest, sheet: EvaluationSheet) -> dict[str, Any]:
    user = request.user
    is_person = sheet.person_id == user.pk
    draft = sheet.state == EvaluationSheet.State.DRAFT
    return {
        "sheet": sheet,
        "score": sheet_score(sheet),
        # The evaluated person sees the evaluator's scores and comments once the sheet is submitted.
        "show_evaluation": not (draft and is_person and sheet.evaluator_id != user.pk),
        "may_evaluate": draft and sheet.evaluator_id == user.pk,
        "may_acknowledge": sheet.state == EvaluationSheet.State.SUBMITTED and is_person,
    }


@login_required
def detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    return render(request, "evaluation/sheet.html", _detail_context(request, sheet))


@login_required
def evaluate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    if sheet.evaluator_id != request.user.pk:
        raise PermissionDenied(_("Solo il valutatore della scheda assegna i punteggi e scrive i commenti."))
    status = 200
    if sheet.state != EvaluationSheet.State.DRAFT:
        messages.info(request, _("La scheda è già stata consegnata: non si modifica più."))
        return redirect("evaluation:sheet", pk=sheet.pk)
    system, behaviours = behaviour_lines(sheet)
    initial: dict[str, Any] = {"evaluator_comments": sheet.evaluator_comments}
    for line in behaviours:
        initial[f"score_{line.behaviour_id}"] = "" if line.score is None else str(line.score)
        initial[f"comment_{line.behaviour_id}"] = line.comment
    form = EvaluateForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        behaviours=behaviours,
        scale=system.behaviour_scale,
    )
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                sheet_evaluate(
                    actor=request.user,
                    sheet=sheet,
                    scores=form.scores(),
                    comments=form.comments(),
                    evaluator_comments=form.cleaned_data["evaluator_comments"],
                )
            except WorkflowError as refused:
                _show_refusal(form, refused)
                status = refused.status
            else:
                messages.success(request, _("Valutazione salvata."))
                return redirect("evaluation:sheet", pk=sheet.pk)
    context = {"sheet": sheet, "form": form, "scale": system.behaviour_scale}
    return render(request, "evaluation/evaluate.html", context, status=status)


@login_required
@require_POST
def submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    try:
        sheet_submit(actor=request.user, sheet=sheet)
    except WorkflowError as refused:
        _refuse(refused)
        context = _detail_context(request, sheet) | {"refused": refused.message}
        return render(request, "evaluation/sheet.html", context, status=refused.status)
    messages.success(request, _("Scheda consegnata: il punteggio finale è fissato."))
    return redirect("evaluation:sheet", pk=sheet.pk)


@login_required
def acknowledge(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    sheet = _sheet(request, pk)
    if sheet.person_id != request.user.pk:
        raise PermissionDenied(_("Solo la persona valutata prende visione della scheda."))
    form = AcknowledgeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                sheet_acknowledge(actor=request.user, sheet=sheet, observations=form.cleaned_data["observations"])
            except WorkflowError as refused:
                _show_refusal(form, refused)
                status = refused.status
            else:
                messages.success(request, _("Presa visione registrata."))
                return redirect("evaluation:sheet", pk=sheet.pk)
    notice = ""
    if sheet.state == EvaluationSheet.State.DRAFT:
        notice = _("La scheda non è ancora stata consegnata dal valutatore.")
    elif sheet.state == EvaluationSheet.State.ACKNOWLEDGED:
        notice = _("Hai già preso visione della scheda.")
    context = {"sheet": sheet, "form": form, "notice": notice}
    return render(request, "evaluation/acknowledge.html", context, status=status)


@login_required
def payroll(request: AuthenticatedRequest, organization_id: int, year: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS or not can_see_all_sheets(request.user, organization_id):
        raise Http404(_("Pagina non trovata."))
    organization = get_object_or_404(Organization, pk=organization_id)
    content_type = FORMATS[fmt]
    rows = payroll_rows(EvaluationSheet.objects.filter(organization=organization, year=year))
    content = (
        render_payroll_xlsx(rows, organization_name=organization.name, year=year)
        if fmt == "xlsx"
        else render_payroll_csv(rows)
    )
    response = HttpResponse(content, content_type=content_type)
    filename = f"valutazioni-{organization.slug}-{year}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
