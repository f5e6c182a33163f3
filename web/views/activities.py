"""My activities, for staff, with the monthly update form: the same answer as the one-click link in the
monthly mail, given from inside the application."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Case, F, IntegerField, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications.answers import NO_LONGER_YOURS, ensure_still_theirs, monitoring_answer_record
from notifications.forms import AnswerForm
from notifications.links import AnswerClaim, LinkError
from notifications.models import MonitoringAnswer, MonitoringRound
from notifications.monitoring import months_to_plan, plan_round
from plans.freeze import is_frozen, is_live
from plans.models import OPEN_STATES, Activity, Organization, Plan
from web.http import AuthenticatedRequest

# The person's activities a page at a time.
ACTIVITIES_PER_PAGE = 20


def not_monitored(plan: Plan) -> str:
    return _(
        "Il piano «%(plan)s» è «%(state)s»: solo i piani adottati o in esecuzione hanno l'aggiornamento mensile. "
        "Nulla è stato registrato."
    ) % {"plan": plan.code, "state": plan.get_state_display()}


def latest_round(organization: Organization) -> MonitoringRound | None:
    return organization.monitoring_rounds.order_by("-month").first()


def month_of(organization: Organization, monitoring_round: MonitoringRound | None) -> dt.date:
    """The month an update is for: the latest round's, or the month the next scan will plan."""
    if monitoring_round is not None:
        return monitoring_round.month
    return months_to_plan(organization, timezone.localdate())[-1]


def current_round(organization: Organization) -> MonitoringRound:
    """The latest monthly round; when none was planned yet, plan this month's now, as the scan would."""
    latest = latest_round(organization)
    if latest is None:
        today = timezone.localdate()
        plan_round(organization, month_of(organization, None), today)
        latest = latest_round(organization)
    assert latest is not None
    return latest


def _page(request: AuthenticatedRequest) -> Page[Activity]:
    """A page of the person's activities (?pagina=): a staff member of a large body may own thousands."""
    mine = Activity.objects.filter(owner=request.user).select_related("objective__plan__organization")
    # What is to do first: the open ones by deadline (the late on top, most late first), then the rest.
    closed = Case(When(state__in=OPEN_STATES, then=Value(0)), default=Value(1), output_field=IntegerField())
    ordered = mine.order_by(closed, F("planned_end").asc(nulls_last=True), "pk")
    return Paginator(ordered, ACTIVITIES_PER_PAGE).get_page(request.GET.get("pagina"))


def _rows(
    request: AuthenticatedRequest, page: Page[Activity], failed: tuple[int, AnswerForm] | None = None
) -> list[dict[str, Any]]:
    activities = list(page.object_list)
    organizations = {activity.objective.plan.organization for activity in activities}
    # Reading the page changes nothing: a round missing yet is planned by the first answer (or the scan).
    rounds = {organization.pk: latest_round(organization) for organization in organizations}
    months = {organization.pk: month_of(organization, rounds[organization.pk]) for organization in organizations}
    planned = [monitoring_round for monitoring_round in rounds.values() if monitoring_round is not None]
    answered = set(
        MonitoringAnswer.objects.filter(respondent=request.user, round__in=planned).values_list(
            "round_id", "activity_id"
        )
    )
    rows = []
    for activity in activities:
        organization_id = activity.objective.plan.organization.pk
        monitoring_round = rounds[organization_id]
        if failed and failed[0] == activity.pk:
            form = failed[1]
        else:
            form = AnswerForm(prefix=f"a{activity.pk}", initial={"state": activity.state})
        done = monitoring_round is not None and (monitoring_round.pk, activity.pk) in answered
        plan = activity.objective.plan
        rows.append(
            {
                "activity": activity,
                "month": months[organization_id],
                "answered": done,
                "form": form,
                "frozen": is_frozen(plan),  # a validated year asks for no update
                "live": is_live(plan),  # a draft, closed or validated plan is not monitored
            }
        )
    return rows


@login_required
def my_activities(request: AuthenticatedRequest) -> HttpResponse:
    return _render(request)


def _render(request: AuthenticatedRequest, failed: tuple[int, AnswerForm] | None = None) -> HttpResponse:
    page = _page(request)
    context = {"rows": _rows(request, page, failed), "page": page}
    return render(request, "web/my_activities.html", context, status=200 if failed is None else 400)


def _back(request: AuthenticatedRequest) -> HttpResponse:
    """Back to the page of the list the person was on (the form's address carries ?pagina=)."""
    page = request.GET.get("pagina", "")
    suffix = f"?pagina={page}" if page.isascii() and page.isdigit() and len(page) < 9 else ""
    return redirect(reverse("web:my-activities") + suffix)


@login_required
@require_POST
def monthly_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(
        Activity.objects.select_related("objective__plan__organization"), pk=pk, owner=request.user
    )
    plan = activity.objective.plan
    if not is_live(plan):
        messages.error(request, not_monitored(plan))
        return _back(request)
    form = AnswerForm(request.POST, prefix=f"a{pk}", plan=plan)
    if not form.is_valid():
        return _render(request, (pk, form))
    try:
        ensure_still_theirs(activity, request.user)  # before a round is planned for an answer refused anyway
        monitoring_round = current_round(activity.objective.plan.organization)
        claim = AnswerClaim(monitoring_round.pk, activity.pk, request.user.pk)
        recorded = monitoring_answer_record(claim=claim, **form.cleaned_data)
    except LinkError as error:
        messages.error(
            request, NO_LONGER_YOURS.get(error.reason, _("Hai già aggiornato questa attività per questo mese."))
        )
        return _back(request)
    messages.success(request, _("Aggiornamento registrato: %(activity)s.") % {"activity": activity})
    if recorded.outcome is not None and not recorded.outcome.applied:
        messages.info(request, _("Il cambio di stato è stato chiesto e attende l'approvazione."))
    if recorded.refused:
        messages.warning(request, recorded.refused)
    return _back(request)
