"""Recording a monthly answer given through a one-click link."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from notifications.links import AnswerClaim, LinkError
from notifications.models import MonitoringAnswer, MonitoringRound
from plans.models import Activity, WorkState
from workflow.errors import WorkflowError
from workflow.services import Outcome, item_avvia, item_concludi


@dataclass(frozen=True)
class Recorded:
    answer: MonitoringAnswer
    outcome: Outcome | None  # the transition asked for on the answer's behalf, if any
    refused: str = ""  # why no transition could be asked for, if one was implied


def load_claim(claim: AnswerClaim) -> tuple[MonitoringRound, Activity, User]:
    try:
        return (
            MonitoringRound.objects.get(pk=claim.round_id),
            Activity.objects.select_related("objective__plan__organization").get(pk=claim.activity_id),
            User.objects.get(pk=claim.user_id, is_active=True),
        )
    except (MonitoringRound.DoesNotExist, Activity.DoesNotExist, User.DoesNotExist) as error:
        raise LinkError("invalid") from error


def already_answered(claim: AnswerClaim) -> bool:
    return MonitoringAnswer.objects.filter(
        round_id=claim.round_id, activity_id=claim.activity_id, respondent_id=claim.user_id
    ).exists()


def monitoring_answer_record(
    *, claim: AnswerClaim, state: str, progress: int, note: str = "", actual_end: dt.date | None = None
) -> Recorded:
    """Store the answer once; when it says the work started or ended, ask for that transition in the
    person's name, through the workflow like any other request (it may need approval)."""
    monitoring_round, activity, user = load_claim(claim)
    try:
        with transaction.atomic():
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
