"""The one scoring engine: a target, a value and a rule become a score with its explanation.

Pure: reads the parsed fields of two values (plans.models.indicator.ParsedValue or anything shaped like it)
and touches no database. plans.achievement presents the result (rounded percentage, light, level); every
page, document and rollup goes through it.

How a value is compared with its target:

- the operator written in the target decides what "met" means and, where it implies one, the direction:
  ">" and ">=" (and "=>4", "almeno 4") mean more is better, "<" and "<=" less is better, "=" exactly that
  value; without an operator the indicator's direction decides: "decrease" reads as "<=", "increase" and
  "target" (reach a value) as ">=", as the application always did;
- the proportion follows the direction: value / target × 100 when more is better, target / value × 100 when
  less is better, 100 − the deviation in percent of the target for "=". Numbers, percentages and thresholds
  compare their value, ratios ("150/1600") numerator / denominator, scaled to a percentage when the other side
  is one ("15%", "> 95%"). Where no proportion means anything (a zero divisor, a negative value) a met target
  scores as well as it can (shown as 100%) and a missed one 0, rather than an infinite or inverted figure;
- a yes/no value scores 100 when it says what was expected (or "sì" against a number) and 0 otherwise; a date
  scores 100 when on or before the deadline (or as the target's operator says) and 0 otherwise;
- a target relative to a baseline ("Aumento del 30% rispetto alla baseline", "Riduzione del 10% rispetto al
  2023", "mantenimento della baseline") is made absolute first (plans.baselines: baseline × (1 + change / 100),
  an increase "≥", a decrease "≤", "mantenimento" the indicator's direction, "pari alla baseline" "=") and
  scored as that threshold; the explanation starts with the baseline and what it gave ("baseline 200 (2023),
  +30% → atteso ≥ 260"). Without a usable baseline the target is not measurable, and the explanation says why;
- an empty, textual or unparsed value has no score, and the explanation says which and why.

The rule (ScoringRule) turns the proportion into the score used for levels and rollups: a met target scores
at least 100 and at most the cap; a missed one keeps its proportion but never reaches 100 (at most
`unmet_ceiling`, so "> 95%" against 95% is not reached), and scores 0 below the floor.
"""

from __future__ import annotations

import datetime as dt
import operator as op
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, getcontext, localcontext
from enum import StrEnum
from typing import Any, Protocol

from django.utils.translation import gettext as _

from plans.baselines import RELATIVE, BaselineValue, References, reference_for, resolve

FULL = Decimal(100)
ZERO = Decimal(0)

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    ">": op.gt,
    ">=": op.ge,
    "<": op.lt,
    "<=": op.le,
    "=": op.eq,
}
_SYMBOL = {">": ">", ">=": "≥", "<": "<", "<=": "≤", "=": "="}
_MORE_IS_BETTER = frozenset({">", ">="})
_LESS_IS_BETTER = frozenset({"<", "<="})
_NUMERIC_KINDS = frozenset({"number", "percent", "threshold"})


class ScoredValue(Protocol):
    """The parsed fields the engine reads (plans.models.indicator.ParsedValue has them)."""

    raw: str
    kind: str
    operator: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    date_value: dt.date | None
    boolean: bool | None
    parsed: bool


class Light(StrEnum):
    """The traffic light shown next to an indicator."""

    GREEN = "verde"
    YELLOW = "giallo"
    RED = "rosso"


class Level(StrEnum):
    """How far an indicator or an objective reached its goal, in words: what the Relazione counts and charts."""

    REACHED = "raggiunto"
    PARTIAL = "parzialmente"
    MISSED = "non_raggiunto"
    NOT_MEASURABLE = "non_misurabile"


_LEVEL_OF_LIGHT = {Light.GREEN: Level.REACHED, Light.YELLOW: Level.PARTIAL, Light.RED: Level.MISSED}


