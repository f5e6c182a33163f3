"""The plan's life on its page: the director adopts (the act and its date), starts the execution and closes the
year, or asks for it where the body's policy wants another director's approval; a superuser reopens a validated
plan with a motivation and an act. Refusals are shown as messages, wrong input next to its field; never a 500."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from plans.models import Plan
from plans.rules import visible_plans
from web.http import AuthenticatedRequest
from web.plan_life_forms import PlanAdoptForm, PlanReopenForm
from workflow.errors import WorkflowError
from workflow.models import PlanTransition
from workflow.plan_life import may_reopen, next_step, open_plan_request, plan_history
from workflow.services.plan_lifecycle import plan_adopt, plan_close, plan_reopen, plan_start


def life_context(request: HttpRequest, plan: Plan, adopt_form: PlanAdoptForm | None = None) -> dict[str, Any]:
    """The plan page's section on the plan's life."""
    pending = open_plan_request(plan)
    step = next_step(request.user, plan, pending)
    if step is not None and step.name == PlanTransition.ADOPT and adopt_form is None:
        adopt_form = PlanAdoptForm(prefix="adozione")
    return {
        "life_step": step,
        "life_pending": pending,
        "life_adopt_form": adopt_form,
        "life_may_reopen": may_reopen(request.user, plan),
        "life_history": plan_history(plan),
    }


@login_required
@require_POST
def plan_step(request: AuthenticatedRequest, pk: int, step: str) -> HttpResponse:
    plan = get_object_or_404(visible_plans(request.user).select_related("organization"), pk=pk)
    before = plan.state
    form = PlanAdoptForm(request.POST, prefix="adozione") if step == PlanTransition.ADOPT else None
    try:
        if form is not None:
            if not form.is_valid():
                return _adoption_page(request, plan, form)
            data = form.cleaned_data
            moved = plan_adopt(actor=request.user, plan=plan, act=data["act"], adopted_on=data["adopted_on"])
        elif step == PlanTransition.START:
            moved = plan_start(actor=request.user, plan=plan)
        elif step == PlanTransition.CLOSE:
            moved = plan_close(actor=request.user, plan=plan)
        else:
            raise Http404(_("Passaggio sconosciuto."))
    except WorkflowError as refused:
        if refused.status == 404:
            raise Http404(refused.message) from refused
        if form is not None and refused.fields:
            for field, problems in refused.fields.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
            return _adoption_page(request, plan, form)
        messages.error(request, refused.message)
        return redirect("web:plan", pk=plan.pk)
    if moved.state != before:
        state = moved.get_state_display()
        messages.success(request, _("Fatto: il piano ora è «%(state)s».") % {"state": state})
    else:
        messages.info(request, _("Richiesta inviata: ora attende l'approvazione di un altro direttore dell'ente."))
    return redirect("web:plan", pk=plan.pk)


def _adoption_page(request: HttpRequest, plan: Plan, form: PlanAdoptForm) -> HttpResponse:
    """The adoption's form again, with what is wrong next to each field."""
    context = {"plan": plan, "form": form} | life_context(request, plan, form)
    return render(request, "web/plan_adopt.html", context, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_reopen_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A superuser reopens a validated plan. Anyone else: the plan is not there (or, for those who see it, the
    service says whose step it is)."""
    if request.user.is_superuser:
        plan = get_object_or_404(Plan.objects.select_related("organization"), pk=pk)
    else:
        plan = get_object_or_404(visible_plans(request.user).select_related("organization"), pk=pk)
    form = PlanReopenForm(request.POST) if request.method == "POST" else PlanReopenForm()
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                plan_reopen(actor=request.user, plan=plan, **form.cleaned_data)
            except WorkflowError as refused:
                if refused.status == 404:
                    raise Http404(refused.message) from refused
                for field, problems in refused.fields.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
                if not refused.fields:
                    form.add_error(None, refused.message)
                    status = refused.status
            else:
                messages.success(request, _("Il piano è stato riaperto: ora è «Chiuso»."))
                return redirect("web:plan-reopen", pk=plan.pk)
    context = {"plan": plan, "form": form, "life_history": plan_history(plan)}
    return render(request, "web/plan_reopen.html", context, status=status)
