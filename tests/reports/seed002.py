"""What seed 002 (Relazione sulla Performance 2021) says, read from its text: titles, activities, indicators."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from tests.parsing.seeds import PERFORMANCE_REPORT_2021, table_rows

ACTIVITY_COLUMNS = ("attività", "tempi", "consuntivo")
INDICATOR_COLUMNS = ("indicatore", "descrizione", "unità", "valore atteso", "valore consuntivo")
# "Obiettivo 3" at the start of a line or after "**" (the extraction glued some headings together).
_OBJECTIVE = re.compile(r"(?:^|\*\*)Obiettivo (\d+)(?:\*\*)?[ \t]*(.*)$", re.MULTILINE)
_AREA = re.compile(r"^CENTRO DI RESPONSABILITA' ?: (AREA [^*\n]+)", re.MULTILINE)
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Seed:
    titles: list[str]
    activities: list[tuple[str, str, str]]  # description, Tempi, Consuntivo
    indicators: list[tuple[str, str, str, str, str]]  # name, description, unit, atteso, consuntivo
    areas: list[str]  # responsibility centres, in order of first appearance


def read_seed() -> Seed:
    text = PERFORMANCE_REPORT_2021.read_text(encoding="utf-8")
    activities = table_rows(PERFORMANCE_REPORT_2021, ACTIVITY_COLUMNS)
    indicators = table_rows(PERFORMANCE_REPORT_2021, INDICATOR_COLUMNS)
    return Seed(
        titles=_titles(text),
        activities=[(row[0], row[1], row[2]) for row in activities],
        indicators=[(row[0], row[1], row[2], row[3], row[4]) for row in indicators],
        areas=list(dict.fromkeys(name.strip() for name in _AREA.findall(text))),
    )


def _titles(text: str) -> list[str]:
    """The title sits after the number on the same line, or on the next non-empty line."""
    titles = []
    for match in _OBJECTIVE.finditer(text):
        title = match.group(2).strip("\t *")
        if not title:
            following = text[match.end() :].lstrip("\n").split("\n", 1)[0]
            title = following.strip("\t *")
        titles.append(title)
    return titles


def squeeze(text: str) -> str:
    """Text for comparison: compatibility-normalised (ligatures, non-breaking spaces) and without whitespace.

    A PDF wraps long cells onto several lines, breaking after "/" or "-" without a space ("Atti/" +
    "documenti"); collapsing whitespace would then compare "Atti/ documenti" with "Atti/documenti".
    Dropping all whitespace joins the wrapped lines whatever the break."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


def missing_from(document_text: str, expected: Sequence[tuple[str, ...] | str]) -> list[str]:
    """The expected rows (each one contiguous, cells in order) that the document does not contain."""
    haystack = squeeze(document_text)
    missing = []
    for row in expected:
        cells = (row,) if isinstance(row, str) else row
        if squeeze("".join(cells)) not in haystack:
            missing.append(" | ".join(cells))
    return missing
