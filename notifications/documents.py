"""The mail telling a person that the document they asked for is ready (reports.exports): an outbox row, sent
at once by a worker through the ordinary dispatch; the quarter-hourly scan sends it if that task is lost.

The row names the job (target "export:<id>"); the mail links to the job's page, which checks that the reader
may still see the plan before offering the download."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from notifications.models import Message

logger = logging.getLogger(__name__)


def document_ready(export: Any, now: dt.datetime) -> Message:
    """Plan the mail to the requester of this prepared job (a reports.models.ReportExport) and wake a worker
    to send it. Planned once per job: the outbox's key is (kind, target, period, recipient)."""
    message, created = Message.objects.get_or_create(
        kind=Message.Kind.DOCUMENT_READY,
        target=f"export:{export.pk}",
        period="ready",
        recipient_id=export.requested_by_id,
        defaults={
            "organization_id": export.plan.organization_id,
            "context": {"plan": export.plan_id, "plan_code": export.plan.code, "format": export.fmt},
            "due_on": timezone.localdate(now),
            "next_attempt_at": now,
        },
    )
    if created:
        recipient = message.recipient_id
        transaction.on_commit(lambda: _wake(recipient))
    return message


def _wake(recipient_id: int) -> None:
    from notifications.tasks import dispatch_messages

    try:
        dispatch_messages.delay([recipient_id])
    except Exception:  # the row waits for the quarter-hourly scan
        logger.exception("broker unreachable: the document mail to %s waits for the next scan", recipient_id)
