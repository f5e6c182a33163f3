"""Nothing stale is sent: at send time each outbox row is held against the database as it is now.

A row is planned when something happens (a request awaits a decision, a deadline nears, a month starts) and
sent when its recipient's turn comes, which may be days later: after a weekend, a holiday, a broken mail
server or the hour of a daily digest. By then the request may be decided, the item closed or given to
someone else, and the recipient may no longer hold the role the row was addressed in. Such a row is
dropped: status "dropped" with the reason in Italian, for the admin; it is never sent and never retried.

What "still true" means for each kind, in one table (`CHECKS`):

- every kind: the recipient's account is still active;
- every kind about items (deadline, overdue, escalation, forecast, the monitoring kinds): the item's plan is
  still live (adopted or in execution, plans.freeze); a draft, closed or validated plan's items are not
  reminded, not monitored and not escalated, whatever was queued before its plan changed state;
- deadline, overdue: the item is still open, its deadline is still the one the row was planned for, and the
  recipient is still the one its reminders go to (its owner; the heads of its areas when it has none);
- escalation: the same item checks, and the recipient still heads one of the item's areas;
- director_digest: the recipient still directs the organization, and something there is still late;
- forecast: of the objectives the warning lists, those still open, still likely to miss in their latest
  forecast, and still the recipient's (a director's, or of an area the recipient heads); none left drops the
  row, some left narrows it;
- monitoring, monitoring_reminder: of the activities the request lists, those still open, still the
  recipient's and not yet answered this month; none left drops the row, some left narrows the mail to them;
- monitoring_missing: of the people and activities the list names, those still open, still that person's and
  still unanswered, in an area the recipient still heads; the same narrowing;
- approval_needed: the request is still pending, still at the step the row announced, and the recipient is
  still among those who decide that step today (notifications.deciders);
- approval_reminder: as approval_needed (the step the row is about is still the request's current one, and the
  recipient still decides it);
- approval_escalation: the request still waits at the step the row is about, and the recipient still directs the
  body and does not decide that step (a stand-in named since gets the reminder instead);
- request_decided: an outcome stays true; only the request having vanished would drop it;
- legal_deadline: the recipient is still the body's director or OIV, the deadline still falls on the day the
  row was planned for and has not passed, and it is still to be met (notifications.legal_reminders).
- document_ready: the prepared document is still there and the recipient may still open it (the download's own
  rule, reports.document_views.may_open: one query per row, for a mail that answers the person's own request).

Everything is read for the whole chunk of a run at once: the rows' `Lookup` (notifications.mails) holds the
items, requests and late activities, and `Facts.load` adds a few queries, whatever the number of rows, and one
per pending request the chunk's approval notices announce (the workflow's own `deciders_of`, which applies the
separation of duties: no second copy of who decides).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, TextField, Value, When
from django.utils import timezone, translation

from evaluation.models import ObjectiveForecast
from notifications.deciders import deciders_by_request, directors_of
from notifications.legal_reminders import LegalFacts, why_stale
from notifications.mails import Lookup
from notifications.models import Message, MonitoringAnswer
from plans.freeze import is_live
from plans.models import OPEN_STATES, Activity, Objective, Plan, WorkItem
from workflow.models import Step, TransitionRequest

MONITORING_KINDS = (Message.Kind.MONITORING, Message.Kind.MONITORING_REMINDER, Message.Kind.MONITORING_MISSING)
# The rows whose check asks who decides the request's current step today.
TO_DECIDERS = (Message.Kind.APPROVAL_NEEDED, Message.Kind.APPROVAL_REMINDER, Message.Kind.APPROVAL_ESCALATION)
TO_DIRECTORS = (Message.Kind.DIRECTOR_DIGEST, Message.Kind.FORECAST, Message.Kind.APPROVAL_ESCALATION)


@dataclass(frozen=True)
class Stale:
    """The row is no longer true: it is dropped with this reason."""

    reason: str


# A check's answer: None (true as planned), Stale (drop it) or a narrower context (send only what is left).
Answer = Stale | dict[str, Any] | None


@dataclass
class Verdict:
    dropped: dict[int, str] = field(default_factory=dict)  # row → why it is no longer true
    narrowed: dict[int, dict[str, Any]] = field(default_factory=dict)  # row → its context, with only what is left


@dataclass
class Facts:
    """What the checks of a chunk read, beyond its rows' Lookup."""

    lookup: Lookup
    deciders: dict[int, set[int]]  # pending request → who decides its current step today
    directors: dict[int, set[int]]  # organization → its directors
    answered: set[tuple[int, int, int]]  # (round, activity, respondent) of the monthly answers given
    legal: LegalFacts  # the legal calendar's reminders: the bodies' calendars, plans and directors and OIV
    today: dt.date

    @classmethod
    def load(cls, rows: list[Message], lookup: Lookup, today: dt.date) -> Facts:
        announced = [lookup.requests.get(_pk(row.target)) for row in rows if row.kind in TO_DECIDERS]
        pending = {request.pk: request for request in announced if request is not None and request.is_open}
        digests = {row.organization_id for row in rows if row.kind in TO_DIRECTORS}
        return cls(
            lookup=lookup,
            deciders=deciders_by_request(pending.values(), today) if pending else {},
            directors={org: set(people) for org, people in directors_of(digests).items()},
            answered=_answers([row for row in rows if row.kind in MONITORING_KINDS]),
            legal=LegalFacts.load(rows),
            today=today,
        )


