"""The earlier versions of a text that is rewritten in place (an objective's report, a motivation, a chapter of the
Relazione), read from the audit trail: the one history, never a second copy of it (see DESIGN, "One history")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model

from workflow.models import AuditEntry

VERSIONS_SHOWN = 50


@dataclass(frozen=True)
class Version:
    entry: AuditEntry
    subject_id: int
    text: str

    @property
    def at(self) -> Any:
        return self.entry.at

    @property
    def actor(self) -> Any:
        return self.entry.actor

    @property
    def created(self) -> bool:
        return self.entry.event == AuditEntry.Event.CREATED


def text_versions(model: type[Model], ids: Iterable[int], *, limit: int = VERSIONS_SHOWN) -> list[Version]:
    """Each text the rows `ids` of `model` were given, newest first, with who wrote it and when: one query."""
    entries = (
        AuditEntry.objects.data_changes()
        .filter(subject=model._meta.label_lower, subject_id__in=list(ids), after__has_key="text")
        .select_related("actor")
        .order_by("-at", "-pk")[:limit]
    )
    return [Version(entry, entry.subject_id or 0, str((entry.after or {}).get("text", ""))) for entry in entries]
