"""The values an import keeps as written without understanding them, each with its place in the file.

An activity's Tempi or Consuntivo that the time grammar does not read is kept as text, with no dates: the
activity then has no deadline, sends no reminder and gives nothing to its objective's dates. A target, a value or
a baseline that the value grammar does not read is kept as text with no number: it is not measurable, and the
scores leave it out. Both are kept on purpose (nothing an office wrote is thrown away), but never in silence: the
import lists them (`import_plan`, `--dry-run` too), counts them in its summary, and with `--strict` refuses the
file while any is left.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from plans.importing.errors import DocPath, Locator, Problem
from plans.parsing import TimeSpec, ValueSpec, parse_time, parse_value

TIME_KEPT = "conservato com'è scritto, senza date: nessuna scadenza, nessun promemoria"
VALUE_KEPT = "conservato com'è scritto, senza un numero: non misurabile"
TIME_HOW = (
    "Riscrivi il testo in una forma riconosciuta (ad esempio «Marzo 2026», «31/03/2026», «Aprile-Giugno», «entro"
    " settembre»), o importa senza --strict per conservarlo com'è."
)
VALUE_HOW = (
    "Riscrivi il testo in una forma riconosciuta (ad esempio «75%», «>= 4», «120», «sì», «31/12/2026»), o importa senza"
    " --strict per conservarlo com'è."
)


@dataclass(frozen=True)
class Unread:
    """A value kept as written without a meaning: where it is, what it is, as written, and how it was kept."""

    where: str
    what: str
    raw: str
    kept: str
    how: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}, testo non interpretato «{self.raw}», {self.kept}"

    def problem(self) -> Problem:
        return Problem(self.where, f"{self.what}, testo non interpretato «{self.raw}»", self.how)


def unread_values(
    document: dict[str, Any],
    locate: Locator,
    read_time: Callable[[str, int], TimeSpec] | None = None,
    read_value: Callable[[str], ValueSpec] | None = None,
) -> list[Unread]:
    """Every activity time and every indicator value of the (validated) document that the parsers do not
    understand, in the file's order. Each distinct text is parsed once (or by the callers' own caches)."""
    read_time = read_time or cache(lambda raw, year: parse_time(raw, year=year))
    read_value = read_value or cache(parse_value)
    year = document["plan"]["year_start"]
    found: list[Unread] = []
    for index, objective in enumerate(document.get("objectives", [])):
        base: DocPath = ("objectives", index)
        for position, activity in enumerate(objective.get("activities", [])):
            for key, what in (("planned", "tempi dell'attività"), ("actual", "consuntivo dell'attività")):
                raw = str(activity.get(key, ""))
                if raw.strip() and not read_time(raw, year).parsed:
                    path = (*base, "activities", position, key)
                    found.append(Unread(locate(path), what, raw, TIME_KEPT, TIME_HOW))
        for position, indicator in enumerate(objective.get("indicators", [])):
            for path, what, raw in _values(indicator, (*base, "indicators", position)):
                if raw.strip() and not read_value(raw).parsed:
                    found.append(Unread(locate(path), what, raw, VALUE_KEPT, VALUE_HOW))
    return found


def _values(indicator: dict[str, Any], base: DocPath) -> Iterator[tuple[DocPath, str, str]]:
    if "baseline" in indicator:
        yield (*base, "baseline", "value"), "baseline dell'indicatore", str(indicator["baseline"]["value"])
    for key, what in (
        ("history", "valore storico"),
        ("targets", "valore atteso"),
        ("measurements", "valore consuntivo"),
    ):
        for index, item in enumerate(indicator.get(key, [])):
            yield (*base, key, index, "value"), f"{what} {item['year']}", str(item["value"])
