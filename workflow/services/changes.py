"""Rimodulazione: a motivated change of an objective of an adopted plan (its text, weight, indicators, targets,
planned times), asked as a request through the same chain, decisions and trail as the transitions.

The area head of the objective's area or the director proposes (`change_request`); the director approves, giving
the act that approves it when the request does not carry it (`change_approve`), or rejects it with the generic
`approval_reject`, which changes nothing. The last approval writes the change in its transaction, inside the trail's
context with the motivation and the act as comment, and makes the plan's next version (workflow.models.versions).
A director's own proposal, with its act, is applied at once, as the director's own steps are for every request.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from plans.freeze import PlanFrozen, ensure_writable, is_live
from plans.models import Objective, Plan
from plans.rules import is_area_head, is_director
from workflow.changes.apply import apply_changes
from workflow.changes.proposal import read_proposal
from workflow.changes.snapshot import plan_snapshot
from workflow.errors import Conflict, InvalidInput, NotAllowed
from workflow.models import RIMODULA, AuditEntry, Chain, PlanVersion, TransitionRequest
from workflow.separation import Decider
from workflow.services.core import (
    Approving,
    Outcome,
    Payload,
    announce_closed,
    create_request,
    ensure_no_open_request,
    ensure_visible,
    lock_item,
    progress_of,
    settle,
)
from workflow.services.decisions import approval_approve
from workflow.trail.context import Source, recorded_as

MOTIVATION_CHARS = 4000
ACT_CHARS = TransitionRequest._meta.get_field("act").max_length or 300
# The director at least (issue 17): a rimodulazione changes the body's act.
CHANGE_CHAIN = Chain.DIRECTOR


def change_request(
    *,
    actor: Any,
    objective: Objective,
    changes: Any,
    motivation: str,
    act: str = "",
    act_date: dt.date | None = None,
    comment: str = "",
    source: Source = Source.WEB,
) -> Outcome:
    """Ask to change `objective` as `changes` says (workflow.changes.proposal), for `motivation`."""
    with transaction.atomic():
        item = lock_item(objective)
        assert isinstance(item, Objective)
        ensure_visible(actor, item)
        if not (is_director(actor, item) or is_area_head(actor, item)):
            raise NotAllowed(
                _("Una rimodulazione la propongono il responsabile dell'area dell'obiettivo o il direttore.")
            )
        ensure_changeable(_lock_plan(item))
        ensure_no_open_request(item)
        problems = _check_motivation(motivation) | _check_act(act, act_date, required=False)
        proposal, proposal_problems = read_proposal(item, changes)
        problems |= proposal_problems
        if problems:
            raise InvalidInput(_("La rimodulazione non è stata chiesta: correggi i campi indicati."), fields=problems)
        steps = list(CHANGE_CHAIN.steps)
        progress = progress_of([str(step) for step in steps], actor, item, decided=set())
        request = create_request(
            actor,
            item,
            RIMODULA,
            steps,
            Payload(comment=comment, reason=motivation.strip()),
            waiting=progress.waiting,
            changes=proposal,
            act=act.strip(),
            act_date=act_date,
        )
        settle(request, item, Decider(actor), progress, approving=Approving(source=source))
    return Outcome(request=request, item=item)


def change_approve(
    *,
    actor: Any,
    request: TransitionRequest,
    act: str = "",
    act_date: dt.date | None = None,
    comment: str = "",
    source: Source = Source.WEB,
) -> Outcome:
    """Approve a rimodulazione's current step; the last one needs the act (here or on the request)."""
    if not request.is_change:
        raise InvalidInput(_("Questa richiesta non è una rimodulazione."), code="not_a_change")
    problems = _check_act(act, act_date, required=False)
    if problems:
        raise InvalidInput(_("La rimodulazione non è stata approvata: correggi i campi indicati."), fields=problems)
    approving = Approving(act=act.strip(), act_date=act_date, source=source)
    return approval_approve(actor=actor, request=request, comment=comment, approving=approving)


def ensure_changeable(plan: Plan) -> None:
    """A rimodulazione changes an adopted plan (or one in execution): a draft is edited or imported again, a closed
    year is over, a validated one is frozen."""
    try:
        ensure_writable(plan)
    except PlanFrozen as frozen:
        raise Conflict(frozen.message, code="plan_frozen") from frozen
    if not is_live(plan):
        raise Conflict(
            _(
                "Il piano «%(code)s» è «%(state)s»: si rimodula un piano adottato o in esecuzione. Un piano in bozza "
                "si modifica direttamente o si importa di nuovo."
            )
            % {"code": plan.code, "state": plan.get_state_display()},
            code="plan_not_live",
        )


