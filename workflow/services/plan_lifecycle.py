"""The plan's life, one service per transition: adopt (with the act and its date), start the execution, close
the year (consuntivo), validate (the OIV), reopen a validated plan (a superuser, with a motivation and an act).

Each service checks who may act (NotVisible when the plan is not theirs to see, NotAllowed when the step is
someone else's), then the input (InvalidInput, nothing written), then, on the plan locked for the transaction,
its state (Conflict). The plan's row is in the audit trail; the change is recorded there with its source, its
actor and, where one is given, its motivation.

Adopting, starting and closing are the director's, and by default need nobody else. An organization may put
them under an approval chain (ApprovalPolicy, target "plan": Chain.DIRECTOR, another director of the body):
the step then becomes a request (TransitionRequest on the plan) that waits in the approvers' inbox and is
applied when approved (workflow.services.decisions), with the same separation of duties as any request. The
services answer the plan: unchanged, with `open_plan_request(plan)` pending, when the step was only asked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed, can_proceed

from notifications import events
from plans.limits import plan_window
from plans.models import Plan, PlanReopening
from plans.rules import roles_of, visible_plans
from workflow.errors import Conflict, InvalidInput, NotAllowed, NotVisible
from workflow.models import AuditEntry, PlanTransition, Step, TargetKind, TransitionRequest
from workflow.selectors import approval_chain, open_request_for
from workflow.services.core import audit, lock_plan
from workflow.trail.context import Source, recorded_as

_ACT_CHARS = Plan._meta.get_field("adoption_act").max_length or 300
MOTIVATION_CHARS = 4000


def plan_adopt(*, actor: Any, plan: Plan, act: str, adopted_on: dt.date | None, source: Source = Source.WEB) -> Plan:
    """Draft → adopted: the plan is the body's act (its number and date, e.g. "Delibera di Giunta n. 12")."""
    _see(actor, plan)
    _director(actor, plan, _("Il piano lo adotta il direttore dell'ente."))
    problems: dict[str, list[str]] = {}
    act = act.strip()
    if not act:
        problems["act"] = [_("Indica l'atto di adozione, ad esempio «Delibera di Giunta n. 12».")]
    elif len(act) > _ACT_CHARS or "\x00" in act:
        problems["act"] = [_("L'atto di adozione si scrive in al più %(n)s caratteri.") % {"n": _ACT_CHARS}]
    if adopted_on is None:
        problems["adopted_on"] = [_("Indica la data dell'atto (AAAA-MM-GG).")]
    else:
        # The act comes at most a year before the plan's first year, and never after its last.
        problems |= plan_window(plan.year_start, plan.year_end).check("adopted_on", adopted_on)
    if problems:
        raise InvalidInput(_("L'adozione non è stata registrata: correggi i campi indicati."), fields=problems)
    step = PlanTransition.ADOPT
    return _step(actor, plan, step, lambda locked: locked.adopt(act, adopted_on), source, act=act, act_date=adopted_on)


def plan_start(*, actor: Any, plan: Plan, source: Source = Source.WEB) -> Plan:
    """Adopted → in execution."""
    _see(actor, plan)
    _director(actor, plan, _("L'esecuzione del piano la avvia il direttore dell'ente."))
    return _step(actor, plan, PlanTransition.START, lambda locked: locked.start(), source)


def plan_close(*, actor: Any, plan: Plan, source: Source = Source.WEB) -> Plan:
    """In execution → closed: the year is over and its consuntivo is being written."""
    _see(actor, plan)
    _director(actor, plan, _("Il piano lo chiude il direttore dell'ente."))
    return _step(actor, plan, PlanTransition.CLOSE, lambda locked: locked.close(), source)


def plan_chain(plan: Plan, step: PlanTransition) -> tuple[Step, ...]:
    """The approvals the body asks for `step` of its plans (none by default)."""
    return approval_chain(plan.organization_id, TargetKind.PLAN, step)


def open_plan_request(plan: Plan) -> TransitionRequest | None:
    """The plan's step awaiting approval, if any (at most one)."""
    return open_request_for(plan)


