"""A bar chart drawn on the server as SVG: no JavaScript, and the same numbers are in a table beside it.

This module computes the coordinates; the template draws them (web/dashboard_punctuality_results.html, its
partial "chart", with localization off: a thousands separator in a coordinate would break the drawing).
Month names are formatted once per month and language, not once per bar.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from django.utils.formats import date_format
from django.utils.translation import get_language

from web.dashboard import MonthCount

BAR = 14  # the width of a bar
GAP = 10
HEIGHT = 120  # the tallest bar
AXIS = 34  # left of the y axis: room for its labels
TOP = 16  # above the tallest bar: room for its value


@dataclass(frozen=True)
class Bar:
    x: int
    label: str  # "Mag 26", under the bars
    month: str  # "Maggio 2026", in the table of the numbers
    on_time: int
    late: int
    on_time_height: int
    late_height: int
    baseline: int  # the y of the bars' foot

    # The coordinates the template draws (web/dashboard_punctuality_results.html, partial "chart").
    @property
    def late_x(self) -> int:
        return self.x + BAR

    @property
    def on_time_y(self) -> int:
        return self.baseline - self.on_time_height

    @property
    def late_y(self) -> int:
        return self.baseline - self.late_height

    @property
    def label_y(self) -> int:
        return self.baseline + 14

    @property
    def on_time_value_x(self) -> int:
        return self.x + BAR // 2

    @property
    def late_value_x(self) -> int:
        return self.late_x + BAR // 2

    @property
    def on_time_value_y(self) -> int:
        return self.on_time_y - 3

    @property
    def late_value_y(self) -> int:
        return self.late_y - 3


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    baseline: int
    bars: list[Bar]
    bar_width: int = BAR
    peak: int = 0  # the y axis's top value
    axis_x: int = AXIS
    top: int = TOP


@lru_cache(maxsize=512)
def _month_names(month: dt.date, language: str | None) -> tuple[str, str]:
    """The short ("Mag 26") and the long ("Maggio 2026", first in a table's row) name of a month in the active
    language."""
    return date_format(month, "M y"), date_format(month, "F Y")


def every_month(months: list[MonthCount]) -> list[MonthCount]:
    """The months from the first to the last, those without a deadline counted as zero: a gap in the axis would
    read as a month that does not exist."""
    if not months:
        return []
    counted = {month.month: month for month in months}
    first, last = min(counted), max(counted)
    filled, month = [], first
    while month <= last:
        filled.append(counted.get(month, MonthCount(month, on_time=0, late=0)))
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return filled


def bar_chart(months: list[MonthCount]) -> Chart:
    months = every_month(months)
    peak = max((max(month.on_time, month.late) for month in months), default=0) or 1
    language = get_language()
    baseline = TOP + HEIGHT
    bars = []
    for index, month in enumerate(months):
        short, long = _month_names(month.month, language)
        bars.append(
            Bar(
                x=AXIS + GAP + index * (2 * BAR + GAP),
                label=short,
                month=long,
                on_time=month.on_time,
                late=month.late,
                on_time_height=round(month.on_time / peak * HEIGHT),
                late_height=round(month.late / peak * HEIGHT),
                baseline=baseline,
            )
        )
    width = AXIS + GAP + len(bars) * (2 * BAR + GAP)
    return Chart(width=max(width, 200), height=baseline + 24, baseline=baseline, bars=bars, peak=peak)
