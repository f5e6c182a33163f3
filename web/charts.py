"""A bar chart drawn on the server as SVG: no JavaScript, and the same numbers are in a table beside it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import date_format

from web.dashboard import MonthCount

BAR = 14
GAP = 10
HEIGHT = 120


@dataclass(frozen=True)
class Bar:
    x: int
    label: str
    on_time: int
    late: int
    on_time_height: int
    late_height: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    baseline: int
    bars: list[Bar]
    months: list[MonthCount]


def bar_chart(months: list[MonthCount]) -> Chart:
    peak = max((max(month.on_time, month.late) for month in months), default=0) or 1
    bars = [
        Bar(
            x=GAP + index * (2 * BAR + GAP),
            label=date_format(month.month, "M y"),
            on_time=month.on_time,
            late=month.late,
            on_time_height=round(month.on_time / peak * HEIGHT),
            late_height=round(month.late / peak * HEIGHT),
        )
        for index, month in enumerate(months)
    ]
    width = GAP + len(bars) * (2 * BAR + GAP)
    return Chart(width=max(width, 200), height=HEIGHT + 40, baseline=HEIGHT + 10, bars=bars, months=months)
