"""Requests that wait: a reminder to whoever decides a request's step, then a word to the level above.

A request waits at its current step since the day it reached it (the day it was made, or the day the previous
step was decided). Counted in the body's working days (notifications.calendar, with its patron saint) and with
the body's timings (notifications.body_settings):
- after `approval_reminder_after` working days, the people who decide the step today (the workflow's own
  answer, workflow.selectors.deciders_of: holders and substitutes, the separation of duties applied) are
  reminded, once per step;
- after `approval_escalation_after` working days, the level above is told, once per step: for an area head's
  step, the body's directors, less those who decide the step themselves (they had the reminder: an item whose
  areas have no head, a director standing in for an area head who is away). A director's step has no level
  above inside the body: its reminder is the last word, and the request's page shows whom it waits for and
  since when (`waiting_of`).

Like the other scans this plans outbox rows only, on a day the body works (the dispatcher sends them, on a
working day too, and drops a row whose step was decided meanwhile: notifications.staleness). A plan's own steps
are not announced by mail (workflow.services.core.announce_awaiting), so they are not reminded either.

The scan reads the pending requests through the index on (status, current_step); the deciders are asked only of
the requests whose reminder has just fallen due, so a day's cost follows what is due, not what is pending.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Max
from django.utils import timezone

from notifications.body_settings import Timings, timings_for
from notifications.calendar import is_working_day, working_days_between
from notifications.deciders import directors_of
from notifications.models import Message
from notifications.scans import plan
from workflow.models import Step, TransitionRequest
from workflow.selectors import deciders_of

KINDS = (Message.Kind.APPROVAL_REMINDER, Message.Kind.APPROVAL_ESCALATION)


def target_of(request: TransitionRequest) -> str:
    return f"request:{request.pk}"


def waiting_since(request: TransitionRequest, last_decided: dt.datetime | None) -> dt.date:
    """The day the request reached its current step: its last decision's day, or the day it was made."""
    return timezone.localdate(last_decided or request.requested_at)


def _pending() -> list[TransitionRequest]:
    """The pending work-item requests, each with the moment of its last decision (`last_decided`)."""
    requests = TransitionRequest.objects.filter(status=TransitionRequest.Status.PENDING, plan__isnull=True)
    requests = requests.exclude(current_step="").select_related("organization")
    return list(requests.annotate(last_decided=Max("approvals__decided_at")).order_by("pk"))


@dataclass
class _Due:
    request: TransitionRequest
    kind: str
    since: dt.date
    waited: int


def _due(requests: Iterable[TransitionRequest], today: dt.date, timings: dict[int, Timings]) -> list[_Due]:
    due = []
    for request in requests:
        patron = request.organization.patron_saint_day
        if not is_working_day(today, patron):
            continue
        since = waiting_since(request, request.last_decided)  # type: ignore[attr-defined]
        waited = working_days_between(since, today, patron)
        body = timings[request.organization_id]
        if waited >= body.approval_reminder_after:
            due.append(_Due(request, Message.Kind.APPROVAL_REMINDER, since, waited))
        if waited >= body.approval_escalation_after and request.current_step == Step.AREA_HEAD:
            due.append(_Due(request, Message.Kind.APPROVAL_ESCALATION, since, waited))
    return due


def _planned_before(due: list[_Due]) -> set[tuple[str, str, str]]:
    """The (kind, target, period) of these that some earlier scan has planned already, for anyone."""
    if not due:
        return set()
    rows = Message.objects.filter(kind__in=KINDS, target__in={target_of(item.request) for item in due})
    return set(rows.values_list("kind", "target", "period"))


def plan_approval_reminders(today: dt.date) -> int:
    """Plan the reminders and escalations of waiting requests due on `today`; how many rows were new."""
    pending = _pending()
    timings = timings_for({request.organization_id for request in pending})
    due = _due(pending, today, timings)
    known = _planned_before(due)
    due = [item for item in due if (item.kind, target_of(item.request), item.request.current_step) not in known]
    escalated = {item.request.organization_id for item in due if item.kind == Message.Kind.APPROVAL_ESCALATION}
    directors = directors_of(escalated)
    rows = []
    deciders: dict[int, set[int]] = {}
    for item in due:
        request = item.request
        if request.pk not in deciders:
            deciders[request.pk] = set(deciders_of(request, on=today))
        if item.kind == Message.Kind.APPROVAL_REMINDER:
            recipients = sorted(deciders[request.pk])
        else:  # the directors who do not decide the step themselves (an item whose areas have no head, a stand-in)
            people = directors[request.organization_id]
            recipients = sorted(
                pk
                for pk, active in people.items()
                if active and pk != request.requested_by_id and pk not in deciders[request.pk]
            )
        rows += [
            Message(
                kind=item.kind,
                organization_id=request.organization_id,
                recipient_id=recipient,
                target=target_of(request),
                period=request.current_step,
                context={"since": item.since.isoformat(), "waited": item.waited},
                due_on=today,
            )
            for recipient in recipients
        ]
    rows.sort(key=lambda row: (row.kind, row.target, row.recipient_id))  # racing scans insert in one order
    return plan(rows)


# ----------------------------------------------------------------------------- where a request waits


@dataclass
class Waiting:
    """Where a pending request waits, for its page: the step, the people who decide it today, since when, and
    the reminders and escalations sent about this step."""

    step: str
    deciders: list[User]
    since: dt.date
    working_days: int
    reminded_on: dt.date | None = None
    escalated_on: dt.date | None = None
    escalated_to: list[User] = field(default_factory=list)


def waiting_of(request: TransitionRequest, today: dt.date | None = None) -> Waiting | None:
    """Where `request` waits on `today`, or None when it waits for nobody (decided, withdrawn). A few queries."""
    if not request.is_open or not request.current_step:
        return None
    today = today or timezone.localdate()
    last = request.approvals.aggregate(last=Max("decided_at"))["last"]
    since = waiting_since(request, last)
    patron = request.organization.patron_saint_day
    deciders = list(User.objects.filter(pk__in=deciders_of(request, on=today)).order_by("last_name", "first_name"))
    sent = Message.objects.filter(
        kind__in=KINDS, target=target_of(request), period=request.current_step, status=Message.Status.SENT
    ).select_related("recipient")
    waiting = Waiting(str(request.current_step), deciders, since, working_days_between(since, today, patron))
    for row in sent.order_by("sent_at", "pk"):
        assert row.sent_at is not None  # a sent row
        day = timezone.localdate(row.sent_at)
        if row.kind == Message.Kind.APPROVAL_REMINDER:
            waiting.reminded_on = waiting.reminded_on or day
        else:
            waiting.escalated_on = waiting.escalated_on or day
            waiting.escalated_to.append(row.recipient)
    return waiting
