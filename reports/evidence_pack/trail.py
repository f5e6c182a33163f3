"""The audit trail in the evidence pack: the organization's chain from the plan's first row to its newest sealed
row when the pack is made, each row with its content (column by column, as text, exactly as the chain hashes it),
its place, the previous hash and its stored hash. Anyone can recompute the chain from the pack alone.

The hashing is workflow.trail.chain's own (`chain_hash`, the separators, the NULL marker, the column expressions):
the pack never has a second definition of what a row's hash covers. A row altered in the database after it was
sealed is packed as it is now, beside the hash it was sealed with: the recomputation names it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from workflow.trail.chain import _COLUMNS, NULL, TABLE, UNIT, chain_hash

TABLE_NAME = TABLE.removeprefix("public.")
COLUMN_NAMES: tuple[str, ...] = tuple(
    match.group(1) for match in (re.search(r"r\.(\w+)", column) for column in _COLUMNS) if match is not None
)
assert len(COLUMN_NAMES) == len(_COLUMNS), "every hashed column is named r.<column> in workflow.trail.chain"


def segment_start(organization_id: int, plan_id: int) -> int:
    """The place in the chain of the plan's first row (its creation); 1 when the plan predates the trail."""
    if connection.vendor != "postgresql":
        return 1
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT min(seq) FROM {TABLE} WHERE subject = 'plans.plan' AND subject_id = %s AND organization_id = %s",
            [plan_id, organization_id],
        )
        first = cursor.fetchone()[0]
    return int(first) if first is not None else 1


def segment_rows(organization_id: int, first_seq: int) -> list[dict[str, Any]]:
    """The sealed rows of the organization's chain from `first_seq` on, in one statement (one snapshot)."""
    if connection.vendor != "postgresql":  # the embedded SQLite default has neither the triggers nor the chain
        return []
    columns = ", ".join(_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.seq, r.prev_hash, r.hash, {columns} FROM {TABLE} r "
            "WHERE r.organization_id = %s AND r.seq >= %s ORDER BY r.seq",
            [organization_id, first_seq],
        )
        return [
            {
                "seq": row[0],
                "prev_hash": row[1],
                "hash": row[2],
                "content": dict(zip(COLUMN_NAMES, row[3:], strict=True)),
            }
            for row in cursor.fetchall()
        ]


def body_of(content: dict[str, str | None]) -> str:
    """The text the chain hashes for a row: its columns in the chain's order, NULL as the chain writes it."""
    return UNIT.join(NULL if content.get(name) is None else str(content[name]) for name in COLUMN_NAMES)


def row_time(content: dict[str, Any]) -> dt.datetime | None:
    """The row's time (microseconds since the epoch in the chain's text), in the project's time zone."""
    try:
        micros = int(content.get("at") or "")
    except ValueError:
        return None
    return timezone.localtime(dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=micros))


@dataclass(frozen=True)
class RowProblem:
    seq: int | None
    row_id: str
    at: dt.datetime | None
    subject: str
    problem: str

    def describe(self) -> str:
        when = f", del {self.at:%d/%m/%Y %H:%M:%S}" if self.at is not None else ""
        place = f"n. {self.seq}" if self.seq is not None else "senza posizione"
        about = f", {self.subject}" if self.subject else ""
        return f"voce {place} (id {self.row_id}, tabella {TABLE_NAME}{when}{about}): {self.problem}"


def _subject(content: dict[str, Any]) -> str:
    if content.get("subject"):
        return f"{content['subject']} {content.get('subject_id') or ''}".strip()
    for name, label in (("objective_id", "obiettivo"), ("activity_id", "attività")):
        if content.get(name):
            return f"{label} {content[name]}"
    return ""


def check_rows(rows: list[dict[str, Any]], first_prev_hash: str) -> list[RowProblem]:
    """Every row whose place, link or content does not hold; the chain is recomputed row by row from the pack.
    A row whose content was altered breaks only its own hash: the next row still links to its stored hash."""
    problems: list[RowProblem] = []
    previous_seq: int | None = None
    previous_hash = first_prev_hash
    for row in rows:
        content = row.get("content")
        content = content if isinstance(content, dict) else {}  # altered into another JSON shape: fails below
        seq, stored = row.get("seq"), str(row.get("hash") or "")
        found = []
        if not isinstance(seq, int):
            found.append("la voce non ha una posizione nella catena (non sigillata)")
        elif previous_seq is not None and seq != previous_seq + 1:
            found.append(f"la posizione non segue la n. {previous_seq}: mancano voci o sono ripetute")
        if str(row.get("prev_hash") or "") != previous_hash:
            found.append("l'impronta precedente non è quella della voce che la precede")
        if not isinstance(seq, int) or chain_hash(str(row.get("prev_hash") or ""), seq, body_of(content)) != stored:
            found.append("il contenuto non corrisponde alla sua impronta: la voce è stata modificata")
        if found:
            problems.append(
                RowProblem(
                    seq if isinstance(seq, int) else None,
                    str(content.get("id") or "?"),
                    row_time(content),
                    _subject(content),
                    "; ".join(found),
                )
            )
        previous_seq = seq if isinstance(seq, int) else previous_seq
        previous_hash = stored
    return problems
