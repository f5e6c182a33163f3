"""Celery tasks. They take ids (and, for operators and tests, an explicit moment) only, and each is safe
to run twice: the outbox makes them idempotent."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from notifications.dispatch import dispatch
from notifications.monitoring import plan_monitoring
from notifications.scans import plan_deadline_reminders, plan_director_digests


def _moment(now: str | None) -> dt.datetime:
    """`now` as an aware datetime: an ISO string ("2026-06-22T10:00:00+02:00"), or the present."""
    if now is None:
        return timezone.now()
    moment = dt.datetime.fromisoformat(now)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


@shared_task
def run_scans(now: str | None = None) -> dict[str, int]:
    """Beat's quarter-hourly job: plan what is due today, then send what is due now."""
    moment = _moment(now)
    today = timezone.localdate(moment)
    planned = plan_deadline_reminders(today) + plan_director_digests(today) + plan_monitoring(today)
    result = dispatch(now=moment)
    return {"planned": planned, "mails": result.mails, "messages": result.messages}


@shared_task
def dispatch_messages(recipient_ids: list[int] | None = None, now: str | None = None) -> dict[str, int]:
    """Send what is due, only to these people when given (after an approval event)."""
    result = dispatch(now=_moment(now), recipients=recipient_ids)
    return {"mails": result.mails, "messages": result.messages}
