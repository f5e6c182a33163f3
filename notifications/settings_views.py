"""A body's own settings, for its director (and the platform's operator): the timings of its reminders,
escalations and digest, and its patron saint's day, over the installation's values. The legal calendar's days
are the body's too, set in the administration (notifications.admin)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from config.http import AuthenticatedRequest
from notifications.body_settings import installation_timings, may_change_settings, save_body_settings, timings_of
from notifications.forms import BodySettingsForm
from notifications.models import BodySettings
from plans.models import Organization
from plans.rules import roles_of


def _bodies(request: AuthenticatedRequest) -> list[Organization]:
    if request.user.is_superuser:
        return list(Organization.objects.order_by("name"))
    return list(Organization.objects.filter(pk__in=roles_of(request.user).director_of).order_by("name"))


@login_required
@require_safe
def settings_index(request: AuthenticatedRequest) -> HttpResponse:
    """The bodies whose settings the person may change: straight to the only one, or a list."""
    bodies = _bodies(request)
    if not bodies:
        raise PermissionDenied(_("Le impostazioni dell'ente le cambia il suo direttore."))
    if len(bodies) == 1:
        return redirect(reverse("notifications:body-settings", args=[bodies[0].pk]))
    return render(request, "notifications/body_settings_index.html", {"bodies": bodies})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def body_settings(request: AuthenticatedRequest, organization_id: int) -> HttpResponse:
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None or not may_change_settings(request.user, organization.pk):
        # A body the person does not direct is answered as one that does not exist: nothing of it is told.
        raise Http404(_("Ente non trovato tra quelli che dirigi."))
    row = BodySettings.objects.filter(organization=organization).first() or BodySettings(organization=organization)
    initial = {"patron_saint_day": organization.patron_saint_day}
    defaults = installation_timings()
    form = BodySettingsForm(request.POST or None, instance=row, initial=initial, defaults=defaults)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            save_body_settings(
                organization=organization,
                values=form.values(),
                patron_saint_day=form.cleaned_data["patron_saint_day"],
            )
            messages.success(request, _("Impostazioni di %(body)s salvate.") % {"body": organization.name})
            return redirect(reverse("notifications:body-settings", args=[organization.pk]))
        status = 400
    context = {"organization": organization, "form": form, "timings": timings_of(organization), "defaults": defaults}
    return render(request, "notifications/body_settings.html", context, status=status)