def _pk(target: str) -> int:
    _kind, _sep, pk = target.partition(":")
    return int(pk) if pk.isdigit() else 0


def _listed(row: Message) -> dict[int, list[int]]:
    """The people (and their activities) a monitoring row is about."""
    if row.kind == Message.Kind.MONITORING_MISSING:
        return {int(person): list(ids) for person, ids in row.context.get("missing", {}).items()}
    return {row.recipient_id: list(row.context.get("activities", []))}


def _answers(rows: list[Message]) -> set[tuple[int, int, int]]:
    """The answers already given to the monitoring rows' rounds, by their people, on their activities."""
    if not rows:
        return set()
    people = {person for row in rows for person in _listed(row)}
    activities = {pk for row in rows for ids in _listed(row).values() for pk in ids}
    answers = MonitoringAnswer.objects.filter(
        round_id__in={row.context.get("round") for row in rows}, respondent_id__in=people, activity_id__in=activities
    )
    return set(answers.values_list("round_id", "activity_id", "respondent_id"))


def _day(moment: dt.datetime | dt.date) -> str:
    day = timezone.localdate(moment) if isinstance(moment, dt.datetime) else moment
    return f"{day:%d/%m/%Y}"


def _on(moment: dt.datetime | dt.date | None) -> str:
    """The words " il 07/12/2026" for `moment`, or nothing when the day is not known."""
    return f" il {_day(moment)}" if moment else ""


def _heads(item: WorkItem) -> set[int]:
    """The heads of the item's areas, from the areas its Lookup came with."""
    objective = item.objective if isinstance(item, Activity) else item
    assert isinstance(objective, Objective)
    return {area.head_id for area in objective.areas.all() if area.head_id is not None}


def _names(target: str) -> tuple[str, str]:
    """The item's name and the ending of the words that agree with it, in the reasons."""
    return ("L'attività", "a") if target.startswith("activity:") else ("L'obiettivo", "o")


# -------------------------------------------------------------------------------------------- the checks


def _plan_of(item: WorkItem) -> Plan:
    objective = item.objective if isinstance(item, Activity) else item
    assert isinstance(objective, Objective)
    return objective.plan


def not_live(plan: Plan) -> Stale:
    with translation.override("it"):  # the reason is kept in Italian, whoever runs the check
        state = str(plan.get_state_display())
    return Stale(f"Il piano «{plan.code}» è «{state}»: solo i piani adottati o in esecuzione hanno promemoria.")


def _item(row: Message, facts: Facts) -> Stale | WorkItem:
    """The row's item, if its plan is still live, it is still open and its deadline is still the one the row
    was planned for."""
    item = facts.lookup.item(row.target)
    name, ending = _names(row.target)
    if item is None:
        return Stale(f"{name} non esiste più.")
    if not is_live(_plan_of(item)):
        return not_live(_plan_of(item))
    if item.state not in OPEN_STATES:
        return Stale(f"{name} è già conclus{ending}{_on(item.actual_end)}.")
    planned = row.context.get("planned_end")
    if planned and planned != (item.planned_end.isoformat() if item.planned_end else None):
        if item.planned_end is None:
            return Stale(f"{name} non ha più una scadenza.")
        return Stale(f"La scadenza è stata spostata al {_day(item.planned_end)}.")
    return item


def reminder(row: Message, facts: Facts) -> Answer:
    """Deadline and overdue notices: to the item's owner, or to its areas' heads when it has none."""
    item = _item(row, facts)
    if isinstance(item, Stale):
        return item
    if item.owner_id is not None and row.recipient_id != item.owner_id:
        name, ending = _names(row.target)
        return Stale(f"{name} ora è affidat{ending} a un'altra persona, che ne riceve i promemoria.")
    if item.owner_id is None and row.recipient_id not in _heads(item):
        return Stale("Il destinatario non è più responsabile di un'area dell'obiettivo, né referente.")
    return None


