"""The performance chart's geometry: for each area and the body, one bar per level, labelled with its name and
its count, and drawn with a different pattern per level, so that nothing depends on colour."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reports import labels
from reports.sections import LevelCounts

LABEL_WIDTH = 150  # points: the level's name left of its bar
BAR_WIDTH = 300  # points: the longest bar
BAR_HEIGHT = 7
BAR_GAP = 2
GROUP_GAP = 8


@dataclass(frozen=True)
class Bar:
    y: float
    level: str  # plans.achievement.Level value, for the pattern
    label: str
    count: int
    width: float

    @property
    def text_y(self) -> float:
        return self.y + 6

    @property
    def count_x(self) -> float:
        return LABEL_WIDTH + self.width + 4


@dataclass(frozen=True)
class Group:
    y: float
    title: str
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Chart:
    groups: tuple[Group, ...]
    height: float
    label_width: int = LABEL_WIDTH
    bar_width: int = BAR_WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def width(self) -> int:
        return self.label_width + self.bar_width + 40


def counts_of(row: LevelCounts) -> tuple[int, ...]:
    return (row.reached, row.partial, row.missed, row.not_measurable)


def chart(rows: Sequence[LevelCounts]) -> Chart:
    top = max((count for row in rows for count in counts_of(row)), default=0) or 1
    groups, y = [], 0.0
    for row in rows:
        title_y = y + 9
        y += 12
        bars = []
        for level, count in zip(labels.LEVEL_ORDER, counts_of(row), strict=True):
            bars.append(
                Bar(y=y, level=level, label=str(labels.LEVELS[level]), count=count, width=BAR_WIDTH * count / top)
            )
            y += BAR_HEIGHT + BAR_GAP
        groups.append(Group(y=title_y, title=row.label, bars=tuple(bars)))
        y += GROUP_GAP
    return Chart(groups=tuple(groups), height=y)


def description(rows: Sequence[LevelCounts]) -> str:
    """The chart in words, for its alternative text."""
    parts = []
    for row in rows:
        counts = ", ".join(
            f"{labels.LEVELS[level]} {count}" for level, count in zip(labels.LEVEL_ORDER, counts_of(row), strict=True)
        )
        parts.append(f"{row.label}: {counts}")
    return str(labels.PERFORMANCE) + ". " + "; ".join(parts) + "."
