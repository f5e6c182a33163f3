"""Monthly monitoring: on the first working day of each month every staff member with open activities gets
one request listing them all; unanswered requests get a reminder, then the area head gets the list of who
has not answered.

The rounds in the database say which months were planned. After downtime the next scan plans every month
since the last round (never one before the organization's first round), each exactly once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import IntegrityError, transaction

from notifications.body_settings import Timings, timings_for, timings_of
from notifications.calendar import first_working_day_of_month, is_working_day, working_days_between
from notifications.models import Message, MonitoringAnswer, MonitoringRound
from notifications.scans import plan
from plans.freeze import live_q
from plans.models import OPEN_STATES, Activity, Organization


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def months_to_plan(organization: Organization, today: dt.date) -> list[dt.date]:
    """The months whose round is due by `today` and not yet planned."""
    current = month_start(today)
    if today < first_working_day_of_month(current.year, current.month, organization.patron_saint_day):
        current = month_start(current - dt.timedelta(days=1))
    last = organization.monitoring_rounds.order_by("-month").values_list("month", flat=True).first()
    if last is None:
        return [current]
    months, month = [], _next_month(last)
    while month <= current:
        months.append(month)
        month = _next_month(month)
    return months


def _open_activities_by_owner(organization: Organization) -> dict[int, list[int]]:
    """The open activities of the organization's live plans (plans.freeze): a draft, a closed or a validated
    year is not monitored."""
    activities = Activity.objects.filter(
        live_q("objective__plan__"),
        objective__plan__organization=organization,
        state__in=OPEN_STATES,
        owner__isnull=False,
    ).order_by("objective__code", "position")
    by_owner: dict[int, list[int]] = defaultdict(list)
    for activity_id, owner_id in activities.values_list("pk", "owner_id"):
        by_owner[owner_id].append(activity_id)
    return by_owner


def plan_round(organization: Organization, month: dt.date, today: dt.date) -> int:
    """Create the month's round and one request per staff member with open activities, once."""
    try:
        with transaction.atomic():
            monitoring_round = MonitoringRound.objects.create(organization=organization, month=month, planned_on=today)
    except IntegrityError:
        return 0  # another scan planned it first
    period = f"{month:%Y-%m}"
    return plan(
        Message(
            kind=Message.Kind.MONITORING,
            organization=organization,
            recipient_id=owner,
            target=f"user:{owner}",
            period=period,
            context={"round": monitoring_round.pk, "activities": activities},
            due_on=today,
        )
        for owner, activities in _open_activities_by_owner(organization).items()
    )


def _unanswered(request: Message) -> list[int]:
    """The request's activities not answered yet, of a plan still live (a plan closed since is not reminded)."""
    answered = set(
        MonitoringAnswer.objects.filter(
            round_id=request.context["round"], respondent_id=request.recipient_id
        ).values_list("activity_id", flat=True)
    )
    listed = request.context["activities"]
    live = set(Activity.objects.filter(live_q("objective__plan__"), pk__in=listed).values_list("pk", flat=True))
    return [activity for activity in listed if activity not in answered and activity in live]


def _heads_of(activities: list[int]) -> list[tuple[int, int]]:
    """(activity, head of one of its areas) pairs."""
    pairs = Activity.objects.filter(pk__in=activities, objective__areas__head__isnull=False)
    return list(pairs.values_list("pk", "objective__areas__head_id").distinct())


def plan_followups(organization: Organization, today: dt.date, timings: Timings | None = None) -> int:
    """Reminders to whoever has not answered a recent request, then to each area head the list of who
    has not answered about the activities of their areas."""
    planned = 0
    patron = organization.patron_saint_day
    timings = timings or timings_of(organization)
    recent = organization.monitoring_rounds.filter(planned_on__gte=today - dt.timedelta(days=31))
    for monitoring_round in recent:
        waited = working_days_between(monitoring_round.planned_on, today, patron)
        if waited < timings.monitoring_reminder_after:
            continue
        period = f"{monitoring_round.month:%Y-%m}"
        requests = Message.objects.filter(
            kind=Message.Kind.MONITORING, organization=organization, period=period, status=Message.Status.SENT
        )
        missing: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        reminders = []
        for request in requests:
            unanswered = _unanswered(request)
            if not unanswered:
                continue
            context = {"round": monitoring_round.pk, "activities": unanswered}
            reminders.append(_message(Message.Kind.MONITORING_REMINDER, request, context, today))
            for activity, head in _heads_of(unanswered):
                missing[head][str(request.recipient_id)].append(activity)
        planned += plan(reminders)
        if waited >= timings.monitoring_missing_after:
            planned += plan(
                Message(
                    kind=Message.Kind.MONITORING_MISSING,
                    organization=organization,
                    recipient_id=head,
                    target=f"organization:{organization.pk}",
                    period=period,
                    context={"round": monitoring_round.pk, "missing": dict(by_person)},
                    due_on=today,
                )
                for head, by_person in missing.items()
            )
    return planned


def _message(kind: str, request: Message, context: dict[str, object], today: dt.date) -> Message:
    return Message(
        kind=kind,
        organization_id=request.organization_id,
        recipient_id=request.recipient_id,
        target=request.target,
        period=request.period,
        context=context,
        due_on=today,
    )


def plan_monitoring(today: dt.date) -> int:
    planned = 0
    bodies = list(Organization.objects.all())
    timings = timings_for(body.pk for body in bodies)
    for organization in bodies:
        if not is_working_day(today, organization.patron_saint_day):
            continue
        for month in months_to_plan(organization, today):
            planned += plan_round(organization, month, today)
        planned += plan_followups(organization, today, timings[organization.pk])
    return planned
