"""The page of an objective or an activity: its data, its history as a timeline, its transitions as buttons."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluation.objective_scores import shown_objective_scores
from evaluation.visibility import BadYear, year_asked
from notifications.approvals import waiting_of
from plans.freeze import is_live
from plans.models import Activity, Objective, ObjectiveReport, WorkItem
from plans.rules import can_write_objective_report, visible_activities, visible_indicators, visible_objectives
from web.consuntivo_forms import ObjectiveReportForm
from web.forms import TransitionForm
from web.http import AuthenticatedRequest
from web.plan_tree import ACTIVITIES_PER_PAGE, shown_activities
from web.views.changes import may_propose
from web.views.scores import scores_url
from workflow.errors import WorkflowError
from workflow.selectors import available_transitions, history_of, open_request_for
from workflow.services.consuntivo import default_report_date
from workflow.services.freeze import frozen_notice
from workflow.trail.versions import text_versions
from workflow.transitions import run_transition


def _item(request: HttpRequest, kind: str, pk: int) -> WorkItem:
    if kind == "activity":
        activities = visible_activities(request.user).select_related("objective__plan__organization", "owner")
        return get_object_or_404(activities, pk=pk)
    objectives = visible_objectives(request.user).select_related("plan__organization", "owner")
    return get_object_or_404(objectives.prefetch_related("areas"), pk=pk)


def _context(
    request: HttpRequest,
    item: WorkItem,
    failed: TransitionForm | None = None,
    report_form: ObjectiveReportForm | None = None,
) -> dict[str, Any]:
    transitions = available_transitions(request.user, item)
    shown = False
    for transition in transitions:
        bound = failed is not None and failed.data.get("transition") == transition["transition"]
        shown = shown or bound
        form = failed if bound else TransitionForm(initial={"transition": transition["transition"]})
        transition["form"] = form
        transition["fields"] = form.visible_fields_for(transition["transition"])  # type: ignore[union-attr]
    # A refused transition that has no form on the page (not allowed in this state, or unknown) still says why.
    refused = [] if failed is None or shown else [error for errors in failed.errors.values() for error in errors]
    open_request = open_request_for(item)
    context: dict[str, Any] = {
        "refused": refused,
        "item": item,
        "kind": "activity" if isinstance(item, Activity) else "objective",
        "history": history_of(item),
        "open_request": open_request,
        "waiting": waiting_of(open_request) if open_request else None,
        "transitions": transitions,
        # A rimodulazione is asked on its own page, by the area head or the director, while the plan is live.
        "may_change": isinstance(item, Objective) and is_live(item.plan) and may_propose(request.user, item),
    }
    plan = item.objective.plan if isinstance(item, Activity) else item.plan
    context["frozen_notice"] = frozen_notice(plan)  # and nothing to write: no transition, no report form
    if isinstance(item, Objective):
        # A page of them (?pagina_attivita=): an objective may hold thousands.
        activities = shown_activities(request.user, item.plan).filter(objective=item)
        activities = activities.select_related("owner").order_by("position", "pk")
        context["activities"] = Paginator(activities, ACTIVITIES_PER_PAGE).get_page(request.GET.get("pagina_attivita"))
        context["indicators"] = item.indicators.prefetch_related("targets", "measurements").order_by("position")
        context |= _reports(request, item, report_form)
        if context["frozen_notice"]:
            context["report_form"] = None
        context |= _scores(request, item)
    else:
        # The objective's indicators this person may open (an activity's owner outside the area sees none).
        context["indicators"] = visible_indicators(request.user).filter(objective=item.objective).order_by("position")
    return context


def _reports(request: HttpRequest, objective: Objective, form: ObjectiveReportForm | None) -> dict[str, Any]:
    """The objective's narrative reports, the form to write one (for those who may) and the texts' history."""
    reports = list(objective.reports.order_by("-date"))
    if form is None and can_write_objective_report(request.user, objective):
        date = default_report_date(objective.plan)
        current = next((report for report in reports if report.date == date), None)
        form = ObjectiveReportForm(prefix="relazione", initial={"date": date, "text": current.text if current else ""})
    dates = {report.pk: report.date for report in reports}
    return {
        "reports": reports,
        "report_form": form,
        # (date of the report, version): each report's texts, newest first.
        "report_versions": [(dates[version.subject_id], version) for version in text_versions(ObjectiveReport, dates)],
    }


def _scores(request: HttpRequest, objective: Objective) -> dict[str, Any]:
    """The objective's score of the year (?anno=, this year while the plan runs) and its indicators'."""
    plan = objective.plan
    try:
        year = year_asked(plan, request.GET.get("anno"), timezone.localdate())
    except BadYear as bad:
        return {"scores_error": str(bad)}
    # The objective's own figures: scoring the whole plan to show one objective cost seconds on a large plan.
    scored = shown_objective_scores(request.user, objective, year)
    return {"year": year, "scored": scored, "scores_url": scores_url(plan.pk, year)}


def render_item(
    request: HttpRequest, item: WorkItem, *, report_form: ObjectiveReportForm | None = None, status: int = 200
) -> HttpResponse:
    return render(request, "web/item.html", _context(request, item, report_form=report_form), status=status)


@login_required
def detail(request: AuthenticatedRequest, kind: str, pk: int) -> HttpResponse:
    context = _context(request, _item(request, kind, pk))
    return render(request, "web/item.html", context, status=400 if context.get("scores_error") else 200)


@login_required
@require_POST
def transition(request: AuthenticatedRequest, kind: str, pk: int) -> HttpResponse:
    item = _item(request, kind, pk)
    form = TransitionForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            outcome = run_transition(request.user, item, form.cleaned_data)
        except WorkflowError as refused:
            if refused.status == 404:
                raise Http404(refused.message) from refused
            status = refused.status  # 400 wrong input, 403 not theirs to ask, 409 not in this state
            for field, problems in refused.fields.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
            if not refused.fields:
                form.add_error(None, refused.message)
        else:
            if outcome.applied:
                state = outcome.item.get_state_display()
                messages.success(request, _("Fatto: lo stato ora è «%(state)s».") % {"state": state})
            else:
                messages.info(request, _("Richiesta inviata: ora attende l'approvazione."))
            return redirect(f"web:{kind}", pk=pk)
    return render(request, "web/item.html", _context(request, item, failed=form), status=status)
