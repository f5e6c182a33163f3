"""How far an indicator's actual value (consuntivo) reached its expected value (atteso).

Pure: reads the parsed fields of two values and touches no database. Percentages follow the direction:

- "increase" and "target": actual / target × 100;
- "decrease": target / actual × 100 (less is better).

Numbers, percentages and thresholds compare their `value`; ratios ("150/1600") compare numerator /
denominator, scaled to a percentage when the other side is a percentage ("15%" against "150/1600").
A yes/no actual scores 100 when it says what was expected ("si", or the expected yes/no) and 0 otherwise.
A date scores 100 when the actual date is on or before the expected one, 0 after. Text, empty and
unparsed values have no percentage. When the division is impossible (a zero divisor) the value scores 100
if the goal is met and 0 if not, rather than an infinite percentage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from plans.models.indicator import ParsedValue

# At or above this percentage an indicator that missed its target is "giallo" rather than "rosso".
YELLOW_THRESHOLD = Decimal(80)
GREEN_THRESHOLD = Decimal(100)
FULL = Decimal(100)
NONE_ACHIEVED = Decimal(0)
_ONE_DECIMAL = Decimal("0.1")

_NUMERIC_KINDS = frozenset({"number", "percent", "threshold"})
_UNMEASURABLE_KINDS = frozenset({"empty", "text"})
_RATIO = "ratio"
_PERCENT = "percent"
_BOOLEAN = "boolean"
_DATE = "date"


class Light(StrEnum):
    """The traffic light shown next to an indicator."""

    GREEN = "verde"
    YELLOW = "giallo"
    RED = "rosso"


@dataclass(frozen=True)
class Achievement:
    percent: Decimal | None
    light: str | None  # a Light value, or None when there is no percentage


NOT_MEASURABLE = Achievement(percent=None, light=None)


def achievement(target: ParsedValue | None, actual: ParsedValue | None, direction: str) -> Achievement:
    """The percentage reached (one decimal) and its traffic light; NOT_MEASURABLE when it cannot be computed."""
    if target is None or actual is None or _unusable(target) or _unusable(actual):
        return NOT_MEASURABLE
    percent = _percent(target, actual, direction)
    if percent is None:
        return NOT_MEASURABLE
    light = light_for(percent)  # on the exact figure: 1999 of 2000 is not reached, however it rounds
    shown = percent.quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)
    if light_for(shown) != light:
        # Rounding up across a threshold would print "100,0%" beside "giallo": show the figure rounded down.
        shown = percent.quantize(_ONE_DECIMAL, rounding=ROUND_DOWN)
    return Achievement(percent=shown, light=light)


def light_for(percent: Decimal) -> Light:
    if percent >= GREEN_THRESHOLD:
        return Light.GREEN
    if percent >= YELLOW_THRESHOLD:
        return Light.YELLOW
    return Light.RED


def _unusable(value: ParsedValue) -> bool:
    return not value.parsed or value.kind in _UNMEASURABLE_KINDS


def _percent(target: ParsedValue, actual: ParsedValue, direction: str) -> Decimal | None:
    if actual.kind == _BOOLEAN and actual.boolean is not None:
        wanted = target.boolean if target.kind == _BOOLEAN and target.boolean is not None else True
        return FULL if actual.boolean == wanted else NONE_ACHIEVED
    if target.kind == _DATE or actual.kind == _DATE:
        if target.date_value is None or actual.date_value is None:
            return None
        return FULL if actual.date_value <= target.date_value else NONE_ACHIEVED
    expected, reached = _number(target, scale=actual.kind == _PERCENT), _number(actual, scale=target.kind == _PERCENT)
    if expected is None or reached is None:
        return None
    if direction == "decrease":
        return _ratio(expected, reached, met=reached <= expected)
    return _ratio(reached, expected, met=reached >= expected)


def _number(value: ParsedValue, *, scale: bool) -> Decimal | None:
    """The comparable number of a value; a ratio becomes a percentage when `scale` (the other side is one)."""
    if value.kind in _NUMERIC_KINDS:
        return value.value
    if value.kind == _RATIO and value.numerator is not None and value.denominator:
        ratio = value.numerator / value.denominator
        return ratio * FULL if scale else ratio
    return None


def _ratio(numerator: Decimal, denominator: Decimal, *, met: bool) -> Decimal:
    if denominator == 0:
        return FULL if met else NONE_ACHIEVED
    return numerator / denominator * FULL


class Level(StrEnum):
    """How far an indicator or an objective reached its goal, in words: what the Relazione counts and charts."""

    REACHED = "raggiunto"
    PARTIAL = "parzialmente"
    MISSED = "non_raggiunto"
    NOT_MEASURABLE = "non_misurabile"


def level_for(percent: Decimal | None) -> Level:
    """The level of a percentage, on the same thresholds as the traffic light."""
    if percent is None:
        return Level.NOT_MEASURABLE
    return {Light.GREEN: Level.REACHED, Light.YELLOW: Level.PARTIAL, Light.RED: Level.MISSED}[light_for(percent)]


def objective_level(indicator_percents: Sequence[Decimal | None], activities_concluded: Sequence[bool]) -> Level:
    """An objective's level until the measurement system (SMVP) says otherwise: the mean of its measurable
    indicators, each counted at most 100%; with no measurable indicator, the share of its activities concluded;
    with neither, not measurable. Indicators without a percentage do not count as zero: they are not measured."""
    measured = [min(percent, FULL) for percent in indicator_percents if percent is not None]
    if measured:
        return level_for(sum(measured, NONE_ACHIEVED) / len(measured))
    if activities_concluded:
        return level_for(Decimal(sum(activities_concluded)) / len(activities_concluded) * FULL)
    return Level.NOT_MEASURABLE
