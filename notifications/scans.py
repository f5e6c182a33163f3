"""The scans that beat runs: each plans the messages due on a day as outbox rows, and nothing else.

They are short and repeatable: a row exists once per (kind, target, period, recipient), so running a scan
twice, or two beats running it, plans nothing twice. Sending is the dispatcher's job.

Rows are inserted in bulk (INSERT … ON CONFLICT DO NOTHING on that key) and the deadline scan works a
chunk of due items at a time, in one transaction: a few queries per chunk, not a few per item.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from itertools import batched
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from notifications.body_settings import timings_for
from notifications.calendar import is_working_day
from notifications.models import Message
from notifications.schedule import NOT_LIVE, Due, Rules, due_reminders, next_reminder_day
from plans.freeze import is_frozen, is_live, live_q
from plans.models import OPEN_STATES, Activity, Area, Objective, Organization, OrganizationRole, Plan, WorkItem

logger = logging.getLogger(__name__)
INSERT_CHUNK = 1000  # rows per INSERT statement
SCAN_CHUNK = 1000  # due items planned in one transaction
PLANNED_FIELDS = (
    "kind",
    "organization",
    "recipient",
    "target",
    "period",
    "context",
    "due_on",
    "status",
    "attempts",
    "last_error",
    "next_attempt_at",
    "created_at",
)


def target_of(item: WorkItem) -> str:
    return f"{'activity' if isinstance(item, Activity) else 'objective'}:{item.pk}"


def _objective(item: WorkItem) -> Objective:
    return item.objective if isinstance(item, Activity) else item


def area_heads(item: WorkItem) -> list[int]:
    heads = Area.objects.filter(objectives=_objective(item), head__isnull=False).values_list("head_id", flat=True)
    return sorted(set(heads))


def heads_by_objective(objective_ids: Iterable[int]) -> dict[int, list[int]]:
    """The area heads of each of these objectives (as `area_heads`), in one query on the link table."""
    ids = set(objective_ids)
    if not ids:
        return {}
    links = Objective.areas.through.objects.filter(objective_id__in=ids, area__head__isnull=False)
    heads: dict[int, set[int]] = defaultdict(set)
    for objective_id, head_id in links.values_list("objective_id", "area__head_id"):
        heads[objective_id].add(head_id)
    return {objective_id: sorted(people) for objective_id, people in heads.items()}


def directors(organization: Organization) -> list[int]:
    roles = OrganizationRole.objects.filter(organization=organization, role=OrganizationRole.Role.DIRECTOR)
    return sorted(set(roles.values_list("user_id", flat=True)))


def _recipients(item: WorkItem, kind: str, heads: dict[int, list[int]]) -> list[int]:
    """The owner is reminded (the area heads when nobody owns it); escalations go to the area heads."""
    if kind != Message.Kind.ESCALATION and item.owner_id:
        return [item.owner_id]
    return heads.get(_objective(item).pk, [])


def _to_heads(item: WorkItem, reminders: list[Due]) -> bool:
    """Whether any of these reminders goes to the area heads (see `_recipients`)."""
    return any(reminder.kind == Message.Kind.ESCALATION or not item.owner_id for reminder in reminders)


def _key(row: Message) -> tuple[str, str, str, int]:
    return (row.kind, row.target, row.period, row.recipient_id)


def _insert_new(rows: list[Message]) -> int:
    """One INSERT … ON CONFLICT DO NOTHING: the rows whose key exists are skipped, the new ones get their
    ids; how many were new. Two scans of the same day insert the same rows in the same order (the due items
    in a fixed order), so the second waits for the first's rows instead of deadlocking. On PostgreSQL the
    values travel as one array per column (12 parameters, however many rows)."""
    fields = [field for field in Message._meta.concrete_fields if field.name in PLANNED_FIELDS]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    values = [[field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields] for row in rows]
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
        source, params = f"SELECT * FROM unnest({arrays})", [list(column) for column in zip(*values, strict=True)]
    else:
        placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
        source, params = "VALUES " + ", ".join([placeholders] * len(rows)), [value for row in values for value in row]
    key = ", ".join(quote(column) for column in ("kind", "target", "period", "recipient_id"))
    sql = (
        f"INSERT INTO {quote(Message._meta.db_table)} ({columns}) {source} "
        f"ON CONFLICT ({key}) DO NOTHING RETURNING id, kind, target, period, recipient_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        inserted = {(kind, target, period, recipient): pk for pk, kind, target, period, recipient in cursor}
    count = len(inserted)
    for row in rows:
        if _key(row) in inserted:  # the first of rows with the same key, which is the one inserted
            row.pk = inserted.pop(_key(row))
            row._state.adding = False
            row._state.db = connection.alias
    return count


def plan(rows: Iterable[Message]) -> int:
    """Insert the rows that do not exist yet and say how many were new. The unique key makes this safe to
    repeat and to race: a row another scan inserted first (or is inserting now) is skipped. A new row may
    go out from the start of its due day."""
    rows = list(rows)
    for row in rows:
        row.next_attempt_at = timezone.make_aware(dt.datetime.combine(row.due_on, dt.time.min))
    return sum(_insert_new(rows[start : start + INSERT_CHUNK]) for start in range(0, len(rows), INSERT_CHUNK))


def due_ids_query(model: type[Activity] | type[Objective], today: dt.date) -> Any:
    """The query of `_due_ids` (bench_scan explains it and times it raw)."""
    due = Q(next_reminder_on__lte=today) | Q(next_reminder_on__isnull=True)
    items = model.objects.filter(due, state__in=OPEN_STATES, planned_end__isnull=False)
    return items.order_by().values_list("pk", flat=True)


def _due_ids(model: type[Activity] | type[Objective], today: dt.date) -> list[int]:
    """The open items whose next reminder day has come, or was never worked out, read through the partial
    index alone: their ids only, in one plain query. Not a server-side cursor: PostgreSQL plans a cursor for
    its first rows, and walked a whole index in order to hand out the 500 due among 1,000,000 activities
    (350 ms, against 11 ms for this query). Not joined to their objective, plan and organization either: the
    join made the planner hash-join a sequential scan of every objective."""
    return sorted(due_ids_query(model, today))


def _chunk(model: type[Activity] | type[Objective], ids: tuple[int, ...]) -> list[Any]:
    """The items of a chunk, with their objective, plan and organization (prefetched)."""
    order: tuple[str, ...] = ("objective_id", "position", "pk") if model is Activity else ("plan_id", "pk")
    related = "objective__plan__organization" if model is Activity else "plan__organization"
    return list(model.objects.filter(pk__in=ids).order_by(*order).prefetch_related(related))


NEXT_REMINDER = """
UPDATE {table} AS item SET next_reminder_on = due.day
FROM unnest(%s::bigint[], %s::date[], %s::date[]) AS due(id, planned_end, day)
WHERE item.id = due.id AND item.planned_end = due.planned_end AND item.id = ANY(%s::bigint[])
"""


def _set_next_reminders(model: type[Activity] | type[Objective], following: list[tuple[int, dt.date, dt.date]]) -> None:
    """Each item's next reminder day, in one UPDATE. Conditional: a transition that moved the deadline
    meanwhile has reset the day; keep its reset."""
    if not following:
        return
    if connection.vendor != "postgresql":  # no unnest: one UPDATE per (deadline, next day)
        groups: dict[tuple[dt.date, dt.date], list[int]] = defaultdict(list)
        for pk, end, day in following:
            groups[end, day].append(pk)
        for (end, day), ids in sorted(groups.items()):
            model.objects.filter(pk__in=ids, planned_end=end).update(next_reminder_on=day)
        return
    ids, ends, days = (list(column) for column in zip(*sorted(following), strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            NEXT_REMINDER.format(table=connection.ops.quote_name(model._meta.db_table)), [ids, ends, days, ids]
        )


def _plan_items(items: list[WorkItem], today: dt.date, rules: Rules | None) -> int:
    """Plan what is due on `today` for these items and move each one's next reminder day, in one
    transaction: a scan that stops half way leaves each chunk planned and moved, or neither. Items of a plan
    that is not live get no reminder and are parked (NOT_LIVE); a validated plan's rows are not written at
    all (the database refuses any write to them), they are only left out. `rules`: the same for every body
    (tests), or None for each body's own (notifications.body_settings)."""
    bodies = timings_for({_objective(item).plan.organization_id for item in items}) if rules is None else {}
    due: list[tuple[WorkItem, Organization, dt.date, list[Due]]] = []
    following: list[tuple[int, dt.date, dt.date]] = []
    for item in items:
        plan_of: Plan = _objective(item).plan
        if not is_live(plan_of):
            if not is_frozen(plan_of) and item.planned_end is not None:
                following.append((item.pk, item.planned_end, NOT_LIVE))
            continue
        organization = plan_of.organization
        patron = organization.patron_saint_day
        if not is_working_day(today, patron):
            continue  # due stays due: the first working day picks it up
        end = item.planned_end
        assert end is not None
        its_rules = rules or bodies[organization.pk].deadline_rules
        try:
            reminders = due_reminders(end, today, its_rules, patron)
            following_day = next_reminder_day(end, today, its_rules, patron)
        except OverflowError:
            # A deadline at the edge of the calendar (0001 or 9999, written in a document or by hand): no reminder
            # can be counted from it. It must not stop the others' reminders: looked at again in a week.
            logger.warning("%s: deadline %s out of the calendar's range, no reminder planned", target_of(item), end)
            following.append((item.pk, end, today + dt.timedelta(days=7)))
            continue
        due.append((item, organization, end, reminders))
        following.append((item.pk, end, following_day))
    heads = heads_by_objective(_objective(item).pk for item, _org, _end, reminders in due if _to_heads(item, reminders))
    rows = [
        Message(
            kind=reminder.kind,
            organization=organization,
            recipient_id=recipient,
            target=target_of(item),
            period=reminder.period,
            context={"planned_end": end.isoformat()},
            due_on=today,
        )
        for item, organization, end, reminders in due
        for reminder in reminders
        for recipient in _recipients(item, reminder.kind, heads)
    ]
    with transaction.atomic():
        planned = plan(rows)
        _set_next_reminders(type(items[0]), following)
    return planned