def _step(
    actor: Any,
    plan: Plan,
    step: PlanTransition,
    move: Callable[[Plan], None],
    source: Source,
    *,
    act: str = "",
    act_date: dt.date | None = None,
) -> Plan:
    """The step at once where the body asks for no approval; otherwise a request that waits for its approvers.
    Either way, not while another step of the plan awaits its approval."""
    steps = plan_chain(plan, step)
    with transaction.atomic(), recorded_as(source, user=actor):
        locked = lock_plan(plan.pk)
        _ensure_no_open_request(locked)
        if not steps:
            return _move(actor, locked, move, source, "")
        if not can_proceed(getattr(locked, step), check_conditions=False):
            raise _wrong_state(locked)
        try:
            # No savepoint: a failed insert (someone else's request won the race) fails the whole transaction.
            with transaction.atomic(savepoint=False):
                request = TransitionRequest.objects.create(
                    organization_id=locked.organization_id,
                    plan=locked,
                    transition=step,
                    from_state=locked.state,
                    steps=[str(name) for name in steps],
                    current_step=steps[0],
                    requested_by=actor,
                    act=act,
                    act_date=act_date,
                )
        except IntegrityError as error:
            raise Conflict(_("C'è già una richiesta aperta su questo piano."), code="request_open") from error
        audit(request, AuditEntry.Event.REQUESTED, actor, comment=act)
    return locked


def _ensure_no_open_request(plan: Plan) -> None:
    pending = open_request_for(plan)
    if pending is not None:
        raise Conflict(
            _(
                "Sul piano c'è già una richiesta in attesa di approvazione (richiesta di %(what)s): attendi "
                "la decisione o ritirala."
            )
            % {"what": pending.transition_noun},
            code="request_open",
        )


def _wrong_state(plan: Plan) -> Conflict:
    return Conflict(
        _("Il piano è «%(state)s»: questo passaggio non si può fare ora.") % {"state": plan.get_state_display()}
    )


def plan_validate(*, actor: Any, plan: Plan, source: Source = Source.WEB) -> Plan:
    """Closed → validated, by the body's OIV."""
    _see(actor, plan)
    if plan.organization_id not in roles_of(actor).auditor_of:
        raise NotAllowed(_("Il piano lo valida l'organismo di valutazione (OIV) dell'ente."))
    return _move(actor, plan, lambda locked: locked.validate(), source, "")


def plan_reopen(*, actor: Any, plan: Plan, motivation: str, act: str, source: Source = Source.WEB) -> Plan:
    """Validated → closed: only a superuser, with a motivation and the act that decides it, both in the trail."""
    if not (getattr(actor, "is_active", False) and getattr(actor, "is_superuser", False)):
        _see(actor, plan)
        raise NotAllowed(_("Un piano validato lo riapre solo l'amministratore della piattaforma."))
    motivation, act = motivation.strip(), act.strip()
    problems: dict[str, list[str]] = {}
    if not motivation or "\x00" in motivation or len(motivation) > MOTIVATION_CHARS:
        problems["motivation"] = [_("Scrivi perché il piano validato si riapre.")]
    if not act or "\x00" in act or len(act) > _ACT_CHARS:
        problems["act"] = [_("Indica l'atto che decide la riapertura (al più %(n)s caratteri).") % {"n": _ACT_CHARS}]
    if problems:
        raise InvalidInput(_("La riapertura non è stata registrata: correggi i campi indicati."), fields=problems)

    def reopen(locked: Plan) -> None:
        locked.reopen()  # in memory: refused here when the plan is not validated
        # Its record before the save: the database lets a validated plan move only with it, in this transaction.
        PlanReopening.objects.create(plan=locked, reopened_by=actor, motivation=motivation, act=act)

    return _move(actor, plan, reopen, source, f"{act}: {motivation}")


def _see(actor: Any, plan: Plan) -> None:
    if getattr(actor, "is_superuser", False) and getattr(actor, "is_active", False):
        return
    if not visible_plans(actor).filter(pk=plan.pk).exists():
        raise NotVisible(_("Piano non trovato."))


def _director(actor: Any, plan: Plan, refusal: str) -> None:
    if plan.organization_id not in roles_of(actor).director_of:
        raise NotAllowed(refusal)


def _move(actor: Any, plan: Plan, step: Callable[[Plan], None], source: Source, comment: str) -> Plan:
    with transaction.atomic(), recorded_as(source, user=actor, comment=comment):
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        from_state = locked.state
        try:
            step(locked)
        except TransitionNotAllowed as error:
            raise _wrong_state(locked) from error
        locked.save()
        events.plan_life_changed(locked, from_state)
    return locked
