"""The one-click page for less mail (notifications.unsubscribe): no password, only the signed link."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from notifications.links import LinkError
from notifications.unsubscribe import already_less, mail_less, read_less_mail_token

PROBLEMS = {
    "inactive": (403, _("Il tuo account non è più attivo: non riceve più posta da Traguardi.")),
    "changed": (
        410,
        _(
            "Questo link era per un indirizzo di posta che il tuo account non ha più. Scegli come ricevere la posta "
            "dalla pagina del tuo profilo, dopo l'accesso."
        ),
    ),
    "expired": (
        410,
        _("Il link è scaduto. Scegli come ricevere la posta dalla pagina del tuo profilo, dopo l'accesso."),
    ),
    "invalid": (
        400,
        _(
            "Il link non è valido: forse è stato copiato solo in parte. Apri di nuovo il link dal messaggio "
            "ricevuto, per intero, o scegli come ricevere la posta dalla pagina del tuo profilo."
        ),
    ),
}


@csrf_exempt  # RFC 8058: the mail system posts "List-Unsubscribe=One-Click" with no session and no form token
def less_mail(request: HttpRequest, token: str) -> HttpResponse:
    try:
        person = read_less_mail_token(token)
    except LinkError as error:
        status, message = PROBLEMS[error.reason]
        return render(request, "notifications/link_problem.html", {"message": message}, status=status)
    already = already_less(person)
    if request.method == "POST" and not already:
        mail_less(person)
        return render(request, "notifications/less_mail.html", {"person": person, "done": True})
    return render(request, "notifications/less_mail.html", {"person": person, "done": False, "already": already})
