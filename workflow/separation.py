"""Separation of duties: who may stand in for whom, and who may decide which step of a request.

The rules, in the order a refusal names them (each with its stable error code):
- `sod_auditor`: the auditor (OIV) decides nothing, and stands in for nobody;
- `sod_own_request`: nobody decides a request they made, directly or on someone's behalf. The steps a
  requester holds in their own right are approved with the request itself (an area head concluding an
  activity of their area needs nobody else); their delegated powers never are;
- `sod_one_step`: one person decides at most one step of a request, the requester's own approvals included,
  except the director covering the area head where the organization's policy documents it
  (SeparationPolicy.director_covers_area_head);
- `sod_substitute_role`: a substitute must be able to hold the absent person's role, as the organization's
  policy says.

They are checked when a delegation is made and again at every decision, because roles change after a
delegation is made. The awaiting queries (workflow.selectors) apply the same rules in SQL, and the database
refuses what it can check on its own (the triggers on Approval and Delegation).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from plans.models import Activity, Area, Objective, Plan, WorkItem
from plans.rules import is_area_head, is_director, roles_of
from workflow.models.delegation import Delegation
from workflow.models.policy import AreaHeadSubstitutes, DirectorSubstitutes, SeparationPolicy, Step

if TYPE_CHECKING:
    from workflow.models.requests import TransitionRequest

SOD_AUDITOR = "sod_auditor"
SOD_OWN_REQUEST = "sod_own_request"
SOD_ONE_STEP = "sod_one_step"
SOD_SUBSTITUTE_ROLE = "sod_substitute_role"
SEPARATION_CODES = (SOD_AUDITOR, SOD_OWN_REQUEST, SOD_ONE_STEP, SOD_SUBSTITUTE_ROLE)


@dataclass(frozen=True)
class Decider:
    """Who decides, and for whom: `on_behalf_of` is the absent person when deciding as a substitute;
    `covers_area_head` marks the director's second step under the policy's documented exception."""

    user: Any
    on_behalf_of: Any = None
    covers_area_head: bool = False


@dataclass(frozen=True)
class Refusal:
    """Why someone may not decide. `would_decide`: they hold the step, or stand in for someone who does, but a
    rule of separation forbids it (they may see the request, and are told why)."""

    code: str
    message: str
    would_decide: bool = True
    field: str = ""  # for a delegation: the field at fault


def separation_policy(organization_id: int) -> SeparationPolicy:
    """The organization's separation policy: its row, or the defaults (an unsaved row) when it has none."""
    found = SeparationPolicy.objects.filter(organization_id=organization_id).order_by().first()
    return found or SeparationPolicy(organization_id=organization_id)


def objective_of(item: WorkItem) -> Objective:
    objective = item.objective if isinstance(item, Activity) else item
    assert isinstance(objective, Objective)
    return objective


def organization_id_of(item: WorkItem | Plan) -> int:
    if isinstance(item, Plan):
        return item.organization_id
    return objective_of(item).plan.organization_id


def has_no_head(item: WorkItem) -> bool:
    """Whether none of the item's areas has a head. The areas are read with `.all()`, so that the ones a locked
    item came with (core.lock_item) serve."""
    return not any(area.head_id is not None for area in objective_of(item).areas.all())


def holds_step(user: Any, item: WorkItem, step: Step | str) -> bool:
    """Whether `user`, in their own right, is the one who decides `step` on `item`. The director takes the
    area-head step of an item whose areas have no head, so that nothing waits for nobody."""
    if step == Step.AREA_HEAD:
        return bool(is_area_head(user, item)) or (has_no_head(item) and bool(is_director(user, item)))
    return bool(is_director(user, item))


def roles_held(user: Any, organization_id: int) -> list[Step]:
    """The deciding roles `user` holds in the organization: what a delegation of theirs hands over."""
    roles = roles_of(user)
    held = [Step.AREA_HEAD] if organization_id in roles.heads_in else []
    return [*held, Step.DIRECTOR] if organization_id in roles.director_of else held


