"""The OIV's validation page of a plan: the Relazione's links, the checklist, the observations and the outcome for
the OIV; every recorded attempt, with its validation document, for the OIV and the director. Anyone else: 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from plans.models import Plan
from plans.models.states import PlanState
from plans.rules import visible_plans
from web.http import AuthenticatedRequest
from web.validation_forms import RECORD, ValidationForm
from workflow.errors import WorkflowError
from workflow.models import Outcome, Validation
from workflow.services.validation import (
    can_read,
    can_record,
    draft_of,
    validation_open,
    validation_record,
    validation_save,
    validations_of,
)


def _plan(request: AuthenticatedRequest, pk: int) -> Plan:
    plan = get_object_or_404(visible_plans(request.user).select_related("organization"), pk=pk)
    if not can_read(request.user, plan):
        raise Http404(_("Validazione non trovata."))
    return plan


def _context(request: AuthenticatedRequest, plan: Plan, form: ValidationForm | None = None) -> dict[str, Any]:
    may_record = can_record(request.user, plan)
    draft = draft_of(plan) if may_record else None
    if draft is not None and form is None:
        form = ValidationForm(validation=draft)
    return {
        "plan": plan,
        "year": plan.year_end,
        "may_record": may_record,
        "closed": plan.state == PlanState.CLOSED,
        "draft": draft,
        "form": form,
        "attempts": [v for v in validations_of(plan) if not v.is_draft],
        "outcomes": Outcome,
    }


@login_required
@require_safe
def validation_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    return render(request, "web/validation.html", _context(request, plan))


@login_required
@require_POST
def validation_start(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    try:
        validation_open(actor=request.user, plan=plan)
    except WorkflowError as refused:
        if refused.status == 404:
            raise Http404(refused.message) from refused
        messages.error(request, refused.message)
    return redirect(reverse("web:validation", args=[plan.pk]))


@login_required
@require_POST
def validation_write(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    draft = draft_of(plan)
    if draft is None or not can_record(request.user, plan):
        messages.error(request, _("Non c'è una validazione in corso da salvare: aprila dalla pagina."))
        return redirect(reverse("web:validation", args=[plan.pk]))
    form = ValidationForm(request.POST, validation=draft)
    recording = request.POST.get("azione") == RECORD
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            # The draft is saved first, so that a refused outcome keeps what the OIV wrote.
            validation_save(
                actor=request.user,
                plan=plan,
                checks=form.check_inputs(),
                observations=data["observations"],
                motivation=data["motivation"],
            )
            if recording:
                validation: Validation = validation_record(actor=request.user, plan=plan, outcome=data["outcome"])
        except WorkflowError as refused:
            if refused.status == 404:
                raise Http404(refused.message) from refused
            status = refused.status
            for field, problems in refused.fields.items():
                for problem in problems:
                    form.add_error(form.field_of(field), problem)
            if not refused.fields:
                form.add_error(None, refused.message)
        else:
            if recording:
                messages.success(
                    request,
                    _("Esito registrato: Relazione %(outcome)s.") % {"outcome": validation.get_outcome_display()},
                )
            else:
                messages.success(request, _("Bozza della validazione salvata."))
            return redirect(reverse("web:validation", args=[plan.pk]))
    return render(request, "web/validation.html", _context(request, plan, form), status=status)
