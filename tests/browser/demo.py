"""What the demo should show, read from the demo plan of seed 002 itself rather than guessed."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from plans.parsing.months import MONTH_NAMES
from tests.browser.server import DEMO_REFERENCE_DATE, REPO

RELAZIONE_2021 = REPO / "plans" / "demo" / "relazione-2021.yaml"
MONTHS = {name: number for number, name in enumerate(MONTH_NAMES, start=1)}
# Only the plainest Tempi/Consuntivo, "Dicembre" or "Febbraio 2022": their meaning is beyond doubt.
PLAIN_MONTH = re.compile(r"^\s*(?P<month>[A-Za-z]+)(?:\s+(?P<year>\d{4}))?\s*$")


@dataclass(frozen=True)
class DemoActivity:
    objective_code: str
    areas: tuple[str, ...]
    description: str
    planned_raw: str
    actual_raw: str
    planned_end: dt.date
    actual_end: dt.date

    @property
    def concluded_at_reference(self) -> bool:
        """The demo loads each activity in the state its Consuntivo shows at the reference date."""
        return self.actual_end <= reference_date()

    @property
    def days_late(self) -> int:
        """As the dashboard counts once the Consuntivo is known: its end against the end of the Tempi."""
        return max((self.actual_end - self.planned_end).days, 0)

    def link_name(self) -> re.Pattern[str]:
        """The dashboard truncates long titles: match on their beginning."""
        return re.compile("^" + re.escape(self.description[:60]))


def reference_date() -> dt.date:
    return dt.date.fromisoformat(DEMO_REFERENCE_DATE)


def month_end(raw: str, default_year: int) -> dt.date | None:
    match = PLAIN_MONTH.match(raw)
    if not match or match["month"].lower() not in MONTHS:
        return None
    year = int(match["year"] or default_year)
    month = MONTHS[match["month"].lower()]
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@cache
def relazione_2021() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(RELAZIONE_2021.read_text(encoding="utf-8"))
    return document


def area_names() -> dict[str, str]:
    return {area["code"]: area["name"] for area in relazione_2021()["areas"]}


def plain_activities() -> list[DemoActivity]:
    """The activities of RP-2021 whose Tempi and Consuntivo are both a plain month."""
    document = relazione_2021()
    year = int(document["plan"]["year_start"])
    found = []
    for objective in document["objectives"]:
        for activity in objective.get("activities", []):
            planned_raw, actual_raw = str(activity.get("planned", "")), str(activity.get("actual", ""))
            planned, actual = month_end(planned_raw, year), month_end(actual_raw, year)
            if planned and actual:
                description = " ".join(str(activity["description"]).split())
                areas = tuple(objective.get("areas", []))
                found.append(
                    DemoActivity(objective["code"], areas, description, planned_raw, actual_raw, planned, actual)
                )
    return found


def activity(objective_code: str, description_start: str) -> DemoActivity:
    matches = [
        item
        for item in plain_activities()
        if item.objective_code == objective_code and item.description.startswith(description_start)
    ]
    assert len(matches) == 1, f"{objective_code} «{description_start}…»: {len(matches)} activities in the demo plan"
    return matches[0]


def objective_areas(objective_code: str) -> tuple[str, ...]:
    for objective in relazione_2021()["objectives"]:
        if objective["code"] == objective_code:
            return tuple(objective.get("areas", []))
    raise LookupError(objective_code)
