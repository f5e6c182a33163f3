"""A bar chart drawn on the server as SVG: no JavaScript, and the same numbers are in a table beside it.

The SVG is written here rather than in the template: a chart has a few hundred coordinates, and the
template engine would localize each of them as a number (slow, and a thousands separator in a coordinate
would break the drawing). Month names are formatted once per month and language, not once per bar.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from web.dashboard import MonthCount

BAR = 14
GAP = 10
HEIGHT = 120


@dataclass(frozen=True)
class Bar:
    x: int
    label: str  # "mag 26", under the bars
    month: str  # "Maggio 2026", in the table of the numbers
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

    @property
    def svg(self) -> SafeString:
        """The chart as an SVG element, hidden from assistive technology: the table beside it says the same."""
        base = self.baseline
        shapes = "\n".join(
            f'<rect class="tg-ontime" x="{bar.x}" y="{base - bar.on_time_height}" width="{BAR}"'
            f' height="{bar.on_time_height}"></rect>'
            f'<rect class="tg-late" x="{bar.x + BAR}" y="{base - bar.late_height}" width="{BAR}"'
            f' height="{bar.late_height}"></rect>'
            f'<text x="{bar.x}" y="{base + 14}">{escape(bar.label)}</text>'
            for bar in self.bars
        )
        return mark_safe(  # integers, and the labels escaped above
            f'<svg class="tg-chart" width="{self.width}" height="{self.height}"'
            f' viewBox="0 0 {self.width} {self.height}" aria-hidden="true" focusable="false">\n{shapes}\n</svg>'
        )


@lru_cache(maxsize=512)
def _month_names(month: dt.date, language: str | None) -> tuple[str, str]:
    """The short ("mag 26") and the long ("Maggio 2026") name of a month in the active language."""
    return date_format(month, "M y"), date_format(month, "F Y")


def bar_chart(months: list[MonthCount]) -> Chart:
    peak = max((max(month.on_time, month.late) for month in months), default=0) or 1
    language = get_language()
    bars = []
    for index, month in enumerate(months):
        short, long = _month_names(month.month, language)
        bars.append(
            Bar(
                x=GAP + index * (2 * BAR + GAP),
                label=short,
                month=long,
                on_time=month.on_time,
                late=month.late,
                on_time_height=round(month.on_time / peak * HEIGHT),
                late_height=round(month.late / peak * HEIGHT),
            )
        )
    width = GAP + len(bars) * (2 * BAR + GAP)
    return Chart(width=max(width, 200), height=HEIGHT + 40, baseline=HEIGHT + 10, bars=bars)
