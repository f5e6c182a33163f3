"""Sending the outbox: whoever claims a row sends it; nobody else can.

A run groups each person's due rows into one mail. The claim is one conditional UPDATE (pending → sending,
stamped with a claim id): a second worker, a second beat or a redelivered task claims nothing that is
already taken. Transient SMTP errors put the rows back with a growing delay; permanent ones mark them
failed, with the error, for the admin. A claim whose worker died is handed back after its lease.

A run reads its rows in chunks (with what their mails name, in a few queries), sends a chunk's mails over
one SMTP connection, and makes one statement per mail: the claim of a person's rows, which also marks the
previous mail sent. See `Outbox` for the window in which a dying worker can make a mail go out twice.
Before anything of a chunk is claimed, its rows that are no longer true (a request decided meanwhile, an
item closed, a role given to someone else) are dropped with the reason, in one more statement
(notifications.staleness).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from notifications.body_settings import timings_for
from notifications.calendar import is_working_day
from notifications.mails import Lookup, compose
from notifications.models import Message, Preference
from notifications.staleness import drop, judge

logger = logging.getLogger(__name__)
MAX_BACKOFF = dt.timedelta(hours=1)
# Mails that answer a person's own request (a document asked for is ready): neither held for a working day nor
# for the daily digest.
ANSWERS = frozenset({Message.Kind.DOCUMENT_READY})


@dataclass
class DispatchResult:
    mails: int = 0
    messages: int = 0
    retried: int = 0
    failed: int = 0
    dropped: int = 0  # no longer true at send time: never sent (notifications.staleness)
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


def _waits_for_digest(recipient_id: int, delivery: str, now: dt.datetime, hour: int) -> bool:
    """Daily-digest readers get one mail a day, from the digest hour on."""
    if delivery != Preference.Delivery.DAILY:
        return False
    local = timezone.localtime(now)
    if local.hour < hour:
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
    rows = list(
        due.values_list(
            "pk",
            "recipient_id",
            "organization_id",
            "organization__patron_saint_day",
            "recipient__mail_preference__delivery",
            "kind",
        ).order_by("pk")
    )
    # A daily digest goes out from the earliest digest hour among the bodies of the person's due rows (most people
    # work for one body; one who works for two gets one digest, at the first body's hour).
    daily = [row for row in rows if row[4] == Preference.Delivery.DAILY]
    timings = timings_for({row[2] for row in daily})
    hours: dict[int, int] = {}
    for _pk, recipient_id, organization_id, *_rest in daily:
        hour = timings[organization_id].digest_hour
        hours[recipient_id] = min(hours.get(recipient_id, hour), hour)
    grouped: dict[int, list[int]] = defaultdict(list)
    waiting: dict[int, bool] = {}
    for pk, recipient_id, _organization_id, patron, delivery, kind in rows:
        if kind in ANSWERS:  # the answer to what the person has just asked: at once, any day
            grouped[recipient_id].append(pk)
            continue
        if not is_working_day(today, patron):
            continue
        if recipient_id not in waiting:
            waiting[recipient_id] = _waits_for_digest(recipient_id, delivery or "", now, hours.get(recipient_id, 0))
        if not waiting[recipient_id]:
            grouped[recipient_id].append(pk)
    return grouped


CHUNK = 200  # people whose rows, and what their mails name, are read at once; one SMTP connection each

# One statement, one round trip, one commit per person: it marks the previous person's rows sent (the mail
# the SMTP server has just accepted) and claims this person's rows. A claim is taken only from rows still
# pending, so a second worker, a second beat or a redelivered task claims nothing already taken; the mark
# only touches rows that still carry our claim, so a claim handed back after its lease is not overwritten.
SETTLE_AND_CLAIM = """
WITH sent AS (
    UPDATE {table} SET status = %(sent)s, sent_at = %(now)s, claim = NULL, last_error = ''
    WHERE id = ANY(%(sent_ids)s) AND claim = %(sent_claim)s AND status = %(sending)s
)
UPDATE {table} SET status = %(sending)s, claim = %(claim)s, claimed_at = %(now)s, attempts = attempts + 1
WHERE id = ANY(%(ids)s) AND status = %(pending)s
RETURNING id, attempts
"""


@dataclass
class Claim:
    """Rows of one person, claimed by this run for one mail."""

    token: uuid.UUID
    rows: list[Message]


class Outbox:
    """The rows of a run, claimed one person at a time, each mail marked sent as soon as the next statement
    goes to the database.

    Duplicate window: a worker that dies after the SMTP server accepted a mail but before the mark reached
    the database leaves that mail's rows claimed; after the lease they are sent again. The mark goes out
    in the very next statement (this person's claim, or the end of the chunk), before anything else is
    composed or read, so the window stays the one mail in flight, as when each mail had its own UPDATE.
    Rows claimed and not yet sent need no mark: they come back after the lease, so nothing is lost."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.unmarked: Claim | None = None  # accepted by the SMTP server, not yet marked sent

    def claim(self, rows: list[Message]) -> Claim | None:
        """Claim these rows (those still pending) and mark the previous mail sent, in one statement."""
        sent = self.unmarked or Claim(uuid.uuid4(), [])
        if not rows and not sent.rows:
            return None
        token = uuid.uuid4()
        if connection.vendor == "postgresql":
            attempts = self._settle_and_claim(sent, token, rows)
        else:  # no UPDATE in WITH: the same two updates in one transaction
            with transaction.atomic():
                self._mark_sent(sent)
                Message.objects.filter(pk__in=[row.pk for row in rows], status=Message.Status.PENDING).update(
                    status=Message.Status.SENDING, claim=token, claimed_at=self.now, attempts=F("attempts") + 1
                )
                attempts = dict(Message.objects.filter(claim=token).values_list("pk", "attempts"))
        self.unmarked = None
        mine = [row for row in rows if row.pk in attempts]
        for row in mine:
            row.attempts = attempts[row.pk]
        return Claim(token, mine) if mine else None

    def _settle_and_claim(self, sent: Claim, token: uuid.UUID, rows: list[Message]) -> dict[int, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                SETTLE_AND_CLAIM.format(table=connection.ops.quote_name(Message._meta.db_table)),
                {
                    "sent": Message.Status.SENT,
                    "sending": Message.Status.SENDING,
                    "pending": Message.Status.PENDING,
                    "now": self.now,
                    "sent_ids": [row.pk for row in sent.rows],
                    "sent_claim": sent.token,
                    "claim": token,
                    "ids": [row.pk for row in rows],
                },
            )
            return dict(cursor.fetchall())

    def _mark_sent(self, claim: Claim) -> None:
        if claim.rows:
            Message.objects.filter(
                pk__in=[row.pk for row in claim.rows], claim=claim.token, status=Message.Status.SENDING
            ).update(status=Message.Status.SENT, sent_at=self.now, claim=None, last_error="")

    def sent(self, claim: Claim) -> None:
        self.unmarked = claim

    def flush(self) -> None:
        """Mark the last mail sent, on its own."""
        if self.unmarked is not None:
            claim, self.unmarked = self.unmarked, None
            self._mark_sent(claim)

    def give_back(self, claim: Claim, error: Exception, result: DispatchResult) -> None:
        """A failed mail: its rows back to pending with a growing delay, or failed for good."""
        permanent = is_permanent(error)
        attempts = max(row.attempts for row in claim.rows)
        recipient = claim.rows[0].recipient_id
        logger.warning("mail to user %s failed (%s): %s", recipient, "permanent" if permanent else "retry", error)
        Message.objects.filter(pk__in=[row.pk for row in claim.rows], claim=claim.token).update(
            status=Message.Status.FAILED if permanent else Message.Status.PENDING,
            claim=None,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            next_attempt_at=self.now + backoff(attempts),
        )
        result.failed += len(claim.rows) if permanent else 0
        result.retried += 0 if permanent else len(claim.rows)
        result.errors.append(str(error))


class Mailer:
    """One connection to the mail server for many mails, opened at the first one. After an error it is
    closed: the next mail opens a new one."""

    def __init__(self) -> None:
        self.backend: BaseEmailBackend = mailers.default

    def send(self, mail: EmailMessage) -> None:
        self.backend.open()  # a no-op while the connection is open
        self.backend.send_messages([mail])

    def close(self) -> None:
        with contextlib.suppress(Exception):  # a connection that broke is closed all the same
            self.backend.close()


def _leave_out_stale(rows: dict[int, Message], lookup: Lookup, now: dt.datetime, result: DispatchResult) -> None:
    """Drop the rows that are no longer true (notifications.staleness) and narrow the ones that name
    something no longer current. A narrowed context is this run's only: the mail lists what is left, the
    row keeps what was planned."""
    verdict = judge(rows.values(), lookup, timezone.localdate(now))
    result.dropped += drop(verdict.dropped, now)
    for pk in verdict.dropped:
        del rows[pk]  # dropped here, or claimed meanwhile by another run, which judges it for itself
    for pk, context in verdict.narrowed.items():
        rows[pk].context = context
    if verdict.dropped:
        logger.info("dropped %d stale messages: %s", len(verdict.dropped), sorted(verdict.dropped))


def deliver(people: list[tuple[int, list[int]]], now: dt.datetime, result: DispatchResult) -> None:
    """Send each person's due rows in one mail, over one connection. The rows, and what their mails name,
    are read at once, before anything is claimed; a row another run took meanwhile is left to it."""
    ids = [pk for _person, person_ids in people for pk in person_ids]
    pending = Message.objects.filter(pk__in=ids, status=Message.Status.PENDING)
    rows = {row.pk: row for row in pending.select_related("recipient__mail_preference", "organization")}
    lookup = Lookup.load(rows.values(), timezone.localdate(now))
    _leave_out_stale(rows, lookup, now, result)
    outbox, mailer = Outbox(now), Mailer()
    try:
        for _person, person_ids in people:
            claim = outbox.claim(sorted((rows[pk] for pk in person_ids if pk in rows), key=_mail_order))
            if claim is None:
                continue  # someone else got there first
            try:
                mailer.send(compose(claim.rows, now, lookup))
            except Exception as error:
                mailer.close()
                outbox.give_back(claim, error, result)
                continue
            outbox.sent(claim)
            result.mails += 1
            result.messages += len(claim.rows)
    finally:
        outbox.flush()
        mailer.close()


def _mail_order(row: Message) -> tuple[str, int]:
    return (row.kind, row.pk)


def dispatch(
    now: dt.datetime | None = None, recipients: Iterable[int] | None = None, shard: tuple[int, int] | None = None
) -> DispatchResult:
    """Send what is due now: to these people only when given, and, with `shard` = (index, count), only to the
    people whose id modulo `count` is `index`, so that `count` runs share the outbox without meeting."""
    now = now or timezone.now()
    result = DispatchResult()
    release_lost_claims(now)
    people = list(due_by_recipient(now, recipients).items())
    if shard is not None:
        index, count = shard
        people = [(person, ids) for person, ids in people if person % count == index]
    for start in range(0, len(people), CHUNK):
        deliver(people[start : start + CHUNK], now, result)
    return result
