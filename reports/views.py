"""Downloads of the Relazione (pdf, docx, xlsx) and of its open data (csv, json) for one plan and year."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from plans.models import Plan
from plans.rules import visible_plans
from reports import action_sheet_views
from reports.action_sheets import shows_action_sheets
from reports.exports import needs_background, request_export
from reports.formats import OPEN_DATA, RELAZIONE, formats_of
from reports.kept import keeping, kept_file, kept_key
from reports.models import ReportExport
from reports.opendata import open_data_head, open_data_objectives
from reports.relazione import build_relazione, plan_years

NOT_FOUND_TEMPLATE = "reports/not_found.html"


@require_safe
@login_required
def relazione(request: HttpRequest, plan_id: int, year: int, fmt: str) -> HttpResponseBase:
    return _download(request, plan_id, year, fmt, kind=RELAZIONE)


@require_safe
@login_required
def opendata(request: HttpRequest, plan_id: int, year: int, fmt: str) -> HttpResponseBase:
    return _download(request, plan_id, year, fmt, kind=OPEN_DATA)


def visible_plan(request: HttpRequest, plan_id: int) -> Plan | None:
    """The plan, if the person may see it. A plan of another organization answers exactly like a plan that
    does not exist."""
    return visible_plans(request.user).select_related("organization").filter(pk=plan_id).first()


def plan_not_found(request: HttpRequest) -> HttpResponse:
    return not_found(request, _("Il piano richiesto non esiste o non è tra quelli che puoi consultare."))


def year_not_in_plan(request: HttpRequest, plan: Plan, year: int) -> HttpResponse | None:
    """The 404 for a year outside the plan, or None."""
    if year in plan_years(plan):
        return None
    message = _("L'anno %(year)d non è un anno del piano: scegli un anno tra %(first)d e %(last)d.")
    return not_found(request, message % {"year": year, "first": plan.year_start, "last": plan.year_end}, plan)


def _download(request: HttpRequest, plan_id: int, year: int, fmt: str, *, kind: str) -> HttpResponseBase:
    plan = visible_plan(request, plan_id)
    if plan is None:
        return plan_not_found(request)
    if shows_action_sheets(plan):  # a Piano di Zona: its action sheets' document instead of an empty Relazione
        return action_sheet_views.download(request, plan, year, fmt, kind=kind)
    formats = formats_of(kind)
    chosen = formats.get(fmt)
    if chosen is None:
        message = _("Il formato «%(format)s» non è disponibile. Formati disponibili: %(known)s.")
        return not_found(request, message % {"format": fmt, "known": ", ".join(formats)}, plan)
    refused = year_not_in_plan(request, plan, year)
    if refused is not None:
        return refused
    # An open data CSV kept as written, while nothing of the body changed since (reports.kept): no sizing either,
    # since only a file written inside a request is kept.
    where = kept_key(plan, year, fmt) if chosen.stream is not None else None
    kept = kept_file(where)
    if kept is None and needs_background(plan, fmt, kind=kind, year=year):
        if kind == OPEN_DATA:  # no page to choose from: the job starts, and the person follows it on its page
            announce = _("Dati aperti in %(format)s in preparazione.") % {"format": fmt.upper()}
            return in_background(request, plan, year, fmt, kind=ReportExport.Kind.OPEN_DATA, announce=announce)
        documents = reverse("reports:documents", args=[plan.pk, year])
        return HttpResponseRedirect(f"{documents}?formato={fmt}", status=303)
    if chosen.stream is not None:
        head = open_data_head(plan, year)
        pieces = [kept] if kept is not None else keeping(where, chosen.stream(head, open_data_objectives(plan, year)))
        return StreamingHttpResponse(
            pieces,
            content_type=chosen.content_type,
            headers={"Content-Disposition": content_disposition_header(True, chosen.filename(head))},
        )
    relazione_data = build_relazione(plan=plan, year=year)
    return HttpResponse(
        chosen.render(relazione_data),
        content_type=chosen.content_type,
        headers={"Content-Disposition": content_disposition_header(True, chosen.filename(relazione_data))},
    )


def in_background(request: HttpRequest, plan: Plan, year: int, fmt: str, *, kind: str, announce: str) -> HttpResponse:
    """A document too long to write inside the request: a worker prepares it, the person follows it on its page
    (told `announce` when the job is new) and receives a mail when it is ready."""
    export, created = request_export(actor=request.user, plan=plan, year=year, fmt=fmt, kind=kind)
    if created:
        messages.success(request, announce)
    else:
        messages.info(request, _("Questo documento è già in preparazione: attendi che sia pronto."))
    return redirect(reverse("reports:document_job", args=[plan.pk, export.pk]))


def not_found(request: HttpRequest, message: str, plan: Plan | None = None) -> HttpResponse:
    return render(request, NOT_FOUND_TEMPLATE, {"message": message, "plan": plan}, status=404)
