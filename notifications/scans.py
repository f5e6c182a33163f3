"""The scans that beat runs: each plans the messages due on a day as outbox rows, and nothing else.

They are short and repeatable: a row exists once per (kind, target, period, recipient), so running a scan
twice, or two beats running it, plans nothing twice. Sending is the dispatcher's job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from notifications.calendar import is_working_day
from notifications.models import Message
from notifications.schedule import Rules, due_reminders, next_reminder_day
from plans.models import OPEN_STATES, Activity, Area, Objective, Organization, OrganizationRole, WorkItem


def target_of(item: WorkItem) -> str:
    return f"{'activity' if isinstance(item, Activity) else 'objective'}:{item.pk}"


def _objective(item: WorkItem) -> Objective:
    return item.objective if isinstance(item, Activity) else item


def area_heads(item: WorkItem) -> list[int]:
    heads = Area.objects.filter(objectives=_objective(item), head__isnull=False).values_list("head_id", flat=True)
    return sorted(set(heads))


def directors(organization: Organization) -> list[int]:
    roles = OrganizationRole.objects.filter(organization=organization, role=OrganizationRole.Role.DIRECTOR)
    return sorted(set(roles.values_list("user_id", flat=True)))


def _recipients(item: WorkItem, kind: str) -> list[int]:
    """The owner is reminded (the area heads when nobody owns it); escalations go to the area heads."""
    if kind != Message.Kind.ESCALATION and item.owner_id:
        return [item.owner_id]
    return area_heads(item)


def _key(row: Message) -> tuple[str, str, str, int]:
    return (row.kind, row.target, row.period, row.recipient_id)


def plan(rows: Iterable[Message]) -> int:
    """Insert the rows that do not exist yet and say how many were new. The unique key makes this safe to
    repeat and to race: a row another scan inserted first is skipped. A new row may go out from the start
    of its due day."""
    rows = list(rows)
    if not rows:
        return 0
    existing = set(
        Message.objects.filter(
            kind__in={row.kind for row in rows},
            target__in={row.target for row in rows},
            period__in={row.period for row in rows},
            recipient_id__in={row.recipient_id for row in rows},
        ).values_list("kind", "target", "period", "recipient_id")
    )
    inserted = 0
    for row in rows:
        if _key(row) in existing:
            continue
        row.next_attempt_at = timezone.make_aware(dt.datetime.combine(row.due_on, dt.time.min))
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            continue  # planned meanwhile by a concurrent scan
        existing.add(_key(row))
        inserted += 1
    return inserted


def _due_items(model: type[Activity] | type[Objective], today: dt.date) -> Any:
    due = Q(next_reminder_on__lte=today) | Q(next_reminder_on__isnull=True)
    related = "objective__plan__organization" if model is Activity else "plan__organization"
    return model.objects.filter(due, state__in=OPEN_STATES, planned_end__isnull=False).select_related(related)


def plan_deadline_reminders(today: dt.date, rules: Rules | None = None) -> int:
    """Reminders, overdue notices and escalations due on `today`, for open activities and objectives.
    Reads only the items whose next reminder day has come (a partial index), so its cost follows what is
    due, not the size of the database."""
    rules = rules or Rules.from_settings()
    planned = 0
    for model in (Activity, Objective):
        for item in _due_items(model, today).iterator(chunk_size=2000):
            organization = _objective(item).plan.organization
            patron = organization.patron_saint_day
            if not is_working_day(today, patron):
                continue  # due stays due: the first working day picks it up
            assert item.planned_end is not None
            rows = [
                Message(
                    kind=due.kind,
                    organization=organization,
                    recipient_id=recipient,
                    target=target_of(item),
                    period=due.period,
                    context={"planned_end": item.planned_end.isoformat()},
                    due_on=today,
                )
                for due in due_reminders(item.planned_end, today, rules, patron)
                for recipient in _recipients(item, due.kind)
            ]
            planned += plan(rows)
            following = next_reminder_day(item.planned_end, today, rules, patron)
            # Conditional: a transition that moved the deadline meanwhile has reset the day; keep its reset.
            model.objects.filter(pk=item.pk, planned_end=item.planned_end).update(next_reminder_on=following)
    return planned


def first_working_day_of_week(today: dt.date, patron: str) -> dt.date:
    monday = today - dt.timedelta(days=today.weekday())
    day = monday
    while not is_working_day(day, patron) and day.weekday() < 5:
        day += dt.timedelta(days=1)
    return day


def has_slipped(organization: Organization, today: dt.date) -> bool:
    late = Q(state__in=OPEN_STATES, planned_end__lt=today)
    return (
        Activity.objects.filter(late, objective__plan__organization=organization).exists()
        or Objective.objects.filter(late, plan__organization=organization).exists()
    )


def plan_director_digests(today: dt.date) -> int:
    """Each week, from its first working day, one digest of the slipped deadlines for each director."""
    planned = 0
    for organization in Organization.objects.all():
        patron = organization.patron_saint_day
        if not is_working_day(today, patron) or today < first_working_day_of_week(today, patron):
            continue
        if not has_slipped(organization, today):
            continue  # no digest of nothing
        year, week, _ = today.isocalendar()
        planned += plan(
            Message(
                kind=Message.Kind.DIRECTOR_DIGEST,
                organization=organization,
                recipient_id=director,
                target=f"organization:{organization.pk}",
                period=f"{year}-W{week:02d}",
                due_on=today,
            )
            for director in directors(organization)
        )
    return planned
