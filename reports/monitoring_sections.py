"""The intermediate monitoring report as plain, immutable data: what its renderers read, free of models."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ProgressNote:
    """The last monthly monitoring answer given by the moment."""

    progress: int  # %
    note: str
    declared_state: str
    answered_on: dt.date


@dataclass(frozen=True)
class ActivityAsOf:
    position: int
    description: str
    planned: str  # "Tempi", as written then
    planned_end: dt.date | None  # the deadline then (a postponement moves it)
    state: str
    actual_start: dt.date | None
    actual_end: dt.date | None
    progress: ProgressNote | None
    late: bool  # planned end passed and not concluded at the date
    postponement: str | None  # the reason of the last postponement by then, if any


@dataclass(frozen=True)
class IndicatorAsOf:
    position: int
    name: str
    unit: str
    expected: str  # valore atteso of the year, as written then
    actual: str  # the last value known then, as written
    measured_on: dt.date | None
    percent: Decimal | None
    light: str | None


@dataclass(frozen=True)
class ObjectiveAsOf:
    code: str
    number: int | None
    programme: str
    title: str
    state: str
    planned_end: dt.date | None
    actual_start: dt.date | None
    actual_end: dt.date | None
    late: bool
    postponement: str | None
    activities: tuple[ActivityAsOf, ...]
    indicators: tuple[IndicatorAsOf, ...]


@dataclass(frozen=True)
class AreaAsOf:
    code: str  # "" for the objectives without an area
    name: str
    objectives: tuple[ObjectiveAsOf, ...]


@dataclass(frozen=True)
class Monitoring:
    organization_slug: str
    organization_name: str
    plan_code: str
    plan_title: str
    date: dt.date  # the report's date, in Europe/Rome
    moment: dt.datetime  # the instant the report describes (the end of `date` when asked for a date)
    end_of_day: bool  # asked for a whole date rather than an instant
    areas: tuple[AreaAsOf, ...]
    # When the plan had no objective at the moment: the day its first objective was recorded in Traguardi (an
    # import after the moment, say), so that the report can tell why it is empty.
    first_recorded: dt.date | None = None
