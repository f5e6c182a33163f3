"""Celery tasks. They take ids (and, for operators and tests, an explicit moment) only, and each is safe
to run twice: the outbox makes them idempotent."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from notifications.approvals import plan_approval_reminders
from notifications.dispatch import dispatch
from notifications.legal_reminders import plan_legal_reminders
from notifications.monitoring import plan_monitoring
from notifications.scans import plan_deadline_reminders, plan_director_digests

logger = logging.getLogger(__name__)


def _moment(now: str | None) -> dt.datetime:
    """`now` as an aware datetime: an ISO string ("2026-06-22T10:00:00+02:00"), or the present."""
    if now is None:
        return timezone.now()
    moment = dt.datetime.fromisoformat(now)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


@shared_task
def run_scans(now: str | None = None) -> dict[str, int]:
    """Beat's quarter-hourly job: plan what is due today, then send what is due now. With MAIL_DISPATCH_SHARDS
    above 1, the sending is shared: the other shards go to the worker's other pool processes as tasks, and
    this one sends its own (all of them, if the broker cannot be reached). The counts are this task's own."""
    moment = _moment(now)
    today = timezone.localdate(moment)
    planned = plan_deadline_reminders(today) + plan_director_digests(today) + plan_monitoring(today)
    planned += plan_approval_reminders(today)
    shards = max(settings.MAIL_DISPATCH_SHARDS, 1)
    mine = [0]
    for index in range(1, shards):
        try:
            dispatch_messages.delay(now=moment.isoformat(), shard=[index, shards])
        except Exception:
            logger.exception("broker unreachable: shard %s of the outbox is sent by this task", index)
            mine.append(index)
    results = [dispatch(now=moment, shard=(index, shards) if shards > 1 else None) for index in mine]
    mails, messages = sum(result.mails for result in results), sum(result.messages for result in results)
    return {"planned": planned, "mails": mails, "messages": messages}


@shared_task
def dispatch_messages(
    recipient_ids: list[int] | None = None, now: str | None = None, shard: list[int] | None = None
) -> dict[str, int]:
    """Send what is due: only to these people when given (after an approval event), only to one shard of
    the people when `shard` = [index, count] is given (run_scans shares a run this way)."""
    part = (shard[0], shard[1]) if shard else None
    result = dispatch(now=_moment(now), recipients=recipient_ids, shard=part)
    return {"mails": result.mails, "messages": result.messages}


@shared_task
def run_legal_calendar(now: str | None = None) -> dict[str, int]:
    """Beat's hourly job for the legal calendar of the cycle: plan the reminders due today (each once), then
    send them to their people at once (the quarter-hourly run_scans sends whatever this one could not)."""
    moment = _moment(now)
    planned = plan_legal_reminders(timezone.localdate(moment))
    if not planned:
        return {"planned": 0, "mails": 0, "messages": 0}
    result = dispatch(now=moment, recipients=sorted({row.recipient_id for row in planned}))
    return {"planned": len(planned), "mails": result.mails, "messages": result.messages}