def may_stand_in(policy: SeparationPolicy, step: Step | str, substitute: Any, delegator: Any) -> bool:
    """Whether the policy lets `substitute`, with the roles they hold now, decide `step` for `delegator`."""
    organization = policy.organization_id
    roles = roles_of(substitute)
    if organization in roles.auditor_of:
        return False
    directs, heads = organization in roles.director_of, organization in roles.heads_in
    if step == Step.DIRECTOR:
        return policy.director_substitutes == DirectorSubstitutes.AREA_HEADS and (heads or directs)
    if policy.area_head_substitutes == AreaHeadSubstitutes.DIRECTOR:
        return directs
    if directs or heads:
        return True
    if policy.area_head_substitutes != AreaHeadSubstitutes.WITH_AREA_STAFF:
        return False
    return Area.objects.filter(organization_id=organization, head=delegator, members=substitute).exists()


def who_may_stand_in(policy: SeparationPolicy, step: Step | str) -> str:
    if step == Step.DIRECTOR:
        return str(DirectorSubstitutes(policy.director_substitutes).label)
    return str(AreaHeadSubstitutes(policy.area_head_substitutes).label)


def delegation_refusal(organization_id: int, delegator: Any, substitute: Any) -> Refusal | None:
    """Why `substitute` may not be named to stand in for `delegator` in the organization, or None."""
    if organization_id in roles_of(delegator).auditor_of:
        message = _("L'OIV (organismo di valutazione) non decide, e non ha nulla da delegare.")
        return Refusal(SOD_AUDITOR, message, field="delegator")
    held = roles_held(delegator, organization_id)
    if not held:
        message = _("Solo il direttore e i responsabili d'area possono nominare un sostituto.")
        return Refusal("permission_denied", message, would_decide=False, field="delegator")
    if organization_id in roles_of(substitute).auditor_of:
        return Refusal(
            SOD_AUDITOR,
            _(
                "L'OIV (organismo di valutazione) non può fare da sostituto: controlla le decisioni, non le "
                "prende. Scegli un'altra persona."
            ),
            field="substitute",
        )
    policy = separation_policy(organization_id)
    for step in held:
        if not may_stand_in(policy, step, substitute, delegator):
            return Refusal(
                SOD_SUBSTITUTE_ROLE,
                _(
                    "Per sostituire il %(role)s la politica dell'ente ammette: %(who)s. %(name)s non ha questo "
                    "ruolo: scegli un'altra persona, o chiedi di cambiare la politica (Separazione dei compiti)."
                )
                % {"role": step.label, "who": who_may_stand_in(policy, step), "name": _name(substitute)},
                field="substitute",
            )
    return None


def decider_for(
    user: Any, item: WorkItem, step: Step | str, *, request: TransitionRequest | None = None, on: dt.date | None = None
) -> Decider | None:
    """How `user` may decide `step` on `item` on day `on` (today by default), or None: `judge` without the
    reason."""
    verdict = judge(user, item, step, request=request, on=on)
    return verdict if isinstance(verdict, Decider) else None


def judge(
    user: Any, item: WorkItem, step: Step | str, *, request: TransitionRequest | None = None, on: dt.date | None = None
) -> Decider | Refusal:
    """How `user` may decide `step` on `item` (of `request`, when given): in their own right, as the
    substitute of someone absent, or not, and then why."""
    if not user.is_authenticated:
        return _not_entitled(step)
    organization = organization_id_of(item)
    own = holds_step(user, item, step)
    stand_ins: list[Delegation] = []
    if not own:
        day = on or timezone.localdate()
        received = (
            Delegation.objects.active_on(day)
            .filter(substitute=user.pk, organization_id=organization)
            .select_related("delegator")
            .order_by("pk")
        )
        stand_ins = [d for d in received if _hands_over(d.delegator, item, step, organization)]
        if isinstance(item, Plan) and request is not None:
            # Another director approves a plan's step: not the asking director's own substitute.
            stand_ins = [d for d in stand_ins if d.delegator_id != request.requested_by_id]
        if not stand_ins:
            return _not_entitled(step)
    if organization in roles_of(user).auditor_of:
        return Refusal(
            SOD_AUDITOR,
            _(
                "Sei l'OIV (organismo di valutazione) di questo ente: controlli le decisioni, non le prendi, "
                "nemmeno come sostituto."
            ),
        )
    if request is not None:
        verdict = _request_verdict(user, step, request, own=own, organization=organization)
        if verdict is not None:
            return verdict
    if own:
        return Decider(user)
    policy = separation_policy(organization)
    for delegation in stand_ins:
        if may_stand_in(policy, step, user, delegation.delegator):
            return Decider(user, on_behalf_of=delegation.delegator)
    return Refusal(
        SOD_SUBSTITUTE_ROLE,
        _(
            "Sostituisci %(name)s, ma per il %(role)s la politica dell'ente ammette come sostituto: %(who)s; "
            "il tuo ruolo attuale non lo consente."
        )
        % {"name": _name(stand_ins[0].delegator), "role": Step(step).label, "who": who_may_stand_in(policy, step)},
    )


