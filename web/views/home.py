"""The home page for each role, and the personal profile."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.second_factor import confirmed_device, required_by_role
from notifications.feeds import calendar_feed_for, calendar_feed_rotate, feed_url
from notifications.forms import PreferenceForm
from notifications.models import Preference
from notifications.unsubscribe import less_mail_url
from plans.rules import roles_of
from web.dashboard import count_slipped
from web.home import TREND_DAYS, at_risk, awaiting_validation, below_target, own_work, slipped_by_area
from web.http import AuthenticatedRequest
from workflow.selectors import count_awaiting
from workflow.tokens import tokens_of


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "web/landing.html")
    roles = roles_of(request.user)
    today = timezone.localdate()
    # Only a live plan's activities are due (plans.freeze): a closed year's left open are not "scadute".
    own = own_work(request.user, today)
    context: dict[str, object] = {
        "greeting": greeting(timezone.localtime().hour),
        "roles": roles,
        "oversees": bool(roles.director_of or roles.auditor_of or roles.headed_areas),
        "decides": bool(roles.director_of or roles.headed_areas),
        "audits": bool(roles.auditor_of),
        "awaiting": count_awaiting(request.user),
        "open_activities": own.open_count,
        "overdue_activities": own.late_count,
        "late_activities": own.late,
        "next_deadlines": own.next_deadlines,
    }
    if context["oversees"]:
        context["slipped"] = count_slipped(request.user, today)
    if context["decides"]:
        context["by_area"] = slipped_by_area(request.user, today)
        context["at_risk"] = at_risk(request.user)
        context["below_target"] = below_target(request.user, today)
        context["trend_days"] = TREND_DAYS
    if roles.auditor_of:
        context["to_validate"] = awaiting_validation(request.user)
    return render(request, "web/home.html", context)


def greeting(hour: int) -> str:
    """Which greeting fits the hour in Italy: "Buongiorno" until early afternoon, then "Buon pomeriggio", and
    "Buonasera" from six in the evening (and before five in the morning)."""
    if 5 <= hour < 14:
        return "morning"
    return "afternoon" if 14 <= hour < 18 else "evening"


@login_required
def profile(request: AuthenticatedRequest) -> HttpResponse:
    return _profile(request, PreferenceForm(instance=_preference(request)))


def _preference(request: AuthenticatedRequest) -> Preference:
    return Preference.objects.filter(user=request.user).first() or Preference(user=request.user)


def _profile(request: AuthenticatedRequest, form: PreferenceForm, status: int = 200) -> HttpResponse:
    feed = calendar_feed_for(request.user)
    context = {
        "feed_url": feed_url(feed),
        "tokens": tokens_of(request.user),
        "preference_form": form,
        "less_mail_url": less_mail_url(request.user),
        "second_factor_on": confirmed_device(request.user) is not None,
        "second_factor_required": required_by_role(request.user),
    }
    return render(request, "web/profile.html", context, status=status)


@login_required
@require_POST
def mail_preferences(request: AuthenticatedRequest) -> HttpResponse:
    form = PreferenceForm(request.POST, instance=_preference(request))
    if not form.is_valid():
        return _profile(request, form, status=400)
    form.save()
    messages.success(request, _("Preferenze di posta salvate."))
    return redirect("web:profile")


@login_required
@require_POST
def rotate_calendar(request: AuthenticatedRequest) -> HttpResponse:
    calendar_feed_rotate(actor=request.user)
    messages.success(request, _("Nuovo indirizzo del calendario creato: quello vecchio non funziona più."))
    return redirect("web:profile")
