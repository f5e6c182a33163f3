"""What the area head writes for the year's consuntivo: the narrative report of an objective at a date, and the
motivation of an indicator that missed its target. Writing again replaces the text; the audit trail keeps every
earlier version (workflow.trail), which the pages show as the history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.limits import plan_window
from plans.models import Indicator, IndicatorMotivation, Objective, ObjectiveReport, Plan
from plans.rules import can_view_item, can_write_motivation, can_write_objective_report
from workflow.errors import InvalidInput, NotAllowed, NotVisible
from workflow.services.freeze import ensure_open, ensure_plan_open

TEXT_CHARS = 20_000


def text_problems(text: str, what: str) -> list[str]:
    """Why `text` may not be kept as `what` (say «la relazione»), or nothing."""
    if not text.strip():
        return [_("Il testo è vuoto: scrivi %(what)s prima di salvare.") % {"what": what}]
    if len(text) > TEXT_CHARS:
        return [
            _("Il testo è troppo lungo: %(count)d caratteri, al massimo %(limit)d.")
            % {"count": len(text), "limit": TEXT_CHARS}
        ]
    return []


def year_problems(plan: Plan, year: int) -> list[str]:
    if plan.year_start <= year <= plan.year_end:
        return []
    return [
        _("L'anno deve cadere nel piano, dal %(start)d al %(end)d.") % {"start": plan.year_start, "end": plan.year_end}
    ]


def default_report_date(plan: Plan, today: dt.date | None = None) -> dt.date:
    """31 December of the plan's year under way (its last year once it is over, its first before it starts)."""
    year = (today or timezone.localdate()).year
    return dt.date(min(max(year, plan.year_start), plan.year_end), 12, 31)


def objective_report_write(*, actor: Any, objective: Objective, date: dt.date | None, text: str) -> ObjectiveReport:
    """The objective's report at `date` (e.g. «Report al 31/12»): created, or its text replaced."""
    if not can_view_item(actor, objective):
        raise NotVisible(_("Obiettivo non trovato."))
    if not can_write_objective_report(actor, objective):
        raise NotAllowed(_("La relazione dell'obiettivo la scrive il responsabile della sua area o il direttore."))
    plan = objective.plan
    ensure_open(plan)
    problems: dict[str, list[str]] = {}
    if date is None:
        problems["date"] = [_("Indica la data della relazione, ad esempio il 31/12 dell'anno.")]
    else:
        problems |= plan_window(plan.year_start, plan.year_end).check("date", date)
    if found := text_problems(text, _("la relazione")):
        problems["text"] = found
    if problems:
        raise InvalidInput(_("La relazione non è stata salvata: correggi i campi indicati."), fields=problems)
    assert date is not None  # a problem otherwise
    with transaction.atomic():
        ensure_plan_open(objective)  # held: a validation waits for this text, or is seen
        report, _created = ObjectiveReport.objects.select_for_update().update_or_create(
            objective=objective, date=date, defaults={"text": text}
        )
    return report


def indicator_motivation_write(*, actor: Any, indicator: Indicator, year: int, text: str) -> IndicatorMotivation:
    """Why the indicator missed its target in `year`: created, or its text replaced."""
    if not can_view_item(actor, indicator):
        raise NotVisible(_("Indicatore non trovato."))
    if not can_write_motivation(actor, indicator):
        raise NotAllowed(_("La motivazione la scrive il responsabile dell'area dell'obiettivo o il direttore."))
    ensure_open(indicator.objective.plan)
    problems: dict[str, list[str]] = {}
    if found := year_problems(indicator.objective.plan, year):
        problems["year"] = found
    elif not indicator.targets.filter(year=year).exists():
        problems["year"] = [
            _("L'indicatore non ha un valore atteso per il %(year)d: non c'è uno scostamento da motivare.")
            % {"year": year}
        ]
    if found := text_problems(text, _("la motivazione")):
        problems["text"] = found
    if problems:
        raise InvalidInput(_("La motivazione non è stata salvata: correggi i campi indicati."), fields=problems)
    with transaction.atomic():
        ensure_plan_open(indicator)
        motivation, _created = IndicatorMotivation.objects.select_for_update().update_or_create(
            indicator=indicator,
            year=year,
            defaults={"text": text, "written_by": actor, "written_at": timezone.now()},
        )
    return motivation
