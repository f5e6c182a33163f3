"""The input every request carries, checked before any other middleware or view reads it.

- A body longer than DATA_UPLOAD_MAX_MEMORY_SIZE is refused (413) unread. Django checks that limit only for
  the bodies it parses into memory, not for uploaded files, so the limit is the whole body's; the only views
  that take files (marked with `accepts_evidence`) accept EVIDENCE_MAX_FILES files of EVIDENCE_MAX_BYTES more,
  and their service checks each file; the web import of a plan (`accepts_plan_file`) one file of
  PLAN_IMPORT_MAX_BYTES more.
- A NUL character (U+0000) in the path, the query, a header, a cookie or a form field is refused (400,
  naming where). PostgreSQL cannot store it, and a lookup with one (a session cookie, a token, a filter)
  fails with an error instead of finding nothing. JSON bodies are checked by the API's parser
  (api.parsers), which names the field in the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config.refusals import TOO_LARGE, refusal, too_large

NUL = "\x00"
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def accepts_evidence[View: Callable[..., Any]](view: View) -> View:
    """Mark a view that takes evidence files: its body may be as long as the files it accepts."""
    view.accepts_evidence = True  # type: ignore[attr-defined]
    return view


def accepts_plan_file[View: Callable[..., Any]](view: View) -> View:
    """Mark a view that takes a plan file to import: its body may be as long as PLAN_IMPORT_MAX_BYTES allows."""
    view.accepts_plan_file = True  # type: ignore[attr-defined]
    return view


def evidence_body_limit() -> int:
    return settings.EVIDENCE_MAX_BYTES * settings.EVIDENCE_MAX_FILES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def plan_file_body_limit() -> int:
    return settings.PLAN_IMPORT_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _takes(request: HttpRequest, mark: str) -> bool:
    """A page marked as taking files (`mark`), asked by a signed-in person: only they get the larger body (nobody
    else's upload is parsed and spooled to disk before the refusal)."""
    try:
        marked = bool(getattr(resolve(request.path_info).func, mark, False))
    except Resolver404:
        return False
    return marked and _signed_in(request)


def _signed_in(request: HttpRequest) -> bool:
    """Whether the request's session cookie names a signed-in session; SessionMiddleware has not run yet."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    session = import_module(settings.SESSION_ENGINE).SessionStore(key)
    return SESSION_KEY in session


class InputGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # LocaleMiddleware has not run yet: the refusal speaks the language the request asks for.
        with translation.override(translation.get_language_from_request(request)):
            refused = _refusal(request)
        return refused or self.get_response(request)


def _refusal(request: HttpRequest) -> HttpResponse | None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0  # as Django reads it: no body
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and length > limit:
        # Resolved only for a long body (rare): every other request costs nothing more.
        if _takes(request, "accepts_plan_file"):
            if length > plan_file_body_limit():
                message = _(
                    "Il file supera %(size)s, il massimo che si importa: dividi il piano o chiedi all'ufficio IT."
                )
                size = filesizeformat(settings.PLAN_IMPORT_MAX_BYTES)
                return refusal(request, 413, "too_large", message % {"size": size})
        elif not _takes(request, "accepts_evidence"):
            return too_large(request)
        elif length > evidence_body_limit():
            message = ngettext(
                "I file inviati superano %(size)s in tutto: al massimo %(count)d file di %(each)s ciascuno.",
                "I file inviati superano %(size)s in tutto: al massimo %(count)d file di %(each)s ciascuno.",
                settings.EVIDENCE_MAX_FILES,
            ) % {
                "size": filesizeformat(evidence_body_limit()),
                "count": settings.EVIDENCE_MAX_FILES,
                "each": filesizeformat(settings.EVIDENCE_MAX_BYTES),
            }
            return refusal(request, 413, "too_large", message)
    try:
        places = _nul_places(request)
    except TOO_LARGE as error:
        return too_large(request, error)
    except (MultiPartParserError, UnreadablePostError, BadRequest, SuspiciousOperation):
        message = _("Il corpo della richiesta non si legge: il modulo inviato è incompleto o malformato.")
        return refusal(request, 400, "parse_error", message)
    if not places:
        return None
    problem = _("Contiene il carattere NUL (U+0000), che non è ammesso.")
    message = _("La richiesta contiene il carattere NUL (U+0000), che non è ammesso: toglilo e riprova.")
    return refusal(request, 400, "invalid", message, {place: [problem] for place in places})


def _nul_places(request: HttpRequest) -> list[str]:
    """Where a NUL is: "path", a query or form field's name, a header's name."""
    places = ["path"] if NUL in request.path_info else []
    places += _in_pairs(request.GET.lists())
    places += [name for name, value in request.headers.items() if NUL in value]
    if request.method == "POST" and request.content_type in FORMS:
        places += _in_pairs(request.POST.lists())
    return places


def _in_pairs(pairs: Iterable[tuple[str, list[str]]]) -> list[str]:
    return [name.replace(NUL, "\\0") for name, values in pairs if NUL in name or any(NUL in v for v in values)]
