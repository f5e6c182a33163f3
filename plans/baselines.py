"""Targets stated against a baseline ("Aumento del 30% rispetto alla baseline"), made absolute.

Pure, like plans.scoring, which scores the absolute target `resolve` gives and explains it: the baseline × (1 +
change / 100), with the operator the change implies (an increase "≥", a decrease "≤", "mantenimento" none, so
that the indicator's direction decides, "pari alla baseline" "="). A baseline that cannot serve gives the
reason instead, in Italian: none, not a number, zero or negative against a change in percent, or of another
year than the one the target names ("rispetto al 2023"; a baseline without a year serves any).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from django.utils.translation import gettext as _

from plans.parsing import ValueKind, parse_value

if TYPE_CHECKING:
    from plans.scoring import ScoredValue

RELATIVE = ValueKind.RELATIVE.value
_HUNDRED = Decimal(100)
_USABLE = frozenset({ValueKind.NUMBER.value, ValueKind.PERCENT.value, ValueKind.RATIO.value})


class BaselineValue(Protocol):
    """A baseline (plans.models.IndicatorBaseline): a parsed value and the year it refers to, if known."""

    raw: str
    kind: str
    operator: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    date_value: dt.date | None
    boolean: bool | None
    parsed: bool

    @property
    def year(self) -> int | None: ...  # read only: a historical value's year is never None


@dataclass  # not frozen: ScoredValue's members are plain attributes, as on a model
class Expected:
    """The absolute target a relative one resolves to, shaped as plans.scoring.ScoredValue: the baseline's kind
    (a number, a percentage or a ratio) and its value scaled by the change."""

    raw: str
    kind: str
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    operator: str = ""
    date_value: dt.date | None = None
    boolean: bool | None = None
    parsed: bool = True


@dataclass(frozen=True)
class References:
    """What an indicator's relative targets may be measured against: its baseline and its historical values
    (plans.models.HistoricalValue, a value of each year before the plan). A target naming a year ("+10% rispetto
    al 2023") takes the baseline when it is of that year, else the historical value of that year when there is
    one, else the baseline (whose other year then makes it not measurable, with the reason); a target naming no
    year takes the baseline."""

    baseline: BaselineValue | None
    history: Sequence[BaselineValue] = ()

    def for_target(self, target: ScoredValue) -> BaselineValue | None:
        wanted = parse_value(target.raw).reference_year
        if wanted is None or (self.baseline is not None and self.baseline.year == wanted):
            return self.baseline
        return next((value for value in self.history if value.year == wanted), self.baseline)


def reference_for(
    target: ScoredValue, baseline: BaselineValue | References | None
) -> tuple[BaselineValue | None, bool]:
    """The value `target` is measured against, and whether it is a historical value rather than the baseline."""
    if isinstance(baseline, References):
        chosen = baseline.for_target(target)
        return chosen, chosen is not None and chosen is not baseline.baseline
    return baseline, False


def resolve(target: ScoredValue, baseline: BaselineValue | None, *, historical: bool = False) -> Expected | str:
    """The absolute target of `target` (of kind RELATIVE) from `baseline` (a historical value of the year the target
    names, with `historical`), or why it cannot be had."""
    change = target.value if target.value is not None else Decimal(0)
    problem = _historical_problem(baseline, change) if historical else _problem(target, baseline, change)
    if problem:
        return problem
    assert baseline is not None  # _problem said so
    factor = 1 + change / _HUNDRED
    if baseline.kind == ValueKind.RATIO.value:
        assert baseline.numerator is not None  # _problem said so
        numerator = baseline.numerator * factor
        return Expected(baseline.raw, baseline.kind, numerator=numerator, denominator=baseline.denominator)
    assert baseline.value is not None  # _problem said so
    return Expected(baseline.raw, baseline.kind, value=baseline.value * factor)


def _problem(target: ScoredValue, baseline: BaselineValue | None, change: Decimal) -> str:
    if baseline is None or baseline.kind == ValueKind.EMPTY.value:
        return _("«%(raw)s»: manca la baseline: non misurabile") % {"raw": target.raw.strip()}
    number = _number(baseline)
    if not baseline.parsed or baseline.kind not in _USABLE or number is None:
        return _("baseline «%(raw)s» non numerica: non misurabile") % {"raw": baseline.raw.strip()}
    if change != 0 and number <= 0:
        return _(
            "baseline %(raw)s: una variazione in percentuale di zero o di un valore negativo non è calcolabile: "
            "non misurabile"
        ) % {"raw": baseline.raw.strip()}
    # The year the target names is not a column: the raw text, always kept, says it.
    wanted = parse_value(target.raw).reference_year
    if wanted is not None and baseline.year is not None and wanted != baseline.year:
        return _("la baseline è del %(year)s, il valore atteso si riferisce al %(wanted)s: non misurabile") % {
            "year": baseline.year,
            "wanted": wanted,
        }
    return ""


def _historical_problem(value: BaselineValue | None, change: Decimal) -> str:
    """Why a historical value (of the year the target names: References.for_target) cannot serve, or ""."""
    if value is None:  # References never gives None as a historical value
        return _("manca il valore storico: non misurabile")
    number = _number(value)
    where = {"year": value.year, "raw": value.raw.strip()}
    if value.kind == ValueKind.EMPTY.value or not value.parsed or value.kind not in _USABLE or number is None:
        return _("valore storico %(year)s «%(raw)s» non numerico: non misurabile") % where
    if change != 0 and number <= 0:
        message = _(
            "valore storico %(year)s «%(raw)s»: una variazione in percentuale di zero o di un valore negativo "
            "non è calcolabile: non misurabile"
        )
        return message % where
    return ""


def _number(baseline: BaselineValue) -> Decimal | None:
    if baseline.kind == ValueKind.RATIO.value:
        if baseline.numerator is None or not baseline.denominator:
            return None
        return baseline.numerator / baseline.denominator
    return baseline.value