def escalation(row: Message, facts: Facts) -> Answer:
    item = _item(row, facts)
    if isinstance(item, Stale):
        return item
    if row.recipient_id not in _heads(item):
        return Stale("Il destinatario non è più responsabile di un'area dell'obiettivo.")
    return None


def director_digest(row: Message, facts: Facts) -> Answer:
    if row.recipient_id not in facts.directors.get(row.organization_id, set()):
        return Stale("Il destinatario non è più direttore dell'ente.")
    count, _late = facts.lookup.late.get(row.organization_id, (0, []))
    return Stale("Nell'ente non ci sono più scadenze superate.") if count == 0 else None


def forecast(row: Message, facts: Facts) -> Answer:
    """Of the objectives the warning lists, those still open, still likely to miss in their latest forecast and
    still the recipient's to hear of (the director's, or in an area the recipient heads)."""
    listed = [int(pk) for pk in row.context.get("objectives", [])]
    directs = row.recipient_id in facts.directors.get(row.organization_id, set())
    left = []
    for pk in listed:
        objective, found = facts.lookup.objectives.get(pk), facts.lookup.forecasts.get(pk)
        if objective is None or objective.state not in OPEN_STATES or not is_live(objective.plan):
            continue
        if found is None or found.band != ObjectiveForecast.Band.LIKELY_MISSED:
            continue
        if directs or row.recipient_id in _heads(objective):
            left.append(pk)
    if not left:
        return Stale("Nessuno degli obiettivi segnalati rischia ancora di mancare il traguardo per il destinatario.")
    return None if left == listed else {**row.context, "objectives": left}


def _waits(activity: Activity | None, person: int, round_id: int, facts: Facts) -> str:
    """Why an activity no longer waits for `person`'s monthly answer, or "" if it still does."""
    if activity is None:
        return "eliminate"
    if not is_live(activity.objective.plan):
        return "di piani non in corso"
    if activity.state not in OPEN_STATES:
        return "concluse"
    if activity.owner_id != person:
        return "affidate ad altri"
    return "già aggiornate" if (round_id, activity.pk, person) in facts.answered else ""


def _why_none_left(reasons: Iterable[str]) -> str:
    counts = Counter(reasons)
    detail = ", ".join(f"{label}: {count}" for label, count in sorted(counts.items()))
    return f"Nessuna attività della richiesta attende più una risposta ({detail})."


def monitoring(row: Message, facts: Facts) -> Answer:
    """The monthly request and its reminder: only the activities still open, still the recipient's and
    still unanswered."""
    listed = list(row.context.get("activities", []))
    reasons = {
        pk: _waits(facts.lookup.activities.get(pk), row.recipient_id, row.context["round"], facts) for pk in listed
    }
    left = [pk for pk in listed if not reasons[pk]]
    if not left:
        return Stale(_why_none_left(reasons.values()))
    return None if left == listed else {**row.context, "activities": left}


def monitoring_missing(row: Message, facts: Facts) -> Answer:
    """The area head's list of who has not answered: only what still waits, in the recipient's areas."""
    missing: dict[str, list[int]] = row.context.get("missing", {})
    left: dict[str, list[int]] = {}
    reasons = []
    for person, ids in missing.items():
        for pk in ids:
            activity = facts.lookup.activities.get(pk)
            reason = _waits(activity, int(person), row.context["round"], facts)
            if not reason and activity is not None and row.recipient_id not in _heads(activity):
                reason = "in aree di altri responsabili"
            reasons.append(reason)
            if not reason:
                left.setdefault(person, []).append(pk)
    if not left:
        return Stale(_why_none_left(reasons))
    return None if left == missing else {**row.context, "missing": left}


def _closed(request: TransitionRequest) -> Stale:
    if request.status == TransitionRequest.Status.WITHDRAWN:
        return Stale(f"La richiesta è stata ritirata{_on(request.closed_at)}.")
    return Stale(f"La richiesta è già stata decisa{_on(request.closed_at)}.")


def _step_decided(request: TransitionRequest, period: str) -> Stale:
    decided = [a for a in request.latest_first if a.step == period]  # type: ignore[attr-defined]
    on = _on(decided[0].decided_at) if decided else ""
    with translation.override("it"):  # the reason is kept in Italian, whoever runs the check
        step = str(Step(period).label) if period in Step.values else period
    return Stale(f"Il passo «{step}» della richiesta è già stato deciso{on}.")


