"""Sending the outbox: whoever claims a row sends it; nobody else can.

A run groups each person's due rows into one mail. The claim is one conditional UPDATE (pending → sending,
stamped with this run's claim id): a second worker, a second beat or a redelivered task claims nothing
that is already taken. Transient SMTP errors put the rows back with a growing delay; permanent ones mark
them failed, with the error, for the admin. A claim whose worker died is handed back after its lease.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from notifications.calendar import is_working_day
from notifications.mails import compose
from notifications.models import Message, Preference

logger = logging.getLogger(__name__)
MAX_BACKOFF = dt.timedelta(hours=1)


@dataclass
class DispatchResult:
    mails: int = 0
    messages: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8… minutes after each failed attempt, at most an hour."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def is_permanent(error: Exception) -> bool:
    """5xx answers and refused recipients are permanent; disconnections, timeouts and 4xx are transient."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return not isinstance(error, OSError | smtplib.SMTPException)


def release_lost_claims(now: dt.datetime) -> int:
    """Rows left in sending by a worker that died: back to pending, so that they are not lost."""
    expired = now - dt.timedelta(seconds=settings.MAIL_SEND_LEASE_SECONDS)
    return Message.objects.filter(status=Message.Status.SENDING, claimed_at__lt=expired).update(
        status=Message.Status.PENDING, claim=None, last_error="Invio interrotto: il worker si è fermato."
    )


def _waits_for_digest(recipient_id: int, delivery: str, now: dt.datetime) -> bool:
    """Daily-digest readers get one mail a day, from the digest hour on."""
    if delivery != Preference.Delivery.DAILY:
        return False
    local = timezone.localtime(now)
    if local.hour < settings.DAILY_DIGEST_HOUR:
        return True
    return Message.objects.filter(
        recipient_id=recipient_id, status=Message.Status.SENT, sent_at__date=local.date()
    ).exists()


def due_by_recipient(now: dt.datetime, recipients: Iterable[int] | None = None) -> dict[int, list[int]]:
    """The ids of the rows due now, per recipient, leaving out those whose organization is not at work today."""
    today = timezone.localdate(now)
    due = Message.objects.filter(status=Message.Status.PENDING, next_attempt_at__lte=now, due_on__lte=today)
    if recipients is not None:
        due = due.filter(recipient_id__in=list(recipients))
    rows = due.values_list(
        "pk", "recipient_id", "organization__patron_saint_day", "recipient__mail_preference__delivery"
    )
    grouped: dict[int, list[int]] = defaultdict(list)
    waiting: dict[int, bool] = {}
    for pk, recipient_id, patron, delivery in rows.order_by("pk"):
        if not is_working_day(today, patron):
            continue
        if recipient_id not in waiting:
            waiting[recipient_id] = _waits_for_digest(recipient_id, delivery or "", now)
        if not waiting[recipient_id]:
            grouped[recipient_id].append(pk)
    return grouped


def deliver(recipient_id: int, ids: list[int], now: dt.datetime, result: DispatchResult) -> None:
    claim = uuid.uuid4()
    claimed = Message.objects.filter(pk__in=ids, status=Message.Status.PENDING).update(
        status=Message.Status.SENDING, claim=claim, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return  # someone else got there first
    mine = Message.objects.filter(claim=claim, status=Message.Status.SENDING)
    rows = list(mine.select_related("recipient", "organization").order_by("kind", "pk"))
    try:
        compose(rows, now).send()
    except Exception as error:
        permanent = is_permanent(error)
        attempts = max(row.attempts for row in rows)
        logger.warning("mail to user %s failed (%s): %s", recipient_id, "permanent" if permanent else "retry", error)
        mine.update(
            status=Message.Status.FAILED if permanent else Message.Status.PENDING,
            claim=None,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            next_attempt_at=now + backoff(attempts),
        )
        result.failed += len(rows) if permanent else 0
        result.retried += 0 if permanent else len(rows)
        result.errors.append(str(error))
        return
    mine.update(status=Message.Status.SENT, sent_at=now, claim=None, last_error="")
    result.mails += 1
    result.messages += len(rows)


def dispatch(now: dt.datetime | None = None, recipients: Iterable[int] | None = None) -> DispatchResult:
    now = now or timezone.now()
    result = DispatchResult()
    release_lost_claims(now)
    for recipient_id, ids in due_by_recipient(now, recipients).items():
        deliver(recipient_id, ids, now, result)
    return result
