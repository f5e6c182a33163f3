"""Bad requests refused outside any view, in the shape the caller reads: the API's one error shape under
/api/, a page elsewhere. Never a stack trace, never a 500.

`bad_request` is Django's 400 handler (config.urls.handler400): Django calls it for the SuspiciousOperation
and BadRequest errors it raises itself, such as a Host header outside ALLOWED_HOSTS or a body over
DATA_UPLOAD_MAX_MEMORY_SIZE; `config.guard` answers with `refusal` before a view runs.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import DisallowedHost, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from api.errors import error_body

API_PREFIX = "/api/"
TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def refusal(
    request: HttpRequest, status: int, code: str, message: str, fields: dict[str, list[str]] | None = None
) -> HttpResponse:
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse(error_body(code, message, fields), status=status, json_dumps_params={"ensure_ascii": False})
    template = "413.html" if status == 413 else "400.html"
    return render(request, template, {"message": message, "fields": fields or {}}, status=status)


def too_large(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """413: the body is over the size (or the number of fields) Django reads; nothing of it was used."""
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        message = _("La richiesta contiene troppi campi: al massimo %(count)d.") % {
            "count": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        }
    else:
        message = _("La richiesta supera %(size)s, il massimo accettato: accorcia i testi e riprova.") % {
            "size": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        }
    return refusal(request, 413, "too_large", message)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if isinstance(exception, TOO_LARGE):
        return too_large(request, exception)
    if isinstance(exception, DisallowedHost):
        message = _("Questo server non risponde al nome indicato nella richiesta (intestazione Host).")
        return refusal(request, 400, "bad_host", message)
    message = _("La richiesta non è valida: controlla i dati inviati e riprova.")
    return refusal(request, 400, "bad_request", message)