def approved_with_request(requester: Any, item: WorkItem, step: Step | str, *, earlier: list[str]) -> Decider | None:
    """How the requester's own right approves `step` when their request reaches it, given the steps they
    already approved on it (`earlier`); None when someone else must decide it. Delegated powers never count."""
    if isinstance(item, Plan):
        # A plan's step is asked by a director: the chain the body set on it means that another director
        # approves it, never the one who asked.
        return None
    organization = organization_id_of(item)
    if not holds_step(requester, item, step) or organization in roles_of(requester).auditor_of:
        return None
    if not earlier:
        return Decider(requester)
    if _may_cover(step, earlier, organization):
        return Decider(requester, covers_area_head=True)
    return None


def _hands_over(delegator: Any, item: WorkItem, step: Step | str, organization: int) -> bool:
    """Whether `delegator`'s delegation covers `step`: they hold it, and are not the organization's auditor
    (who decides nothing, so passes nothing on)."""
    return holds_step(delegator, item, step) and organization not in roles_of(delegator).auditor_of


def _request_verdict(
    user: Any, step: Step | str, request: TransitionRequest, *, own: bool, organization: int
) -> Decider | Refusal | None:
    """The rules that depend on the request: a Refusal, the director's covering Decider, or None."""
    if request.requested_by_id == user.pk:
        return Refusal(
            SOD_OWN_REQUEST,
            _(
                "Hai fatto tu questa richiesta: non puoi deciderla, né direttamente né come sostituto. I passi che "
                "ti spettano in prima persona sono stati approvati con la richiesta; questo lo decide un'altra "
                "persona. Se non serve più, ritirala."
            ),
        )
    earlier = [a for a in request.approvals.all() if a.decided_by_id == user.pk] if request.pk else []
    if not earlier:
        return None
    in_own_right = own and all(a.on_behalf_of_id is None for a in earlier)
    if in_own_right and _may_cover(step, [a.step for a in earlier], organization):
        return Decider(user, covers_area_head=True)
    message = _(
        "Hai già deciso un passo di questa richiesta: il passo «%(step)s» spetta a un'altra persona, perché ogni "
        "passo sia deciso da una persona diversa."
    ) % {"step": Step(step).label}
    if own and step == Step.DIRECTOR:
        message += " " + _(
            "Che il direttore copra anche il responsabile d'area è ammesso solo se lo prevede la politica dell'ente "
            "(Separazione dei compiti); altrimenti decide un altro direttore o il tuo sostituto."
        )
    return Refusal(SOD_ONE_STEP, message)


def _may_cover(step: Step | str, earlier: list[str], organization: int) -> bool:
    """The documented exception: the director, having decided the area-head step in their own right, decides
    the director's step too, where the policy says so."""
    return (
        step == Step.DIRECTOR
        and set(earlier) == {Step.AREA_HEAD}
        and separation_policy(organization).director_covers_area_head
    )


def _not_entitled(step: Step | str) -> Refusal:
    label = Step(step).label if step in Step.values else step
    return Refusal("permission_denied", _("Questa decisione spetta a: %(role)s.") % {"role": label}, would_decide=False)


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())
