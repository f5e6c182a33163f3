"""Bring a set of rows in line with what a file says, in bulk, counting what changed."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models

BATCH_SIZE = 2000


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    not_in_file: int = 0


def sync_rows[K: Hashable, M: models.Model](
    model: type[M],
    existing: Mapping[K, M],
    wanted: Mapping[K, dict[str, Any]],
    build: Callable[[K, dict[str, Any]], M],
    counts: Counts,
) -> dict[K, M]:
    """Create the rows that are missing and update the fields that differ; leave equal rows untouched so
    that importing the same file twice writes nothing. Rows absent from the file are counted, not deleted:
    they may carry workflow history."""
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
            if "planned_end" in changed and hasattr(row, "next_reminder_on"):
                changed.append("next_reminder_on")  # a moved deadline: its reminders are worked out anew
                values = {**values, "next_reminder_on": None}
            if changed:
                for field in changed:
                    setattr(row, field, values[field])
                to_update.append(row)
                changed_fields.update(changed)
            else:
                counts.unchanged += 1
        rows[key] = row
    model._default_manager.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        model._default_manager.bulk_update(to_update, sorted(changed_fields), batch_size=BATCH_SIZE)
    counts.created += len(to_create)
    counts.updated += len(to_update)
    counts.not_in_file += len(set(existing) - set(wanted))
    return rows
