"""One service per transition, for objectives and activities alike.

Each does the whole job in one transaction: lock the item, check that the caller sees it and may ask,
check the state and the input, record the request, approve the steps the caller holds, and apply the
transition if nothing else is needed; the announcements go out after commit. It answers an Outcome:
`applied` when the state changed, otherwise the pending request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from plans.limits import DateWindow, plan_window
from plans.models import Activity, WorkItem
from workflow.errors import InvalidInput
from workflow.models import TransitionName
from workflow.selectors import chain_for
from workflow.separation import Decider
from workflow.services.core import (
    Outcome,
    Payload,
    create_request,
    ensure_no_open_request,
    ensure_permitted,
    ensure_transition_allowed,
    ensure_visible,
    lock_item,
    progress_of,
    settle,
)
from workflow.services.freeze import ensure_open, hold_plan

Check = Callable[[WorkItem, Payload], dict[str, list[str]]]


def _no_check(item: WorkItem, payload: Payload) -> dict[str, list[str]]:
    return {}


def _request(actor: Any, item: WorkItem, transition: TransitionName, payload: Payload, check: Check) -> Outcome:
    with transaction.atomic():
        plan = hold_plan(item)
        item = lock_item(item)
        ensure_visible(actor, item)
        ensure_open(plan)
        ensure_permitted(actor, item, transition)
        ensure_no_open_request(item)
        ensure_transition_allowed(item, transition)
        problems = check(item, payload)
        if problems:
            raise InvalidInput(_("La richiesta non è completa: correggi i campi indicati."), fields=problems)
        steps = chain_for(item, transition)
        progress = progress_of([str(step) for step in steps], actor, item, decided=set())
        request = create_request(actor, item, transition, steps, payload, waiting=progress.waiting)
        settle(request, item, Decider(actor), progress)
    return Outcome(request=request, item=item)


def item_avvia(*, actor: Any, item: WorkItem, comment: str = "") -> Outcome:
    return _request(actor, item, TransitionName.AVVIA, Payload(comment=comment), _no_check)


def _window(item: WorkItem) -> DateWindow:
    """The dates the item's plan allows (plans.limits); the locked item holds its plan."""
    plan = item.objective.plan if isinstance(item, Activity) else item.plan
    return plan_window(plan.year_start, plan.year_end)


def _check_concludi(item: WorkItem, payload: Payload) -> dict[str, list[str]]:
    if payload.actual_end and payload.actual_end > timezone.localdate():
        return {"actual_end": [_("La data di conclusione non può essere nel futuro.")]}
    return _window(item).check("actual_end", payload.actual_end)


def item_concludi(*, actor: Any, item: WorkItem, actual_end: dt.date | None = None, comment: str = "") -> Outcome:
    """Conclude; the actual completion date defaults to today."""
    payload = Payload(comment=comment, actual_end=actual_end or timezone.localdate())
    return _request(actor, item, TransitionName.CONCLUDI, payload, _check_concludi)


def _check_rinvia(item: WorkItem, payload: Payload) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if not payload.reason.strip():
        problems["reason"] = [_("Indica il motivo del rinvio.")]
    new_end = payload.new_planned_end
    if new_end is None:
        problems["new_planned_end"] = [_("Indica la nuova scadenza prevista (AAAA-MM-GG).")]
    elif new_end < timezone.localdate():
        problems["new_planned_end"] = [_("La nuova scadenza non può essere nel passato.")]
    elif item.planned_end and new_end <= item.planned_end:
        problems["new_planned_end"] = [
            _("La nuova scadenza deve essere successiva a quella attuale, %(date)s.")
            % {"date": date_format(item.planned_end, "SHORT_DATE_FORMAT")}
        ]
    else:
        problems |= _window(item).check("new_planned_end", new_end)
    return problems


def item_rinvia(
    *, actor: Any, item: WorkItem, reason: str, new_planned_end: dt.date | None, comment: str = ""
) -> Outcome:
    payload = Payload(comment=comment, reason=reason, new_planned_end=new_planned_end)
    return _request(actor, item, TransitionName.RINVIA, payload, _check_rinvia)


def item_riprendi(*, actor: Any, item: WorkItem, comment: str = "") -> Outcome:
    return _request(actor, item, TransitionName.RIPRENDI, Payload(comment=comment), _no_check)


def _check_riapri(item: WorkItem, payload: Payload) -> dict[str, list[str]]:
    return {} if payload.reason.strip() else {"reason": [_("Indica perché l'elemento va riaperto.")]}


def item_riapri(*, actor: Any, item: WorkItem, reason: str, comment: str = "") -> Outcome:
    return _request(actor, item, TransitionName.RIAPRI, Payload(comment=comment, reason=reason), _check_riapri)
