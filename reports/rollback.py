"""Plan data as it was at a past moment: today's rows, with every change the audit trail records after the
moment undone, newest first.

The trail (workflow.models.AuditEntry) holds, for each tracked table, a row per insert, change and deletion with
the columns before and after, and the workflow's state changes with their from/to states. Undoing them in
reverse order gives each row as it was: a row inserted after the moment disappears, a row deleted after it comes
back from its last `before`, a changed row takes back the values it had. Rows that never appear in the trail
(written before the trail existed) stay as they are today.

Rows are plain dicts of column → value (Python types, as the model's fields read them), not model instances:
nothing here can be saved back by mistake, and a row that no longer exists can be represented as well.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q

from workflow.models import AuditEntry

Row = dict[str, Any]
Rows = dict[int, Row]

# What the builder reads of each trail row.
_ENTRY_FIELDS = ("pk", "event", "subject", "subject_id", "before", "activity_id", "objective_id", "from_state")


@dataclass(frozen=True)
class Undo:
    """One trail row to undo: a data change of `subject` #`subject_id`, or a state change of an item."""

    event: str
    subject: str
    subject_id: int | None
    before: dict[str, Any] | None
    activity_id: int | None
    objective_id: int | None
    from_state: str


def trail_after(*, organization_id: int, moment: dt.datetime, subjects: Sequence[type[models.Model]]) -> list[Undo]:
    """The organization's trail rows after `moment` that touch `subjects` or change a state, newest first: one
    query. The database stamps each row with its own clock (`at`), in insertion order within a transaction."""
    labels = [model._meta.label_lower for model in subjects]
    rows = (
        AuditEntry.objects.filter(organization_id=organization_id, at__gt=moment)
        .filter(Q(event__in=AuditEntry.DATA_EVENTS, subject__in=labels) | Q(event=AuditEntry.Event.STATE_CHANGED))
        .order_by("-at", "-pk")
        .values_list(*_ENTRY_FIELDS)
    )
    return [
        Undo(event, subject, subject_id, before, activity_id, objective_id, from_state)
        for _pk, event, subject, subject_id, before, activity_id, objective_id, from_state in rows
    ]


def current_rows(queryset: models.QuerySet[Any]) -> Rows:
    """Today's rows of `queryset`, keyed by primary key, each as column → value: one query."""
    fields = queryset.model._meta.concrete_fields
    key = queryset.model._meta.pk.attname
    return {
        row[key]: {field.column: row[field.attname] for field in fields}
        for row in queryset.order_by().values(*(field.attname for field in fields))
    }


def roll_back(model: type[models.Model], rows: Rows, undos: Iterable[Undo], *, belongs: Callable[[Row], bool]) -> Rows:
    """`rows` (today's, of `model`) as they were before every change in `undos` (newest first). `belongs` says
    whether a row is part of what is asked (e.g. of this plan): a deleted row comes back only if it does, and a
    row that did not belong then is left out."""
    label = model._meta.label_lower
    decode = _decoder(model)
    state_key = "activity_id" if label == "plans.activity" else "objective_id" if label == "plans.objective" else ""
    past = {pk: dict(row) for pk, row in rows.items()}
    for undo in undos:
        if undo.event == AuditEntry.Event.STATE_CHANGED:
            pk = getattr(undo, state_key) if state_key else None
            if pk in past and undo.from_state:
                past[pk]["state"] = undo.from_state
            continue
        if undo.subject != label or undo.subject_id is None:
            continue
        if undo.event == AuditEntry.Event.CREATED:
            past.pop(undo.subject_id, None)
        elif undo.event == AuditEntry.Event.DELETED:
            past[undo.subject_id] = decode(undo.before or {})
        elif undo.subject_id in past:
            past[undo.subject_id].update(decode(undo.before or {}))
    return {pk: row for pk, row in past.items() if belongs(row)}


def _decoder(model: type[models.Model]) -> Callable[[dict[str, Any]], Row]:
    """Turns a trail row's JSON columns (dates as ISO text, decimals as numbers) into the field's Python values;
    columns the model no longer has are dropped."""
    fields = {field.column: field for field in model._meta.concrete_fields}

    def decode(values: dict[str, Any]) -> Row:
        row: Row = {}
        for column, value in values.items():
            field = fields.get(column)
            if field is None:
                continue
            if isinstance(field, models.DecimalField) and isinstance(value, float):
                value = str(value)  # through text: 0.1 stays 0.1, not the float's binary expansion
            row[column] = None if value is None else field.to_python(value)
        return row

    return decode