@dataclass(frozen=True)
class ScoringRule:
    """The part of the measurement system (SMVP) that scores one indicator.

    `reached` and `partial` are the bands (at or above: green "raggiunto", yellow "parzialmente raggiunto");
    `cap` is the most a met target scores (100, or 120 where overachievement counts); a proportion below
    `floor` scores 0; `unmet_ceiling` is the most a missed target scores, below 100 so that a missed target is
    never "raggiunto" under the default bands; without `linear` partial credit a missed target scores 0.
    """

    reached: Decimal = Decimal(100)
    partial: Decimal = Decimal(80)
    cap: Decimal = Decimal(100)
    floor: Decimal = Decimal(0)
    unmet_ceiling: Decimal = Decimal("99.9")
    linear: bool = True  # a missed target keeps its proportion (partial credit); False: it scores 0

    def __post_init__(self) -> None:
        if not ZERO <= self.floor <= self.partial <= self.reached <= self.cap:
            raise ValueError("A scoring rule needs 0 ≤ floor ≤ partial ≤ reached ≤ cap.")
        if not ZERO <= self.unmet_ceiling < FULL or self.cap < FULL:
            raise ValueError("A scoring rule needs a cap of at least 100 and an unmet ceiling below 100.")

    def light(self, score: Decimal) -> Light:
        if score >= self.reached:
            return Light.GREEN
        if score >= self.partial:
            return Light.YELLOW
        return Light.RED

    def level(self, score: Decimal | None) -> Level:
        return Level.NOT_MEASURABLE if score is None else _LEVEL_OF_LIGHT[self.light(score)]

    def limit(self, proportion: Decimal, *, met: bool) -> Decimal:
        """The score of a proportion: a met target within [100, cap], a missed one within [0, unmet_ceiling]."""
        if met:
            return min(max(proportion, FULL), self.cap)
        if not self.linear or proportion < self.floor:
            return ZERO
        return max(min(proportion, self.unmet_ceiling), ZERO)


DEFAULT_RULE = ScoringRule()


@dataclass(frozen=True)
class Score:
    """`percent` is the exact proportion to show (a missed target's at most the unmet ceiling, a met one's
    uncapped: 428.6% says the target was set low); `score` the exact figure for levels and rollups; both None
    when the value cannot be scored, and `explanation` then says why."""

    percent: Decimal | None
    score: Decimal | None
    met: bool | None
    explanation: str


def score(
    target: ScoredValue | None,
    actual: ScoredValue | None,
    direction: str,
    rule: ScoringRule = DEFAULT_RULE,
    baseline: BaselineValue | References | None = None,
) -> Score:
    """Score `actual` against `target` for an indicator of `direction` ("increase", "decrease", "target");
    `baseline` (an IndicatorBaseline, or the References of its baseline and historical values) resolves a target
    relative to it and is otherwise not read."""
    problem = _unscorable(target, actual)
    if problem:
        return Score(percent=None, score=None, met=None, explanation=problem)
    assert target is not None and actual is not None  # _unscorable said so
    if target.kind == RELATIVE:
        return _relative(target, actual, direction, rule, baseline)
    if actual.kind == "boolean" and actual.boolean is not None:
        return _yes_no(target, actual, rule)
    if target.kind == "date" or actual.kind == "date":
        return _date(target, actual, rule)
    return _numbers(target, actual, direction, rule)