def _still_waiting(row: Message, facts: Facts) -> TransitionRequest | Stale:
    """The request the row is about, if it still waits at the step the row names (its period); why not, else."""
    request = facts.lookup.requests.get(_pk(row.target))
    if request is None:
        return Stale("La richiesta non esiste più.")
    if not request.is_open:
        return _closed(request)
    if request.current_step != row.period:
        return _step_decided(request, row.period)
    return request


def approval_needed(row: Message, facts: Facts) -> Answer:
    """The step the row announced (its period) must still be the request's current one, and the recipient
    still one of those who decide it."""
    request = _still_waiting(row, facts)
    if isinstance(request, Stale):
        return request
    if row.recipient_id not in facts.deciders.get(request.pk, set()):
        return Stale("Il destinatario non decide più questo passo: non ne è titolare né sostituto.")
    return None


def approval_escalation(row: Message, facts: Facts) -> Answer:
    """The request still waits at the step the row is about, and the recipient still directs the body."""
    request = _still_waiting(row, facts)
    if isinstance(request, Stale):
        return request
    if row.recipient_id not in facts.directors.get(row.organization_id, set()):
        return Stale("Il destinatario non è più direttore dell'ente.")
    if row.recipient_id in facts.deciders.get(request.pk, set()):
        return Stale("Il destinatario decide ora questo passo: ne riceve il sollecito, non la segnalazione.")
    return None


def request_decided(row: Message, facts: Facts) -> Answer:
    """An outcome stays true once reached: the requester is told it even if things moved on since."""
    if _pk(row.target) not in facts.lookup.requests:
        return Stale("La richiesta non esiste più.")
    return None


def legal_deadline(row: Message, facts: Facts) -> Answer:
    reason = why_stale(row, facts.legal, facts.today)
    return Stale(reason) if reason else None


def document_ready(row: Message, facts: Facts) -> Answer:
    """The document is still there and the requester may still open it (the download checks the same)."""
    from reports.document_views import may_open

    export = facts.lookup.exports.get(_pk(row.target))
    if export is None or export.status != "ready":
        return Stale("Il documento non è più disponibile.")
    if not may_open(row.recipient, export):
        return Stale("Il destinatario non può più consultare il piano del documento.")
    return None


CHECKS: dict[str, Callable[[Message, Facts], Answer]] = {
    Message.Kind.DEADLINE: reminder,
    Message.Kind.OVERDUE: reminder,
    Message.Kind.ESCALATION: escalation,
    Message.Kind.DIRECTOR_DIGEST: director_digest,
    Message.Kind.FORECAST: forecast,
    Message.Kind.MONITORING: monitoring,
    Message.Kind.MONITORING_REMINDER: monitoring,
    Message.Kind.MONITORING_MISSING: monitoring_missing,
    Message.Kind.APPROVAL_NEEDED: approval_needed,
    Message.Kind.APPROVAL_REMINDER: approval_needed,
    Message.Kind.APPROVAL_ESCALATION: approval_escalation,
    Message.Kind.REQUEST_DECIDED: request_decided,
    Message.Kind.LEGAL_DEADLINE: legal_deadline,
    Message.Kind.DOCUMENT_READY: document_ready,
}


def check(row: Message, facts: Facts) -> Answer:
    if not row.recipient.is_active:
        return Stale("Il destinatario non è più attivo.")
    return CHECKS[row.kind](row, facts)


def judge(rows: Iterable[Message], lookup: Lookup, today: dt.date) -> Verdict:
    """Which of these rows (with their recipient loaded) are no longer true on `today`, and which must
    name less than they were planned with."""
    rows = list(rows)
    facts = Facts.load(rows, lookup, today)
    verdict = Verdict()
    for row in rows:
        answer = check(row, facts)
        if isinstance(answer, Stale):
            verdict.dropped[row.pk] = answer.reason
        elif answer is not None:
            verdict.narrowed[row.pk] = answer
    return verdict


def drop(reasons: dict[int, str], now: dt.datetime) -> int:
    """Mark these rows dropped, each with its reason, in one statement; only rows still pending (a row
    another run claimed meanwhile is that run's to judge). How many were dropped."""
    if not reasons:
        return 0
    reason = Case(*(When(pk=pk, then=Value(text)) for pk, text in reasons.items()), output_field=TextField())
    return Message.objects.filter(pk__in=list(reasons), status=Message.Status.PENDING).update(
        status=Message.Status.DROPPED, dropped_at=now, dropped_reason=reason
    )
