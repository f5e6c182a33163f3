"""The result type of :func:`plans.parsing.parse_time`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = ["TimeHint", "TimeKind", "TimeSpec"]


class TimeKind(StrEnum):
    """What shape a planned or actual time has."""

    EMPTY = "empty"  # nothing written, or only a hint ("No", "avviato")
    MONTH = "month"  # "Maggio", "Marzo 2022": by the end of that month
    RANGE = "range"  # "Maggio-Settembre"
    CHECKPOINTS = "checkpoints"  # "Giugno/Ottobre": one deadline per month
    YEAR = "year"  # "2022"
    ANNUAL = "annual"  # "Annuale": the whole plan year
    DATE = "date"  # "31/12/2019"
    TEXT = "text"  # free text, not understood (parsed=False)


class TimeHint(StrEnum):
    """State information written next to (or instead of) the time."""

    NONE = ""
    NOT_DONE = "not_done"  # "No"
    STARTED = "started"  # "avviato Luglio": started, not finished
    OPEN = "open"  # "da marzo 2026", "dal 2026 in poi", "Marzo -": from then on, no end written


@dataclass(frozen=True, slots=True)
class TimeSpec:
    """A parsed time. ``raw`` is always the input, untouched.

    ``start``/``end`` are the first and last day covered (a month means "by the end of that
    month"); ``end`` is ``None`` when the work only started. ``parsed=False`` means the text
    could not be understood and must be shown as is and flagged for review.
    """

    raw: str
    kind: TimeKind
    start: date | None = None
    end: date | None = None
    checkpoints: tuple[date, ...] = ()
    hint: TimeHint = TimeHint.NONE
    remark: str = ""
    parsed: bool = True

    def spills_over(self, year: int) -> bool:
        """True when the time reaches past ``year`` (the plan's year).

        Uses ``end``, or ``start`` when there is no end (started work whose start is already
        in a later year is past the plan year too).
        """
        last = self.end if self.end is not None else self.start
        return last is not None and last.year > year