def weighted_mean(parts: Sequence[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Σ weight × score / Σ weight over (score, weight) pairs; None when nothing weighs."""
    total = sum((weight for _score, weight in parts), ZERO)
    if total <= 0:
        return None
    return sum((value * weight for value, weight in parts), ZERO) / total


def _unscorable(target: ScoredValue | None, actual: ScoredValue | None) -> str:
    """Why the pair cannot be scored, or "" when it can (most indicators: nothing is translated for them)."""
    for value, expected in ((target, True), (actual, False)):
        if value is None:
            what = _("nessun valore atteso") if expected else _("nessun valore consuntivo")
        elif value.kind == "empty":
            what = _("valore atteso vuoto") if expected else _("valore consuntivo vuoto")
        elif not value.parsed or value.kind == "text":
            what = _("valore atteso non interpretato") if expected else _("valore consuntivo non interpretato")
            return _("%(what)s («%(raw)s»): non misurabile") % {"what": what, "raw": value.raw.strip()}
        else:
            continue
        return _("%(what)s: non misurabile") % {"what": what}
    return ""


def _not_comparable(target: ScoredValue, actual: ScoredValue) -> Score:
    text = _("valore %(actual)s e atteso %(target)s non confrontabili: non misurabile")
    return Score(None, None, None, text % {"actual": actual.raw.strip(), "target": target.raw.strip()})


def _yes_no(target: ScoredValue, actual: ScoredValue, rule: ScoringRule) -> Score:
    wanted = target.boolean if target.kind == "boolean" and target.boolean is not None else True
    met = actual.boolean == wanted
    proportion = FULL if met else ZERO
    text = _("valore %(actual)s, atteso %(target)s: %(outcome)s") % {
        "actual": _yes_no_text(bool(actual.boolean)),
        "target": _yes_no_text(wanted) if target.kind == "boolean" else target.raw.strip(),
        "outcome": _outcome(met),
    }
    return Score(proportion, rule.limit(proportion, met=met), met, text)


def _date(target: ScoredValue, actual: ScoredValue, rule: ScoringRule) -> Score:
    if target.date_value is None or actual.date_value is None:
        return _not_comparable(target, actual)
    operator = target.operator or "<="  # a date is a deadline: on or before it
    met = _COMPARE[operator](actual.date_value, target.date_value)
    proportion = FULL if met else ZERO
    text = _("data %(actual)s, attesa %(op)s %(target)s: %(outcome)s") % {
        "actual": f"{actual.date_value:%d/%m/%Y}",
        "op": _SYMBOL[operator],
        "target": f"{target.date_value:%d/%m/%Y}",
        "outcome": _outcome(met),
    }
    return Score(proportion, rule.limit(proportion, met=met), met, text)


def _numbers(
    target: ScoredValue, actual: ScoredValue, direction: str, rule: ScoringRule, *, operator: str = ""
) -> Score:
    """`operator`, when given, is the target's instead of the one it writes or the direction implies."""
    expected = _number(target, scale=_is_percent(actual))
    reached = _number(actual, scale=_is_percent(target))
    if expected is None or reached is None:
        return _not_comparable(target, actual)
    forced = bool(operator)
    operator = operator or _operator(target, direction)
    met = _COMPARE[operator](reached, expected)
    sign = "%" if _is_percent(target) or _is_percent(actual) else ""
    parts = [
        _("valore %(actual)s %(op)s %(target)s atteso: %(outcome)s")
        % {
            "actual": _decimal_text(reached) + sign,
            "op": _SYMBOL[operator] if met else _("non %(op)s") % {"op": _SYMBOL[operator]},
            "target": _decimal_text(expected) + sign,
            "outcome": _outcome(met),
        }
    ]
    if target.kind == "threshold" and _overrides(operator, direction):
        parts.append(_("il verso è quello dell'operatore della soglia"))
    elif forced and operator != "=" and _overrides(operator, direction):
        parts.append(_("il verso è quello della variazione rispetto alla baseline"))
    proportion, formula = _proportion(reached, expected, operator)
    if proportion is None:
        # No proportion means anything here: met, the value is as good as it gets (the cap, shown as
        # 100%, as the application always showed it); missed, it scores nothing.
        shown, result = (FULL, rule.cap) if met else (ZERO, ZERO)
        unusable = _("%(formula)s: non calcolabile (zero o valore negativo), punteggio %(score)s")
        parts.append(unusable % {"formula": formula, "score": _percent_text(result)})
        return Score(shown, result, met, "; ".join(parts))
    result = rule.limit(proportion, met=met)
    parts.append(f"{formula} = {_percent_text(proportion)}")
    parts.extend(_limits(proportion, result, met=met, rule=rule))
    shown = proportion if met else min(proportion, rule.unmet_ceiling)
    return Score(shown, result, met, "; ".join(parts))


def _relative(
    target: ScoredValue,
    actual: ScoredValue,
    direction: str,
    rule: ScoringRule,
    references: BaselineValue | References | None,
) -> Score:
    """A target relative to the baseline (plans.baselines), made absolute and scored as a threshold."""
    baseline, historical = reference_for(target, references)
    expected = resolve(target, baseline, historical=historical)
    if isinstance(expected, str):
        return Score(None, None, None, expected)
    assert baseline is not None  # resolved
    operator = target.operator or _implied(direction)
    result = _numbers(expected, actual, direction, rule, operator=operator)
    shown = _number(expected, scale=_is_percent(actual))
    resolved = _("%(baseline)s, %(change)s → atteso %(op)s %(expected)s") % {
        "baseline": _baseline_text(baseline, historical=historical),
        "change": _change_text(target),
        "op": _SYMBOL[operator],
        "expected": ("?" if shown is None else _decimal_text(shown))
        + ("%" if _is_percent(expected) or _is_percent(actual) else ""),
    }
    return Score(result.percent, result.score, result.met, f"{resolved}; {result.explanation}")


def _baseline_text(baseline: BaselineValue, *, historical: bool = False) -> str:
    year = baseline.year
    when = str(year) if year is not None else _("anno non indicato")
    if historical:
        return _("valore storico %(value)s (%(year)s)") % {"value": baseline.raw.strip(), "year": when}
    return _("baseline %(value)s (%(year)s)") % {"value": baseline.raw.strip(), "year": when}


def _change_text(target: ScoredValue) -> str:
    if target.operator == "=":
        return _("pari alla baseline")
    if not target.operator or target.value is None:
        return _("mantenimento")
    return ("+" if target.value >= 0 else "") + _decimal_text(target.value) + "%"


def _operator(target: ScoredValue, direction: str) -> str:
    if target.kind == "threshold" and target.operator in _COMPARE:
        return target.operator
    return _implied(direction)


def _overrides(operator: str, direction: str) -> bool:
    """Whether the threshold's operator says otherwise than the indicator's direction."""
    if operator in _LESS_IS_BETTER:
        return direction != "decrease"
    return operator == "=" or direction == "decrease"


def _implied(direction: str) -> str:
    return "<=" if direction == "decrease" else ">="


def _proportion(reached: Decimal, expected: Decimal, operator: str) -> tuple[Decimal | None, str]:
    """The proportion (exact) and how it was computed, in words; None when no proportion means anything."""
    if operator == "=":
        formula = _("valore esatto: 100 − scarto dall'atteso in %")
        if expected == 0:
            return None, formula
        return max(FULL - abs(reached - expected) / abs(expected) * FULL, ZERO), formula
    if operator in _LESS_IS_BETTER:
        formula = _("meno è meglio: atteso / valore")
        numerator, denominator = expected, reached
    else:
        formula = _("più è meglio: valore / atteso")
        numerator, denominator = reached, expected
    if denominator == 0 or numerator < 0 or denominator < 0:
        # A ratio of negative figures says nothing: -3 against -5 would read 60% although -3 > -5.
        return None, formula
    return numerator / denominator * FULL, formula


def _limits(proportion: Decimal, result: Decimal, *, met: bool, rule: ScoringRule) -> list[str]:
    if met and proportion > rule.cap:
        return [_("punteggio limitato al %(cap)s") % {"cap": _percent_text(rule.cap)}]
    if not met and not rule.linear:
        return [_("senza credito parziale: punteggio %(score)s") % {"score": _percent_text(ZERO)}]
    if not met and proportion < rule.floor:
        return [_("sotto la soglia minima del %(floor)s: punteggio 0%%") % {"floor": _percent_text(rule.floor)}]
    if not met and proportion > result:
        return [_("non raggiunto: punteggio %(score)s") % {"score": _percent_text(result)}]
    return []


def _is_percent(value: ScoredValue) -> bool:
    # The parser keeps a threshold's number but not its "%": the raw text still says it ("> 95%").
    return value.kind == "percent" or (value.kind == "threshold" and value.raw.strip().endswith("%"))


def _number(value: ScoredValue, *, scale: bool) -> Decimal | None:
    """The comparable number of a value; a ratio becomes a percentage when `scale` (the other side is one)."""
    if value.kind in _NUMERIC_KINDS:
        return value.value
    if value.kind == "ratio" and value.numerator is not None and value.denominator:
        ratio = value.numerator / value.denominator
        return ratio * FULL if scale else ratio
    return None


def _outcome(met: bool) -> str:
    return _("raggiunto") if met else _("non raggiunto")


def _yes_no_text(value: bool) -> str:
    return _("sì") if value else _("no")


def percent_text(value: Decimal) -> str:
    """A percentage in Italian with one decimal: "86,7%"."""
    return _percent_text(value)


def decimal_text(value: Decimal) -> str:
    """A number in Italian: "1.600", "0,9375"."""
    return _decimal_text(value)


def _percent_text(value: Decimal) -> str:
    return f"{value:.1f}".replace(".", ",") + "%"


def quantized(value: Decimal, step: Decimal, rounding: str = ROUND_HALF_EVEN) -> Decimal:
    """`value` rounded to `step`, however large: a relative target can resolve to more digits than the default
    context's 28 (a baseline of 10^14 raised by 10^14 %), where a plain quantize raises InvalidOperation."""
    digits = value.adjusted() - step.as_tuple().exponent + 2  # type: ignore[operator]
    if digits <= getcontext().prec:
        # Within the context's precision the plain quantize: a local context costs more than the rest of a score.
        return value.quantize(step, rounding=rounding)
    with localcontext() as context:
        context.prec = digits
        return value.quantize(step, rounding=rounding)


def _decimal_text(value: Decimal) -> str:
    """Italian digits, at most four decimals and no trailing zeros: "0,9375", "1.600", "95"."""
    rounded = quantized(value, Decimal("0.0001")).normalize()
    text = f"{rounded:,f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
