"""The approvals inbox of an area head, the director, or their substitute."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plans.rules import can_view_item
from web.forms import ChangeDecisionForm, DecisionForm
from web.http import AuthenticatedRequest, is_htmx
from workflow.errors import WorkflowError
from workflow.models import TransitionRequest
from workflow.selectors import requests_awaiting
from workflow.separation import Decider, judge
from workflow.services import approval_approve, approval_reject
from workflow.services.changes import change_approve

# The requests awaiting a person, a page at a time.
REQUESTS_PER_PAGE = 20
RELATED = ("activity__objective__plan", "objective__plan", "plan", "requested_by", "organization")


def _form(item: TransitionRequest, data: object = None) -> DecisionForm:
    form_class = ChangeDecisionForm if item.is_change else DecisionForm
    return form_class(data, prefix=f"r{item.pk}")  # type: ignore[arg-type]


def _awaiting(request: HttpRequest) -> Page[TransitionRequest]:
    """A page of the requests awaiting the person (?pagina=), oldest first."""
    awaiting = requests_awaiting(request.user).select_related(*RELATED).order_by("requested_at", "pk")
    return Paginator(awaiting, REQUESTS_PER_PAGE).get_page(request.GET.get("pagina"))


@login_required
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    page = _awaiting(request)
    pending = [(item, _form(item)) for item in page]
    return render(request, "web/inbox.html", {"pending": pending, "page": page})


def _may_see(user: object, transition_request: TransitionRequest) -> bool:
    """As the services decide: whoever sees the item, or the substitute who would decide its current step
    (told why, when a rule of separation stops them)."""
    target = transition_request.target
    if can_view_item(user, target):
        return True
    if not transition_request.is_open:
        return False
    verdict = judge(user, target, transition_request.current_step, request=transition_request)
    return isinstance(verdict, Decider) or verdict.would_decide


@login_required
@require_POST
def decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    transition_request = TransitionRequest.objects.select_related(*RELATED).filter(pk=pk).first()
    # Checked before the form: an invalid form answers with the request's details.
    if transition_request is None or not _may_see(request.user, transition_request):
        raise Http404(_("Questa richiesta non esiste."))
    form = _form(transition_request, request.POST)
    error = ""
    if form.is_valid():
        comment = form.cleaned_data["comment"]
        try:
            if form.cleaned_data["decision"] == "approve" and transition_request.is_change:
                change_approve(
                    actor=request.user,
                    request=transition_request,
                    comment=comment,
                    act=form.cleaned_data["act"],
                    act_date=form.cleaned_data["act_date"],
                )
                done = _("Rimodulazione approvata: %(request)s.")
            elif form.cleaned_data["decision"] == "approve":
                approval_approve(actor=request.user, request=transition_request, comment=comment)
                done = _("Richiesta approvata: %(request)s.")
            else:
                approval_reject(actor=request.user, request=transition_request, comment=comment)
                done = _("Richiesta respinta: %(request)s.")
        except WorkflowError as refused:
            if refused.status == 404:
                raise Http404(refused.message) from refused
            error = refused.message
        else:
            transition_request.refresh_from_db()
            if is_htmx(request):
                return render(request, "web/inbox_decided.html", {"item": transition_request})
            messages.success(request, done % {"request": transition_request})
            return redirect("web:inbox")
    if is_htmx(request):
        context = {"item": transition_request, "form": form, "error": error}
        return render(request, "web/inbox_request.html", context, status=400 if not error else 409)
    if error:
        messages.error(request, error)
        return redirect("web:inbox")
    page = _awaiting(request)
    pending = [(item, form if item.pk == pk else _form(item)) for item in page]
    return render(request, "web/inbox.html", {"pending": pending, "page": page}, status=400)
