"""Recording a monthly answer given through a one-click link (or the same form on /le-mie-attivita/).

A link names a round, an activity and a person, and may be used days after it was mailed: by then the
activity may be closed or given to someone else, or the person may have left. So the claim is checked when
the link is opened and again, with the activity locked, when the answer is recorded: an answer about an
activity that is no longer the person's, or no longer open, is refused and nothing is recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from notifications.links import AnswerClaim, LinkError
from notifications.models import MonitoringAnswer, MonitoringRound
from plans.freeze import is_frozen, is_live
from plans.models import OPEN_STATES, Activity, WorkState
from workflow.errors import WorkflowError
from workflow.services import Outcome, item_avvia, item_concludi
from workflow.services.freeze import hold_plan

# Why an answer about an activity is refused once it is no longer the person's to give; said on the link's
# page and on /le-mie-attivita/.
NO_LONGER_YOURS = {
    "reassigned": _(
        "Questa attività ora è affidata a un'altra persona, che ne darà l'aggiornamento: la tua risposta non "
        "è stata registrata. Se pensi che sia un errore, scrivi al tuo responsabile d'area."
    ),
    "closed": _(
        "Questa attività è già conclusa e non ha più bisogno dell'aggiornamento mensile: la tua risposta non "
        "è stata registrata. Se va riaperta, scrivi al tuo responsabile d'area."
    ),
    "not_live": _(
        "Il piano di questa attività non è più in corso (è chiuso, validato o ancora in bozza): il monitoraggio "
        "mensile è solo per i piani adottati o in esecuzione, e la tua risposta non è stata registrata."
    ),
    "frozen": _(
        "Il piano di questa attività è stato validato dall'OIV: i suoi dati non si possono più modificare e la "
        "tua risposta non è stata registrata. Non serve altro aggiornamento per quell'anno."
    ),
}


@dataclass(frozen=True)
class Recorded:
    answer: MonitoringAnswer
    outcome: Outcome | None  # the transition asked for on the answer's behalf, if any
    refused: str = ""  # why no transition could be asked for, if one was implied


def _load(claim: AnswerClaim, *, lock: bool = False) -> tuple[MonitoringRound, Activity, User]:
    activities = Activity.objects.select_related("objective__plan__organization")
    try:
        return (
            MonitoringRound.objects.get(pk=claim.round_id),
            (activities.select_for_update(of=("self",)) if lock else activities).get(pk=claim.activity_id),
            User.objects.get(pk=claim.user_id),
        )
    except (MonitoringRound.DoesNotExist, Activity.DoesNotExist, User.DoesNotExist) as error:
        raise LinkError("invalid") from error


def ensure_still_theirs(activity: Activity, user: User) -> None:
    """The person may still answer about the activity: they are active, it is still theirs, still open, and its
    plan is still live (plans.freeze: a closed year is not monitored)."""
    if not user.is_active:
        raise LinkError("inactive")
    if is_frozen(activity.objective.plan):
        raise LinkError("frozen")
    if not is_live(activity.objective.plan):
        raise LinkError("not_live")
    if activity.owner_id != user.pk:
        raise LinkError("reassigned")
    if activity.state not in OPEN_STATES:
        raise LinkError("closed")


def already_answered(claim: AnswerClaim) -> bool:
    return MonitoringAnswer.objects.filter(
        round_id=claim.round_id, activity_id=claim.activity_id, respondent_id=claim.user_id
    ).exists()


def _check(claim: AnswerClaim, activity: Activity, user: User) -> None:
    """A link answers once (said first: the answer itself may have concluded the activity), and only
    while the activity is still the person's."""
    if already_answered(claim):
        raise LinkError("used")
    ensure_still_theirs(activity, user)


def load_claim(claim: AnswerClaim) -> tuple[MonitoringRound, Activity, User]:
    """The round, activity and person a link names, if the person may still answer through it."""
    monitoring_round, activity, user = _load(claim)
    _check(claim, activity, user)
    return monitoring_round, activity, user


def monitoring_answer_record(
    *, claim: AnswerClaim, state: str, progress: int, note: str = "", actual_end: dt.date | None = None
) -> Recorded:
    """Store the answer once; when it says the work started or ended, ask for that transition in the
    person's name, through the workflow like any other request (it may need approval). The activity is
    locked while the claim is checked and the answer written, so that a reassignment or a conclusion
    committed meanwhile is seen: the answer is then refused."""
    try:
        with transaction.atomic():
            hold_plan(Activity(pk=claim.activity_id))  # a validation waits for this answer, or is seen
            monitoring_round, activity, user = _load(claim, lock=True)
            _check(claim, activity, user)
            answer = MonitoringAnswer.objects.create(
                round=monitoring_round,
                activity=activity,
                respondent=user,
                state=state,
                progress=progress,
                note=note,
                actual_end=actual_end,
            )
    except IntegrityError as error:
        raise LinkError("used") from error
    outcome, refused = None, ""
    try:
        if state == WorkState.AVVIATO and activity.state == WorkState.PROGRAMMATO:
            outcome = item_avvia(actor=user, item=activity, comment=note)
        elif state == WorkState.CONCLUSO and activity.state == WorkState.AVVIATO:
            outcome = item_concludi(actor=user, item=activity, actual_end=actual_end, comment=note)
    except WorkflowError as error:
        refused = error.message
    return Recorded(answer=answer, outcome=outcome, refused=refused)
