"""The dashboard's lists, the indicators and the search results as CSV or XLSX (web.exports), with the same
filters as the page that links them, every row of them; a person exports only what the page shows them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from itertools import batched
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from evaluation.selectors import system_for
from plans.models import WorkState
from web.dashboard import add_details, days, slipped_deadlines
from web.exports import Table, Value, response
from web.forms import DashboardFilters
from web.http import AuthenticatedRequest
from web.indicators import achievements, year_of
from web.search import SearchForm, search
from web.views.dashboard import IndicatorFilters, _form, listed_indicators
from workflow.separation import separation_policy

CHUNK = 1000  # rows whose details are read at once


def _author(request: AuthenticatedRequest) -> str:
    return request.user.get_full_name() or request.user.username


def _refused(request: AuthenticatedRequest, form: Any) -> HttpResponse:
    """The filters of the address are wrong: say which, as the page would, and export nothing."""
    problems = [f"{form.fields[name].label}: {error}" for name, errors in form.errors.items() for error in errors]
    context = {"problems": problems}
    return render(request, "web/export_refused.html", context, status=400)


def _slipped_rows(request: AuthenticatedRequest, filters: Any, today: dt.date) -> Iterator[Sequence[Value]]:
    labels = {state: str(label) for state, label in WorkState.choices}
    kinds = {"activity": _("Attività"), "objective": _("Obiettivo")}
    addresses = {kind: reverse(f"web:{kind}", args=[0])[:-2] for kind in kinds}  # ".../0/" less "0/"
    rows = slipped_deadlines(request.user, filters, today)
    for chunk in batched(rows.iterator(chunk_size=CHUNK), CHUNK):
        listed = list(chunk)
        add_details(listed, rows.db)
        for row in listed:
            ended = row["state"] == WorkState.CONCLUSO and row["actual_end"]
            owner = " ".join(name for name in (row["owner_first"], row["owner_last"]) if name)
            yield [
                row["area_name"] or _("Senza area"),
                kinds[row["kind"]],
                row["plan_code"],
                row["objective_code"],
                row["title"],
                labels[row["state"]],
                row["planned_raw"],
                row["actual_raw"],
                row["planned_end"],
                row["actual_end"] if ended else None,
                days(row["late"]),
                owner,
                f"{settings.SITE_URL}{addresses[row['kind']]}{row['pk']}/",
            ]


def _format(fmt: str) -> str:
    return "xlsx" if fmt == "xlsx" else "csv"


@login_required
@require_safe
def slipped(request: AuthenticatedRequest, fmt: str) -> HttpResponse:
    form, filters, _plan, context = _form(request, DashboardFilters)
    if form.is_bound and not form.is_valid():
        return _refused(request, form)
    header = [
        _("Area"),
        _("Tipo"),
        _("Piano"),
        _("Obiettivo"),
        _("Elemento"),
        _("Stato"),
        _("Tempi"),
        _("Consuntivo"),
        _("Scadenza prevista"),
        _("Conclusa il"),
        _("Giorni di ritardo"),
        _("Responsabile"),
        _("Indirizzo"),
    ]
    rows = _slipped_rows(request, filters, context["today"])
    table = Table(_("Scadenze mancate"), "scadenze-mancate", header, rows)
    return response(table, _format(fmt), _author(request))


@login_required
@require_safe
def indicators(request: AuthenticatedRequest, fmt: str) -> HttpResponse:
    form, filters, plan, context = _form(request, IndicatorFilters)
    if form.is_bound and not form.is_valid():
        return _refused(request, form)
    header = [
        _("Piano"),
        _("Obiettivo"),
        _("Indicatore"),
        _("Unità misura"),
        _("Valore atteso"),
        _("Valore consuntivo"),
        _("% raggiungimento"),
        _("Esito"),
    ]
    rows: list[Sequence[Value]] = []
    if plan is not None:
        year = year_of(plan, context["today"])
        confirms = separation_policy(plan.organization_id).measurements_need_confirmation
        system = system_for(plan.organization_id, year)
        listed, _below = listed_indicators(request.user, plan, filters, year)
        for chunk in batched(listed, CHUNK):
            for row in achievements(chunk, year, confirms=confirms, rule=system.rule):
                indicator = row.indicator
                rows.append(
                    [
                        plan.code,
                        indicator.objective.code,
                        indicator.name,
                        indicator.unit,
                        row.expected or None,
                        row.actual or None,
                        row.result.percent,
                        system.label(row.result.level),
                    ]
                )
    title = _("Indicatori %(year)s") % {"year": year_of(plan, context["today"])} if plan else _("Indicatori")
    table = Table(title, "indicatori", header, rows)
    return response(table, _format(fmt), _author(request))


@login_required
@require_safe
def search_results(request: AuthenticatedRequest, fmt: str) -> HttpResponse:
    form = SearchForm(request.GET)
    if not form.is_valid():
        return _refused(request, form)
    found = search(request.user, form.cleaned_data["q"])
    header = [_("Tipo"), _("Piano"), _("Codice"), _("Titolo"), _("Obiettivo"), _("Indirizzo")]
    rows = ([hit.kind_label, hit.plan_code, hit.code, hit.title, hit.objective_code, hit.url] for hit in found.all())
    return response(Table(_("Ricerca"), "ricerca", header, rows), _format(fmt), _author(request))