def plan_deadline_reminders(today: dt.date, rules: Rules | None = None) -> int:
    """Reminders, overdue notices and escalations due on `today`, for open activities and objectives.
    Reads only the items whose next reminder day has come (a partial index), so its cost follows what is
    due, not the size of the database. A chunk of items costs a handful of queries, not a few per item.
    `rules`: the same for every body; by default each body's own (notifications.body_settings)."""
    planned = 0
    for model in (Activity, Objective):
        for ids in batched(_due_ids(model, today), SCAN_CHUNK):
            planned += _plan_items(_chunk(model, ids), today, rules)
    return planned


def first_working_day_of_week(today: dt.date, patron: str) -> dt.date:
    monday = today - dt.timedelta(days=today.weekday())
    day = monday
    while not is_working_day(day, patron) and day.weekday() < 5:
        day += dt.timedelta(days=1)
    return day


def has_slipped(organization: Organization, today: dt.date) -> bool:
    """Whether an item of one of the organization's live plans is late (a closed year's never is)."""
    late = Q(state__in=OPEN_STATES, planned_end__lt=today)
    return (
        Activity.objects.filter(late, live_q("objective__plan__"), objective__plan__organization=organization).exists()
        or Objective.objects.filter(late, live_q("plan__"), plan__organization=organization).exists()
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
