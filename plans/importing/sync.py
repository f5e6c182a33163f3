"""Bring a set of rows in line with what a file says, in bulk, counting what changed."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models

from plans.importing.bulk import insert_rows, insert_values, update_values

BATCH_SIZE = 2000
# A moved deadline: the reminders of the row are worked out anew.
RESCHEDULED = ("planned_end", "next_reminder_on")


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    not_in_file: int = 0


def _has_field(model: type[models.Model], attname: str) -> bool:
    return any(field.attname == attname for field in model._meta.concrete_fields)


def sync_rows[K: Hashable, M: models.Model](
    model: type[M],
    existing: Mapping[K, M],
    wanted: Mapping[K, dict[str, Any]],
    build: Callable[[K, dict[str, Any]], M],
    counts: Counts,
) -> dict[K, M]:
    """Create the rows that are missing and update the fields that differ; leave equal rows untouched so
    that importing the same file twice writes nothing. Rows absent from the file are counted, not deleted:
    they may carry workflow history. Works on model instances: for the few rows callers need as such."""
    to_create: list[M] = []
    to_update: list[M] = []
    changed_fields: set[str] = set()
    rows: dict[K, M] = {}
    for key, values in wanted.items():
        row = existing.get(key)
        if row is None:
            row = build(key, values)
            to_create.append(row)
        else:
            changed = [field for field, value in values.items() if getattr(row, field) != value]
            if RESCHEDULED[0] in changed and hasattr(row, RESCHEDULED[1]):
                changed.append(RESCHEDULED[1])
                values = {**values, RESCHEDULED[1]: None}
            if changed:
                for field in changed:
                    setattr(row, field, values[field])
                to_update.append(row)
                changed_fields.update(changed)
            else:
                counts.unchanged += 1
        rows[key] = row
    insert_rows(model, to_create)
    names = sorted(changed_fields)
    update_values(model, [(row.pk, {name: getattr(row, name) for name in names}) for row in to_update], names)
    counts.created += len(to_create)
    counts.updated += len(to_update)
    counts.not_in_file += len(set(existing) - set(wanted))
    return rows


def sync_values[K: Hashable](
    model: type[models.Model],
    queryset: models.QuerySet[Any],
    key_fields: tuple[str, ...],
    wanted: Mapping[K, dict[str, Any]],
    new_row: Callable[[K, dict[str, Any]], dict[str, Any]],
    counts: Counts,
) -> dict[K, int]:
    """What sync_rows does, for large tables: the rows of `queryset` are read as plain values (only the key
    fields and the fields the file sets) and new rows are written from dicts, with no model instances.
    `wanted` maps the key (the values of `key_fields`, a tuple when there are several) to {attname: value};
    `new_row` gives the full {attname: value} of a row to create. Returns the primary key of every key."""
    names = sorted({name for values in wanted.values() for name in values})
    rescheduled = RESCHEDULED[0] in names and _has_field(model, RESCHEDULED[1])
    if rescheduled:
        names = sorted({*names, RESCHEDULED[1]})
    position = {name: index for index, name in enumerate(names)}
    single = len(key_fields) == 1
    width = len(key_fields)
    existing: dict[Any, tuple[int, tuple[Any, ...]]] = {}
    for pk, *rest in queryset.values_list("pk", *key_fields, *names).iterator(chunk_size=BATCH_SIZE):
        key = rest[0] if single else tuple(rest[:width])
        existing[key] = (pk, tuple(rest[width:]))
    keys: dict[K, int] = {}
    created: list[K] = []
    updated: list[tuple[int, tuple[Any, ...], dict[str, Any]]] = []
    changed_names: set[str] = set()
    for key, values in wanted.items():
        found = existing.pop(key, None)
        if found is None:
            created.append(key)
            continue
        pk, current = found
        keys[key] = pk
        changed = {name: value for name, value in values.items() if current[position[name]] != value}
        if rescheduled and RESCHEDULED[0] in changed:
            changed[RESCHEDULED[1]] = None
        if changed:
            updated.append((pk, current, changed))
            changed_names.update(changed)
        else:
            counts.unchanged += 1
    counts.not_in_file += len(existing)
    existing.clear()
    new_rows = (new_row(key, wanted[key]) for key in created)  # built one at a time, as COPY sends them
    keys.update(zip(created, insert_values(model, len(created), new_rows), strict=True))
    if updated:
        # Every updated row sets every changed field, its own current value where it did not change.
        ordered = sorted(changed_names)
        rows = [
            (pk, {name: changed.get(name, current[position[name]]) for name in ordered})
            for pk, current, changed in updated
        ]
        update_values(model, rows, ordered)
    counts.created += len(created)
    counts.updated += len(updated)
    return keys
