"""The measurement system (SMVP) of an organization's year: read by everybody of the organization, changed by its
director (or the platform operator) through evaluation.services, with its versions from the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from evaluation.models import MeasurementSystem
from evaluation.selectors import system_for
from evaluation.services import (
    EDITABLE_FIELDS,
    FIRST_YEAR,
    LAST_YEAR,
    may_change_system,
    may_see_system,
    measurement_system_adopt,
    measurement_system_save,
)
from evaluation.versions import system_entries, versions_of
from plans.models import Organization
from web.http import AuthenticatedRequest
from web.smvp_forms import AdoptForm, BehaviourFormSet, SystemForm, behaviour_initial, behaviours_of
from web.views.consuntivo import show_refusal
from workflow.errors import WorkflowError

TRAIL_ROWS_PER_PAGE = 30  # a version is one row of the system and one per behaviour changed


def _organization(request: AuthenticatedRequest, organization_id: int, year: int) -> Organization:
    """The organization, if the person belongs to it; a 404 as for one that does not exist otherwise."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None or not may_see_system(request.user, organization.pk):
        raise Http404(_("Organizzazione non trovata."))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404(_("Anno non valido."))
    return organization


def _context(
    request: AuthenticatedRequest,
    organization: Organization,
    year: int,
    *,
    form: SystemForm | None = None,
    formset: Any = None,
    adopt_form: AdoptForm | None = None,
) -> dict[str, Any]:
    system = system_for(organization.pk, year)
    behaviours = list(system.behaviours.order_by("position")) if system.pk else []
    may_change = may_change_system(request.user, organization.pk)
    if may_change:
        adopted = system.adopted_on is not None
        form = form or SystemForm(adopted=adopted, initial={name: getattr(system, name) for name in EDITABLE_FIELDS})
        formset = formset or BehaviourFormSet(prefix="comportamenti", initial=behaviour_initial(behaviours))
        adopt_form = adopt_form or (AdoptForm() if not adopted else None)
    return {
        "organization": organization,
        "year": year,
        "system": system,
        "behaviours": behaviours,
        "may_change": may_change,
        "form": form,
        "formset": formset,
        "adopt_form": adopt_form,
        "years": [year - 1, year + 1],
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def system_page(request: AuthenticatedRequest, organization_id: int, year: int) -> HttpResponse:
    organization = _organization(request, organization_id, year)
    if request.method != "POST":
        return render(request, "web/smvp.html", _context(request, organization, year))
    if not may_change_system(request.user, organization.pk):
        raise PermissionDenied(_("Il sistema di misurazione lo modifica il direttore dell'ente."))
    system = system_for(organization.pk, year)
    form = SystemForm(request.POST, adopted=system.adopted_on is not None)
    formset = BehaviourFormSet(request.POST, prefix="comportamenti")
    status = 400
    if form.is_valid() and formset.is_valid():
        try:
            measurement_system_save(
                actor=request.user,
                organization=organization,
                year=year,
                values=form.values(),
                behaviours=behaviours_of(formset),
                motivation=form.cleaned_data["motivation"],
            )
        except WorkflowError as refused:
            status = show_refusal(form, refused)
            for problem in refused.fields.get("behaviours", []):
                form.add_error(None, problem)
        else:
            messages.success(request, _("Sistema di misurazione %(year)d salvato.") % {"year": year})
            return redirect(reverse("web:smvp", args=[organization.pk, year]))
    context = _context(request, organization, year, form=form, formset=formset)
    return render(request, "web/smvp.html", context, status=status)


@login_required
@require_POST
def adopt(request: AuthenticatedRequest, organization_id: int, year: int) -> HttpResponse:
    organization = _organization(request, organization_id, year)
    if not may_change_system(request.user, organization.pk):
        raise PermissionDenied(_("Il sistema di misurazione lo adotta il direttore dell'ente."))
    form = AdoptForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            measurement_system_adopt(
                actor=request.user,
                organization=organization,
                year=year,
                adopted_on=form.cleaned_data["adopted_on"],
                act=form.cleaned_data["act"],
            )
        except WorkflowError as refused:
            status = show_refusal(form, refused)
        else:
            messages.success(request, _("Sistema di misurazione %(year)d adottato.") % {"year": year})
            return redirect(reverse("web:smvp", args=[organization.pk, year]))
    return render(request, "web/smvp.html", _context(request, organization, year, adopt_form=form), status=status)


@login_required
@require_safe
def versions(request: AuthenticatedRequest, organization_id: int, year: int) -> HttpResponse:
    organization = _organization(request, organization_id, year)
    system: MeasurementSystem = system_for(organization.pk, year)
    # The trail's rows are paged; a page's rows of one transaction make one version.
    page = Paginator(system_entries(system), TRAIL_ROWS_PER_PAGE).get_page(request.GET.get("pagina"))
    context = {"organization": organization, "year": year, "system": system, "page": page}
    return render(request, "web/smvp_versions.html", context | {"versions": versions_of(page.object_list)})