def _lock_plan(objective: Objective) -> Plan:
    plan: Plan = Plan.objects.select_for_update(no_key=True, of=("self",)).get(pk=objective.plan_id)
    return plan


def _check_motivation(motivation: str) -> dict[str, list[str]]:
    text = motivation.strip() if isinstance(motivation, str) else ""
    if not text or "\x00" in text or len(text) > MOTIVATION_CHARS:
        return {
            "motivation": [
                _("Scrivi la motivazione della rimodulazione (al più %(n)s caratteri).") % {"n": MOTIVATION_CHARS}
            ]
        }
    return {}


def _check_act(act: str, act_date: dt.date | None, *, required: bool) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    act = act.strip() if isinstance(act, str) else ""
    if "\x00" in act or len(act) > ACT_CHARS:
        problems["act"] = [_("L'atto si scrive in al più %(n)s caratteri.") % {"n": ACT_CHARS}]
    elif required and not act:
        problems["act"] = [_("Indica l'atto che approva la rimodulazione, ad esempio «Decreto del direttore n. 7».")]
    if act and act_date is None:
        problems["act_date"] = [_("Indica la data dell'atto (AAAA-MM-GG).")]
    elif act_date is not None and not act:
        problems["act"] = [_("Indica l'atto di cui hai dato la data.")]
    elif act_date is not None and act_date > timezone.localdate():
        problems["act_date"] = [_("La data dell'atto non può essere nel futuro.")]
    return problems


def apply_change(request: TransitionRequest, item: Any, decider: Decider, approving: Approving) -> None:
    """The last approval: write the change, close the request, make the next version (workflow.services.core)."""
    assert isinstance(item, Objective)
    plan = _lock_plan(item)
    ensure_changeable(plan)
    act, act_date = approving.act or request.act, approving.act_date or request.act_date
    problems = _check_act(act, act_date, required=True)
    if problems:
        raise InvalidInput(
            _("Per approvare la rimodulazione indica l'atto che la approva, con la sua data."), fields=problems
        )
    assert act_date is not None
    comment = _("Rimodulazione: %(motivation)s (%(act)s del %(date)s)") % {
        "motivation": request.reason,
        "act": act,
        "date": date_format(act_date, "SHORT_DATE_FORMAT"),
    }
    with recorded_as(approving.source, user=decider.user, comment=comment):
        _first_version(plan)
        apply_changes(item, request.changes)
        request.status = TransitionRequest.Status.APPROVED
        request.current_step = ""
        request.closed_at = timezone.now()
        request.save(update_fields=TransitionRequest.UPDATABLE_FIELDS)
        PlanVersion.objects.create(
            plan=plan,
            number=PlanVersion.objects.filter(plan=plan).count() + 1,
            request=request,
            trail_entry=_decision_entry(request),
            made_by=decider.user,
            motivation=request.reason,
            act=act,
            act_date=act_date,
            snapshot=plan_snapshot(plan.pk),
        )
    announce_closed(request)


def _first_version(plan: Plan) -> PlanVersion:
    """Version 1, made before the first change is written: the plan as adopted, at its adoption's row in the trail
    when it has one."""
    first = PlanVersion.objects.filter(plan=plan, number=1).first()
    if first is not None:
        return first
    adopted = (
        AuditEntry.objects.filter(
            organization_id=plan.organization_id, subject="plans.plan", subject_id=plan.pk, after__state="adopted"
        )
        .order_by("-pk")
        .first()
    )
    return PlanVersion.objects.create(
        plan=plan,
        number=1,
        trail_entry=adopted,
        made_at=adopted.at if adopted else timezone.now(),
        act=plan.adoption_act,
        act_date=plan.adopted_on,
        snapshot=plan_snapshot(plan.pk),
    )


def _decision_entry(request: TransitionRequest) -> AuditEntry | None:
    """The trail's row of the last decision, just written: the change's own data rows follow it."""
    return AuditEntry.objects.filter(request=request, event=AuditEntry.Event.APPROVED).order_by("-pk").first()
