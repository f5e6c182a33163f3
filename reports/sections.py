"""The Relazione as plain, immutable data: what every renderer reads, free of models and queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ActivityRow:
    position: int
    description: str
    planned: str  # "Tempi", as written
    actual: str  # "Consuntivo", as written
    planned_start: dt.date | None
    planned_end: dt.date | None
    actual_start: dt.date | None
    actual_end: dt.date | None
    state: str


@dataclass(frozen=True)
class IndicatorRow:
    position: int
    name: str
    description: str
    unit: str
    direction: str
    expected: str  # valore atteso of the year, as written
    actual: str  # latest valore consuntivo of the year, as written
    measured_on: dt.date | None
    percent: Decimal | None
    light: str | None


@dataclass(frozen=True)
class ReportText:
    date: dt.date
    text: str


@dataclass(frozen=True)
class ObjectiveSection:
    code: str
    number: int | None
    programme: str
    title: str
    state: str
    area_codes: tuple[str, ...]
    strategic_area: str
    operational_objective: str
    peg_project: str
    services: str
    end_users: str
    networks: str
    description: str
    activities: tuple[ActivityRow, ...]
    indicators: tuple[IndicatorRow, ...]
    reports: tuple[ReportText, ...]


@dataclass(frozen=True)
class AreaSection:
    code: str  # "" for the objectives without an area
    name: str
    objectives: tuple[ObjectiveSection, ...]


@dataclass(frozen=True)
class Relazione:
    organization_slug: str
    organization_name: str
    plan_code: str
    plan_title: str
    year: int
    areas: tuple[AreaSection, ...]
    objectives: tuple[ObjectiveSection, ...]  # each once, in report order
