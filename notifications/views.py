"""The one-click monthly answer: a page that needs no password, only a valid link, for an activity that is
still the person's and still open (checked when the page is opened and again when the answer is posted)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from notifications.answers import NO_LONGER_YOURS, load_claim, monitoring_answer_record
from notifications.forms import AnswerForm
from notifications.links import LinkError, read_answer_token

LINK_PROBLEMS = {
    "expired": (
        410,
        _(
            "Il link è scaduto. Chiedi al tuo responsabile d'area di aggiornare l'attività, o attendi "
            "la richiesta del prossimo mese."
        ),
    ),
    "invalid": (
        400,
        _(
            "Il link non è valido: forse è stato copiato solo in parte. Apri di nuovo il link "
            "dal messaggio ricevuto, per intero."
        ),
    ),
    "used": (
        409,
        _(
            "Con questo link è già stata data una risposta, e ogni link vale una volta sola. Se devi "
            "correggerla, scrivi al tuo responsabile d'area."
        ),
    ),
    **{reason: (409, message) for reason, message in NO_LONGER_YOURS.items()},
    "inactive": (
        403,
        _(
            "Il tuo account non è più attivo, quindi la risposta non può essere registrata. Se pensi che sia "
            "un errore, rivolgiti all'amministratore."
        ),
    ),
}


def _refused(request: HttpRequest, reason: str) -> HttpResponse:
    status, message = LINK_PROBLEMS[reason]
    return render(request, "notifications/link_problem.html", {"message": message}, status=status)


def answer(request: HttpRequest, token: str) -> HttpResponse:
    try:
        claim = read_answer_token(token)
        monitoring_round, activity, user = load_claim(claim)
    except LinkError as error:
        return _refused(request, error.reason)
    form = AnswerForm(request.POST or None, initial={"state": activity.state}, plan=activity.objective.plan)
    context = {"form": form, "activity": activity, "round": monitoring_round, "person": user}
    if request.method != "POST" or not form.is_valid():
        return render(request, "notifications/answer.html", context, status=400 if form.is_bound else 200)
    try:
        recorded = monitoring_answer_record(claim=claim, **form.cleaned_data)
    except LinkError as error:
        return _refused(request, error.reason)
    return render(request, "notifications/answer_done.html", {**context, "recorded": recorded})
