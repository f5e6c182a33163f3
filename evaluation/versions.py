"""The versions of a year's measurement system, read from the audit trail (the one history: no copy is kept).

A version is one transaction of the trail: the system's row and its behaviours changed together, by one person,
with one motivation. Each change says what, before and after, in words for people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from evaluation.models import Behaviour, MeasurementSystem
from plans.scoring import decimal_text
from workflow.models import AuditEntry

SYSTEM = MeasurementSystem._meta.label_lower
BEHAVIOUR = Behaviour._meta.label_lower
VERSIONS_SHOWN = 50  # entries read, newest first: a system changes a few times a year
_HIDDEN = {"id", "organization_id", "year", "system_id", "position"}


@dataclass(frozen=True)
class Change:
    what: str
    before: str
    after: str


@dataclass(frozen=True)
class Version:
    at: dt.datetime
    actor: Any
    source: str
    motivation: str
    created: bool
    changes: tuple[Change, ...]


def system_entries(system: MeasurementSystem) -> QuerySet[AuditEntry]:
    """The trail's rows of `system` (a saved row) and of its behaviours, newest first: one query, to page."""
    if system.pk is None:
        return AuditEntry.objects.none()
    # A behaviour's later rows carry only what changed, not its system: its id is known from its creation.
    behaviours = AuditEntry.objects.filter(
        organization_id=system.organization_id,
        subject=BEHAVIOUR,
        event=AuditEntry.Event.CREATED,
        after__system_id=system.pk,
    ).values("subject_id")
    return (
        AuditEntry.objects.data_changes()
        .filter(organization_id=system.organization_id)
        .filter(Q(subject=SYSTEM, subject_id=system.pk) | Q(subject=BEHAVIOUR, subject_id__in=behaviours))
        .select_related("actor")
        .order_by("-at", "-pk")
    )


def versions_of(entries: Iterable[AuditEntry]) -> list[Version]:
    """The trail's rows (newest first) as versions: the rows of one transaction make one version."""
    grouped: dict[Any, list[AuditEntry]] = {}
    for entry in entries:
        grouped.setdefault(entry.txid or ("entry", entry.pk), []).append(entry)
    return [
        Version(
            at=rows[0].at,
            actor=rows[0].actor,
            source=rows[0].get_source_display(),
            motivation=next((row.comment for row in rows if row.comment), ""),
            created=any(row.subject == SYSTEM and row.event == AuditEntry.Event.CREATED for row in rows),
            changes=tuple(change for row in sorted(rows, key=lambda row: row.pk) for change in _changes(row)),
        )
        for rows in grouped.values()
    ]


def system_versions(system: MeasurementSystem, *, limit: int = VERSIONS_SHOWN) -> list[Version]:
    """The latest versions of `system`, newest first (at most `limit` rows of the trail read)."""
    return versions_of(system_entries(system)[:limit])


def _changes(entry: AuditEntry) -> list[Change]:
    if entry.subject == BEHAVIOUR:
        return _behaviour_changes(entry)
    fields = {field.column: field for field in MeasurementSystem._meta.concrete_fields}
    before, after = entry.before or {}, entry.after or {}
    shown = []
    for column in [field.column for field in MeasurementSystem._meta.concrete_fields]:
        if column in _HIDDEN or (column not in before and column not in after):
            continue
        if entry.event == AuditEntry.Event.CREATED and column not in ("adopted_on", "act"):
            continue  # a new row: its values are on the page; only say it was adopted, when it was
        field = fields[column]
        shown.append(Change(str(field.verbose_name), _text(field, before.get(column)), _text(field, after.get(column))))
    return shown


def _behaviour_changes(entry: AuditEntry) -> list[Change]:
    before, after = entry.before or {}, entry.after or {}
    if entry.event == AuditEntry.Event.CREATED:
        return [Change(_("comportamento aggiunto"), "", _behaviour_text(after))]
    if entry.event == AuditEntry.Event.DELETED:
        return [Change(_("comportamento tolto"), _behaviour_text(before), "")]
    changes = []
    for column, label in (
        ("name", _("nome del comportamento")),
        ("description", _("descrizione")),
        ("weight", _("peso")),
    ):
        if column in after:
            old, new = before.get(column), after.get(column)
            if column == "weight":
                old, new = _number(old), _number(new)
            changes.append(Change(str(label), str(old or ""), str(new or "")))
    return changes


def _behaviour_text(row: dict[str, Any]) -> str:
    return f"{row.get('name', '')} ({_('peso')} {_number(row.get('weight'))})"


def _number(value: Any) -> str:
    return "" if value is None else decimal_text(Decimal(str(value)))


def _text(field: Any, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.get_internal_type() == "DecimalField":
        return _number(value)
    if field.get_internal_type() == "DateField":
        return dt.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    return str(value)
