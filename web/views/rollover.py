"""Next year's plan from a closed one: the director's page with the preview (what comes along) and the form (the
new code and title, the unfinished activities to carry over). The work is workflow.services.rollover's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from plans.models import Plan
from plans.rules import roles_of, visible_plans
from web.http import AuthenticatedRequest
from web.views.consuntivo import show_refusal
from workflow.errors import WorkflowError
from workflow.services.rollover import ALL_OPEN, ROLLOVER_STATES, RolloverPreview, plan_rollover, rollover_preview
from workflow.trail.context import Source

_CODE_CHARS = Plan._meta.get_field("code").max_length or 60
_TITLE_CHARS = Plan._meta.get_field("title").max_length or 300


class RolloverForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Codice del nuovo piano"),
        max_length=_CODE_CHARS,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
        error_messages={"required": gettext_lazy("Indica il codice del nuovo piano.")},
    )
    title = forms.CharField(
        label=gettext_lazy("Titolo del nuovo piano"),
        max_length=_TITLE_CHARS,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
        error_messages={"required": gettext_lazy("Indica il titolo del nuovo piano.")},
    )
    all_open = forms.BooleanField(
        label=gettext_lazy("Riporta tutte le attività non concluse"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    activities = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Attività da riportare"),
        required=False,
        coerce=int,
        error_messages={"invalid_choice": gettext_lazy("Scegli solo attività non concluse di questo piano.")},
    )

    def __init__(self, *args: Any, preview: RolloverPreview, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:
            # The choices are the open activities among those sent, not the plan's thousands: a page lists the
            # first ones (the template), and whatever else is sent that is not one of them is refused the same.
            field = self.fields["activities"]
            sent = field.widget.value_from_datadict(self.data, self.files, self.add_prefix("activities")) or []
            asked = {
                int(value) for value in sent if str(value).isascii() and str(value).isdigit() and len(str(value)) < 19
            }
            chosen = preview.open_activities.filter(pk__in=asked).values_list("pk", "description")
            field.choices = list(chosen) if asked else []  # type: ignore[attr-defined]


def _plan(request: AuthenticatedRequest, pk: int) -> Plan:
    plan = visible_plans(request.user).select_related("organization").filter(pk=pk).first()
    if plan is None:
        raise Http404(_("Piano non trovato."))
    if plan.organization_id not in roles_of(request.user).director_of:
        raise PermissionDenied(_("Il piano dell'anno successivo lo crea il direttore dell'ente."))
    return plan


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def rollover(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    preview = rollover_preview(plan)
    successor = Plan.objects.filter(rolled_over_from=plan).first()
    status = 200
    if request.method == "POST":
        form = RolloverForm(request.POST, preview=preview)
        status = 400
        if form.is_valid():
            chosen = ALL_OPEN if form.cleaned_data["all_open"] else set(form.cleaned_data["activities"])
            try:
                new = plan_rollover(
                    actor=request.user,
                    plan=plan,
                    code=form.cleaned_data["code"],
                    title=form.cleaned_data["title"],
                    carry_over_activities=chosen,
                    source=Source.WEB,
                )
            except WorkflowError as refused:
                status = show_refusal(form, refused)
            else:
                messages.success(
                    request,
                    _("Creato il piano «%(code)s» in bozza, dal piano «%(old)s»: controllalo e adottalo.")
                    % {"code": new.code, "old": plan.code},
                )
                return redirect(reverse("web:plan", args=[new.pk]))
    else:
        form = RolloverForm(initial={"code": preview.code, "title": preview.title}, preview=preview)
    context = {
        "plan": plan,
        "preview": preview,
        "form": form,
        "successor": successor,
        "closed": plan.state in ROLLOVER_STATES,
        "chosen": {str(value) for value in form["activities"].value() or []},
    }
    return render(request, "web/rollover/page.html", context, status=status)
