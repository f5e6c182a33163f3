"""How far an indicator's actual value (consuntivo) reached its expected value (atteso), for pages and documents.

A presentation of plans.scoring, the one scoring engine (its docstring says how each kind of target and
operator is scored): the percentage to show, rounded to one decimal, its traffic light and level, the score
used for rollups and the explanation. The light and the level are taken on the exact score, never on the
rounded figure: 1999 of 2000 is not reached, however it rounds.

The percentage shown is not capped (428.6% tells that the target was set low), except that a missed target
never shows 100% or more; the score (`Achievement.score`) is capped by the rule, and it is what levels and
rollups (`objective_level`) use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from plans.scoring import DEFAULT_RULE, FULL, Level, Light, ScoringRule, quantized, score, weighted_mean

if TYPE_CHECKING:
    from plans.baselines import BaselineValue, References
    from plans.scoring import ScoredValue

__all__ = [
    "DEFAULT_RULE",
    "GREEN_THRESHOLD",
    "NOT_MEASURABLE",
    "YELLOW_THRESHOLD",
    "Achievement",
    "Level",
    "Light",
    "ScoringRule",
    "achievement",
    "level_for",
    "light_for",
    "objective_level",
]

# The default bands: at or above 100 "verde", at or above 80 "giallo" (the measurement system may change them).
YELLOW_THRESHOLD = DEFAULT_RULE.partial
GREEN_THRESHOLD = DEFAULT_RULE.reached
NONE_ACHIEVED = Decimal(0)
_ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Achievement:
    percent: Decimal | None  # shown, one decimal
    light: str | None  # a Light value, or None when there is no percentage
    score: Decimal | None = None  # exact, within the rule's cap: for levels and rollups
    level: str = Level.NOT_MEASURABLE.value
    met: bool | None = None
    explanation: str = ""  # in Italian: which values, which rule


NOT_MEASURABLE = Achievement(percent=None, light=None)


def achievement(
    target: ScoredValue | None,
    actual: ScoredValue | None,
    direction: str,
    rule: ScoringRule = DEFAULT_RULE,
    baseline: BaselineValue | References | None = None,
) -> Achievement:
    """The percentage reached (one decimal), its light and level, the score and why; no percentage (and the
    reason in `explanation`) when it cannot be computed. `baseline` resolves a target relative to it."""
    result = score(target, actual, direction, rule, baseline)
    if result.percent is None or result.score is None:
        return Achievement(percent=None, light=None, explanation=result.explanation)
    light = rule.light(result.score)
    shown = quantized(result.percent, _ONE_DECIMAL, ROUND_HALF_UP)
    if rule.light(shown) != rule.light(result.percent):
        # Rounding up across a threshold would print "100,0%" beside "giallo": show the figure rounded down.
        shown = quantized(result.percent, _ONE_DECIMAL, ROUND_DOWN)
    return Achievement(
        percent=shown,
        light=light,
        score=result.score,
        level=rule.level(result.score).value,
        met=result.met,
        explanation=result.explanation,
    )


def light_for(percent: Decimal, rule: ScoringRule = DEFAULT_RULE) -> Light:
    return rule.light(percent)


def level_for(percent: Decimal | None, rule: ScoringRule = DEFAULT_RULE) -> Level:
    """The level of a percentage, on the same bands as the traffic light."""
    return rule.level(percent)


def objective_level(
    indicator_scores: Sequence[Decimal | None],
    activities_concluded: Sequence[bool],
    weights: Sequence[Decimal] | None = None,
    rule: ScoringRule = DEFAULT_RULE,
) -> Level:
    """An objective's level: the mean of its measurable indicators' scores (weighted when `weights` are given,
    one per indicator), each kept within the rule's cap; with no measurable indicator, the share of its
    activities concluded; with neither, not measurable. Indicators without a score do not count as zero: they
    are not measured."""
    weights = weights if weights is not None else [Decimal(1)] * len(indicator_scores)
    measured = [
        (min(max(value, NONE_ACHIEVED), rule.cap), weight)
        for value, weight in zip(indicator_scores, weights, strict=True)
        if value is not None
    ]
    mean = weighted_mean(measured)
    if mean is not None:
        return rule.level(mean)
    if activities_concluded:
        return rule.level(Decimal(sum(activities_concluded)) / len(activities_concluded) * FULL)
    return Level.NOT_MEASURABLE
