"""plans.scoring, the one scoring engine: every kind of target and operator, and its properties.

Pure, no database: values are unsaved model instances built by the real parser, as the import and the forms
build them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plans.achievement import DEFAULT_RULE, Level, Light, ScoringRule, achievement, objective_level
from plans.models import IndicatorBaseline, IndicatorTarget, Measurement
from plans.models.indicator import ParsedValue
from plans.parsing import ValueKind, parse_value
from plans.scoring import score, weighted_mean

# No example database: the tests leave no files behind in the project.
PROPERTIES = settings(database=None, deadline=None, max_examples=300)


def target(raw: str) -> IndicatorTarget:
    return IndicatorTarget(year=2021, **ParsedValue.spec_values(parse_value(raw)))


def actual(raw: str) -> Measurement:
    return Measurement(year=2021, **ParsedValue.spec_values(parse_value(raw)))


def baseline(raw: str, year: int | None = 2023) -> IndicatorBaseline:
    return IndicatorBaseline(year=year, **ParsedValue.spec_values(parse_value(raw)))


# expected, reached, direction → percent shown, score for rollups, light, explanation contains
CASES = [
    # Numbers, percentages, ratios: the proportion as the application always computed it.
    ("100", "83", "target", "83.0", "83", Light.YELLOW, "valore 83 non ≥ 100 atteso: non raggiunto"),
    ("100", "120", "increase", "120.0", "100", Light.GREEN, "punteggio limitato al 100,0%"),
    ("95%", "90%", "target", "94.7", "94.73684", Light.YELLOW, "valore 90% non ≥ 95% atteso: non raggiunto"),
    ("6/6", "3/6", "target", "50.0", "50", Light.RED, "più è meglio: valore / atteso = 50,0%"),
    ("50%", "40/100", "increase", "80.0", "80", Light.YELLOW, "valore 40% non ≥ 50% atteso"),
    ("10", "20", "decrease", "50.0", "50", Light.RED, "meno è meglio: atteso / valore = 50,0%"),
    ("10", "5", "decrease", "200.0", "100", Light.GREEN, "valore 5 ≤ 10 atteso: raggiunto"),
    ("70", "300", "increase", "428.6", "100", Light.GREEN, "punteggio limitato al 100,0%"),  # the 428.6% one
    # Thresholds: the operator decides "met" and, where it implies one, the direction.
    ("> 95%", "95%", "target", "99.9", "99.9", Light.YELLOW, "valore 95% non > 95% atteso: non raggiunto"),
    ("> 95%", "96%", "target", "101.1", "100", Light.GREEN, "valore 96% > 95% atteso: raggiunto"),
    ("> 95%", "90%", "target", "94.7", "94.73684", Light.YELLOW, "non raggiunto"),
    (">= 95%", "95%", "target", "100.0", "100", Light.GREEN, "valore 95% ≥ 95% atteso: raggiunto"),
    ("=>4", "5", "target", "125.0", "100", Light.GREEN, "valore 5 ≥ 4 atteso: raggiunto"),
    ("=>4", "3", "target", "75.0", "75", Light.RED, "valore 3 non ≥ 4 atteso"),
    ("almeno 4", "4", "increase", "100.0", "100", Light.GREEN, "valore 4 ≥ 4 atteso: raggiunto"),
    ("<= 5", "3", "target", "166.7", "100", Light.GREEN, "valore 3 ≤ 5 atteso: raggiunto"),
    ("<= 5", "5", "increase", "100.0", "100", Light.GREEN, "il verso è quello dell'operatore della soglia"),
    ("<= 5", "6", "target", "83.3", "83.33333", Light.YELLOW, "valore 6 non ≤ 5 atteso: non raggiunto"),
    ("< 5", "5", "decrease", "99.9", "99.9", Light.YELLOW, "valore 5 non < 5 atteso: non raggiunto"),
    ("< 5", "4", "decrease", "125.0", "100", Light.GREEN, "valore 4 < 5 atteso: raggiunto"),
    ("massimo 10%", "12%", "decrease", "83.3", "83.33333", Light.YELLOW, "non ≤ 10%"),
    ("> 95%", "150/160", "target", "98.7", "98.68421", Light.YELLOW, "valore 93,75% non > 95% atteso"),
    ("= 5", "5", "increase", "100.0", "100", Light.GREEN, "valore 5 = 5 atteso: raggiunto"),
    ("= 5", "6", "increase", "80.0", "80", Light.YELLOW, "valore esatto: 100 − scarto dall'atteso in %"),
    ("= 5", "4", "target", "80.0", "80", Light.YELLOW, "valore 4 non = 5 atteso"),
    ("= 0", "1", "target", "0.0", "0", Light.RED, "non raggiunto"),
    # A zero divisor: met or not, never an infinite figure.
    ("10", "0", "decrease", "100.0", "100", Light.GREEN, "raggiunto"),
    ("0", "3", "increase", "100.0", "100", Light.GREEN, "raggiunto"),
    ("< 1", "0", "target", "100.0", "100", Light.GREEN, "valore 0 < 1 atteso: raggiunto"),
    # Negative values: a ratio would invert the meaning (-3 / -5 = 60% although -3 > -5).
    ("-5", "-3", "increase", "100.0", "100", Light.GREEN, "valore -3 ≥ -5 atteso: raggiunto"),
    ("-5", "-8", "increase", "0.0", "0", Light.RED, "non calcolabile (zero o valore negativo), punteggio 0,0%"),
    ("= -5", "-4", "target", "80.0", "80", Light.YELLOW, "valore -4 non = -5 atteso"),
    # Dates: a deadline, on or before.
    ("31/12/2019", "30/11/2019", "target", "100.0", "100", Light.GREEN, "data 30/11/2019, attesa ≤ 31/12/2019"),
    ("entro il 31/12/2019", "15/01/2020", "target", "0.0", "0", Light.RED, "non raggiunto"),
    # Yes/no.
    ("si", "si", "target", "100.0", "100", Light.GREEN, "valore sì, atteso sì: raggiunto"),
    ("si", "no", "target", "0.0", "0", Light.RED, "valore no, atteso sì: non raggiunto"),
    ("no", "no", "target", "100.0", "100", Light.GREEN, "valore no, atteso no: raggiunto"),
    ("10", "no", "increase", "0.0", "0", Light.RED, "atteso 10: non raggiunto"),
]


@pytest.mark.parametrize(("expected", "reached", "direction", "percent", "exact", "light", "says"), CASES)
def test_every_kind_of_target_and_operator_is_scored_and_explained(
    expected: str, reached: str, direction: str, percent: str, exact: str, light: Light, says: str
) -> None:
    result = achievement(target(expected), actual(reached), direction)
    assert result.percent == Decimal(percent)
    assert result.score is not None
    assert abs(result.score - Decimal(exact)) < Decimal("0.00001")
    assert result.light == light
    assert says in result.explanation


# Targets relative to a baseline: expected, baseline (value, year), reached, direction → as above.
RELATIVE_CASES = [
    # An increase: baseline × (1 + change), "≥".
    (
        "Aumento del 30% rispetto alla baseline",
        ("200", 2023),
        "270",
        "increase",
        "103.8",
        "100",
        Light.GREEN,
        "baseline 200 (2023), +30% → atteso ≥ 260; valore 270 ≥ 260 atteso: raggiunto",
    ),
    (
        "Aumento del 30% rispetto alla baseline",
        ("200", 2023),
        "250",
        "increase",
        "96.2",
        "96.15385",
        Light.YELLOW,
        "valore 250 non ≥ 260 atteso: non raggiunto",
    ),
    (
        "+15% sulla baseline",
        ("100", None),
        "115",
        "target",
        "100.0",
        "100",
        Light.GREEN,
        "baseline 100 (anno non indicato), +15% → atteso ≥ 115",
    ),
    (
        "+10% sulla baseline",
        ("100/200", 2025),
        "55%",
        "increase",
        "100.0",
        "100",
        Light.GREEN,
        "baseline 100/200 (2025), +10% → atteso ≥ 55%",
    ),
    (
        "Aumento del 10% rispetto alla baseline",
        ("50%", 2025),
        "40/100",
        "increase",
        "72.7",
        "72.72727",
        Light.RED,
        "valore 40% non ≥ 55% atteso",
    ),
    # A decrease: baseline × (1 − change), "≤", whatever the indicator's direction.
    (
        "Riduzione del 10% rispetto al 2023",
        ("200", 2023),
        "180",
        "decrease",
        "100.0",
        "100",
        Light.GREEN,
        "baseline 200 (2023), -10% → atteso ≤ 180; valore 180 ≤ 180 atteso: raggiunto",
    ),
    (
        "Riduzione del 10% rispetto al 2023",
        ("200", 2023),
        "225",
        "decrease",
        "80.0",
        "80",
        Light.YELLOW,
        "meno è meglio: atteso / valore = 80,0%",
    ),
    (
        "-10% rispetto alla baseline",
        ("200", 2023),
        "170",
        "increase",
        "105.9",
        "100",
        Light.GREEN,
        "il verso è quello della variazione rispetto alla baseline",
    ),
    # Maintain: the baseline itself, the direction says which side; "pari alla baseline": exactly it.
    (
        "mantenimento della baseline",
        ("45%", 2025),
        "45%",
        "increase",
        "100.0",
        "100",
        Light.GREEN,
        "baseline 45% (2025), mantenimento → atteso ≥ 45%",
    ),
    (
        "Mantenimento del valore del 2025",
        ("10", 2025),
        "12",
        "decrease",
        "83.3",
        "83.33333",
        Light.YELLOW,
        "mantenimento → atteso ≤ 10; valore 12 non ≤ 10 atteso",
    ),
    (
        "pari alla baseline",
        ("200", None),
        "210",
        "target",
        "95.0",
        "95",
        Light.YELLOW,
        "pari alla baseline → atteso = 200; valore 210 non = 200 atteso",
    ),
    (
        "mantenimento della baseline",
        ("0", 2025),
        "0",
        "increase",
        "100.0",
        "100",
        Light.GREEN,
        "non calcolabile (zero o valore negativo), punteggio 100,0%",
    ),
]


@pytest.mark.parametrize(
    ("expected", "base", "reached", "direction", "percent", "exact", "light", "says"), RELATIVE_CASES
)
def test_a_target_relative_to_the_baseline_is_resolved_scored_and_explained(
    expected: str,
    base: tuple[str, int | None],
    reached: str,
    direction: str,
    percent: str,
    exact: str,
    light: Light,
    says: str,
) -> None:
    goal = target(expected)
    assert goal.kind == ValueKind.RELATIVE
    result = achievement(goal, actual(reached), direction, baseline=baseline(*base))
    assert result.percent == Decimal(percent)
    assert result.score is not None
    assert abs(result.score - Decimal(exact)) < Decimal("0.00001")
    assert result.light == light
    assert says in result.explanation


@pytest.mark.parametrize(
    ("expected", "base", "says"),
    [
        ("Aumento del 30% rispetto alla baseline", None, "«Aumento del 30% rispetto alla baseline»: manca la baseline"),
        ("+30% sulla baseline", ("", 2023), "manca la baseline: non misurabile"),
        ("+30% sulla baseline", ("da rilevare", 2023), "baseline «da rilevare» non numerica: non misurabile"),
        ("+30% sulla baseline", ("> 95%", 2023), "baseline «> 95%» non numerica"),
        ("+30% sulla baseline", ("31/12/2023", 2023), "baseline «31/12/2023» non numerica"),
        ("+30% sulla baseline", ("10/0", 2023), "baseline «10/0» non numerica"),
        ("+30% sulla baseline", ("0", 2023), "baseline 0: una variazione in percentuale di zero o di un valore"),
        ("Riduzione del 10% rispetto al 2023", ("-5", 2023), "baseline -5: una variazione in percentuale"),
        ("Riduzione del 10% rispetto al 2023", ("200", 2022), "la baseline è del 2022, il valore atteso si riferisce"),
    ],
)
def test_a_relative_target_without_a_usable_baseline_is_not_measurable_and_says_why(
    expected: str, base: tuple[str, int] | None, says: str
) -> None:
    result = score(target(expected), actual("250"), "increase", baseline=baseline(*base) if base else None)
    assert (result.percent, result.score, result.met) == (None, None, None)
    assert says in result.explanation


def test_a_baseline_is_read_only_by_a_relative_target() -> None:
    assert score(target("100"), actual("83"), "increase", baseline=baseline("1000")) == score(
        target("100"), actual("83"), "increase"
    )


def test_an_actual_value_is_measured_not_stated_against_the_baseline() -> None:
    result = score(target("+10% sulla baseline"), actual("+12% sulla baseline"), "increase", baseline=baseline("100"))
    assert result.score is None
    assert "non confrontabili: non misurabile" in result.explanation


def test_the_tables_cover_every_kind_of_target_operator_and_direction() -> None:
    kinds = {target(case[0]).kind for case in CASES} | {target(case[0]).kind for case in RELATIVE_CASES}
    assert kinds == {kind.value for kind in ValueKind} - {ValueKind.EMPTY, ValueKind.TEXT}  # both: not measurable
    operators = {target(case[0]).operator for case in CASES if target(case[0]).kind == ValueKind.THRESHOLD}
    assert operators == {">", ">=", "<", "<=", "="}
    relative = {target(case[0]).operator for case in RELATIVE_CASES}
    assert relative == {">=", "<=", "", "="}  # increase, decrease, maintain, equal
    assert {case[2] for case in CASES} == {case[3] for case in RELATIVE_CASES} == {"increase", "decrease", "target"}


@pytest.mark.parametrize(
    "rule",
    [DEFAULT_RULE, ScoringRule(cap=Decimal(120)), ScoringRule(floor=Decimal(50), partial=Decimal(70))],
    ids=["default", "cap-120", "floor-50"],
)
@pytest.mark.parametrize(("expected", "reached", "direction"), [case[:3] for case in CASES])
def test_every_kind_stays_within_the_cap_and_a_miss_below_100(
    expected: str, reached: str, direction: str, rule: ScoringRule
) -> None:
    result = score(target(expected), actual(reached), direction, rule)
    assert result.score is not None and result.met is not None
    assert 0 <= result.score <= rule.cap
    assert (result.score >= 100) is result.met


def test_a_strict_threshold_equalled_is_not_met_although_today_it_scored_100() -> None:
    result = achievement(target("> 95%"), actual("95%"), "target")
    assert result.met is False
    assert result.level == Level.PARTIAL
    assert result.percent is not None and result.percent < 100


def test_at_most_five_with_three_is_met_although_today_it_scored_60_red() -> None:
    result = achievement(target("<= 5"), actual("3"), "target")
    assert result.met is True
    assert (result.light, result.level, result.score) == (Light.GREEN, Level.REACHED, Decimal(100))


@pytest.mark.parametrize(
    ("expected", "reached", "says"),
    [
        ("tutti i progetti attivi", "tutti", "valore atteso non interpretato («tutti i progetti attivi»)"),
        ("5", "in corso", "valore consuntivo non interpretato («in corso»)"),
        ("", "5", "valore atteso vuoto"),
        ("5", "", "valore consuntivo vuoto"),
        ("si", "3", "valore 3 e atteso si non confrontabili"),
        ("31/12/2019", "12", "non confrontabili"),
    ],
)
def test_a_value_not_understood_is_reported_as_such_and_not_scored(expected: str, reached: str, says: str) -> None:
    result = score(target(expected), actual(reached), "increase")
    assert (result.percent, result.score, result.met) == (None, None, None)
    assert says in result.explanation


def test_missing_values_are_said_missing() -> None:
    assert score(None, actual("5"), "increase").explanation == "nessun valore atteso: non misurabile"
    assert score(target("5"), None, "increase").explanation == "nessun valore consuntivo: non misurabile"


def test_a_rule_with_a_cap_of_120_credits_overachievement_and_a_floor_zeroes_a_poor_result() -> None:
    generous = ScoringRule(cap=Decimal(120), floor=Decimal(50))
    assert achievement(target("100"), actual("150"), "increase", generous).score == Decimal(120)
    assert achievement(target("=>4"), actual("5"), "increase", generous).score == Decimal(120)
    assert achievement(target("=>4"), actual("5"), "increase", ScoringRule(cap=Decimal(130))).score == Decimal(125)
    poor = achievement(target("100"), actual("40"), "increase", generous)
    assert (poor.percent, poor.score, poor.light) == (Decimal("40.0"), Decimal(0), Light.RED)
    assert "sotto la soglia minima del 50,0%: punteggio 0%" in poor.explanation


def test_the_bands_are_the_rules() -> None:
    lenient = ScoringRule(reached=Decimal(90), partial=Decimal(60))
    assert achievement(target("100"), actual("92"), "increase", lenient).level == Level.REACHED
    assert achievement(target("100"), actual("65"), "increase", lenient).light == Light.YELLOW
    assert achievement(target("100"), actual("92"), "increase").level == Level.PARTIAL


@pytest.mark.parametrize(
    "values",
    [
        {"floor": Decimal(90), "partial": Decimal(80)},
        {"reached": Decimal(130)},
        {"cap": Decimal(90), "reached": Decimal(90)},
        {"unmet_ceiling": Decimal(100)},
    ],
)
def test_an_inconsistent_rule_is_refused(values: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="scoring rule"):
        ScoringRule(**values)


def test_the_light_is_taken_on_the_exact_figure_not_the_rounded_one() -> None:
    result = achievement(target("2000"), actual("1999"), "increase")
    assert (result.percent, result.light) == (Decimal("99.9"), Light.YELLOW)
    almost = achievement(target("10000"), actual("7999"), "increase")
    assert (almost.percent, almost.light) == (Decimal("79.9"), Light.RED)  # 79.99 would round to 80.0 "giallo"


def test_an_objective_rolls_up_capped_scores_weighted_or_equal() -> None:
    assert objective_level([Decimal(100), Decimal(50)], []) == Level.MISSED  # mean 75
    assert objective_level([Decimal(100), Decimal(50)], [], weights=[Decimal(3), Decimal(1)]) == Level.PARTIAL
    # A figure beyond the cap counts as the cap: 428.6% and 60% average 80 (not 244.3, "raggiunto").
    assert objective_level([Decimal("428.6"), Decimal(60)], []) == Level.PARTIAL
    # With a cap of 120, 428.6% and 85% average 102.5.
    assert objective_level([Decimal("428.6"), Decimal(85)], [], rule=ScoringRule(cap=Decimal(120))) == Level.REACHED
    assert objective_level([None, None], [True, False, True, True, True]) == Level.PARTIAL  # 4 of 5 concluded
    assert objective_level([None], []) == Level.NOT_MEASURABLE


# Properties -----------------------------------------------------------------------------------------------

amounts = st.decimals(min_value=-10_000, max_value=10_000, places=2, allow_nan=False, allow_infinity=False)
positive = st.decimals(min_value=Decimal("0.01"), max_value=10_000, places=2, allow_nan=False, allow_infinity=False)
operators = st.sampled_from(["", ">", ">=", "<", "<=", "="])
directions = st.sampled_from(["increase", "decrease", "target"])


@st.composite
def rules(draw: st.DrawFn) -> ScoringRule:
    """The default bands with any floor up to the yellow band, any cap from 100% to 150% (120 among them), with
    or without partial credit."""
    floor = draw(st.decimals(min_value=0, max_value=80, places=1))
    over = st.decimals(min_value=0, max_value=50, places=1).map(lambda extra: Decimal(100) + extra)
    cap = draw(st.one_of(st.just(Decimal(120)), over))
    return ScoringRule(floor=floor, cap=cap, linear=draw(st.booleans()))


def _text(number: Decimal) -> str:
    return f"{number}".replace(".", ",")


def _target(operator: str, number: Decimal) -> IndicatorTarget:
    return target(f"{operator} {_text(number)}" if operator else _text(number))


@PROPERTIES
@given(operator=operators, expected=amounts, reached=amounts, direction=directions, rule=rules())
def test_a_score_never_leaves_its_cap(
    operator: str, expected: Decimal, reached: Decimal, direction: str, rule: ScoringRule
) -> None:
    result = score(_target(operator, expected), actual(_text(reached)), direction, rule)
    assert result.score is not None and result.met is not None
    assert 0 <= result.score <= rule.cap
    if not result.met:
        assert result.score < 100  # a missed target is never worth full marks


def _wants_more(operator: str, direction: str) -> bool:
    if operator in ("<", "<="):
        return False
    return operator in (">", ">=") or direction != "decrease"


@PROPERTIES
@given(
    operator=st.sampled_from(["", ">", ">=", "<", "<="]),
    expected=amounts,
    values=st.tuples(amounts, amounts),
    direction=directions,
    rule=rules(),
)
def test_a_score_never_decreases_when_the_value_moves_the_way_the_direction_wants(
    operator: str, expected: Decimal, values: tuple[Decimal, Decimal], direction: str, rule: ScoringRule
) -> None:
    worse, better = sorted(values) if _wants_more(operator, direction) else sorted(values, reverse=True)
    goal = _target(operator, expected)
    before = score(goal, actual(_text(worse)), direction, rule).score
    after = score(goal, actual(_text(better)), direction, rule).score
    assert before is not None and after is not None
    assert after >= before


@PROPERTIES
@given(expected=positive, values=st.tuples(amounts, amounts), direction=directions, rule=rules())
def test_an_exact_target_scores_no_less_as_the_value_comes_closer(
    expected: Decimal, values: tuple[Decimal, Decimal], direction: str, rule: ScoringRule
) -> None:
    farther, closer = sorted(values, key=lambda value: abs(value - expected), reverse=True)
    goal = _target("=", expected)
    before = score(goal, actual(_text(farther)), direction, rule).score
    after = score(goal, actual(_text(closer)), direction, rule).score
    assert before is not None and after is not None
    assert after >= before


# Relative targets: the same properties, and the score of the absolute target they resolve to.
changes = st.decimals(min_value=0, max_value=200, places=2)
relative_kinds = st.sampled_from(["increase", "decrease", "maintain", "equal"])
_RELATIVE_TEXT = {
    "increase": "Aumento del {change}% rispetto alla baseline",
    "decrease": "Riduzione del {change}% rispetto al 2023",
    "maintain": "mantenimento della baseline",
    "equal": "pari alla baseline",
}


def _relative(kind: str, change: Decimal) -> tuple[IndicatorTarget, Decimal]:
    """A relative target and its change in percent, signed (a decrease of at most 100%)."""
    if kind == "decrease":
        change = min(change, Decimal(100))
    signed = {"increase": change, "decrease": -change}.get(kind, Decimal(0))
    goal = target(_RELATIVE_TEXT[kind].format(change=_text(change)))
    assert (goal.kind, goal.value) == (ValueKind.RELATIVE, signed)
    return goal, signed


def _relative_wants_more(kind: str, direction: str) -> bool:
    return kind == "increase" or (kind == "maintain" and direction != "decrease")


@PROPERTIES
@given(
    kind=relative_kinds,
    change=changes,
    base=positive,
    reached=amounts,
    direction=directions,
    rule=rules(),
)
def test_a_relative_target_never_leaves_its_cap_and_scores_as_the_absolute_target_it_resolves_to(
    kind: str, change: Decimal, base: Decimal, reached: Decimal, direction: str, rule: ScoringRule
) -> None:
    goal, signed = _relative(kind, change)
    result = score(goal, actual(_text(reached)), direction, rule, baseline=baseline(_text(base)))
    assert result.score is not None and result.met is not None
    assert 0 <= result.score <= rule.cap
    assert (result.score >= 100) is result.met
    operator = {"increase": ">=", "decrease": "<=", "equal": "="}.get(kind, "<=" if direction == "decrease" else ">=")
    absolute = IndicatorTarget(kind="threshold", operator=operator, value=base * (1 + signed / 100), raw="")
    same = score(absolute, actual(_text(reached)), direction, rule)
    assert (result.percent, result.score, result.met) == (same.percent, same.score, same.met)
    assert same.explanation.split("; ")[0] in result.explanation  # "valore … atteso: (non) raggiunto"


@PROPERTIES
@given(
    kind=relative_kinds,
    change=changes,
    base=positive,
    values=st.tuples(amounts, amounts),
    direction=directions,
    rule=rules(),
)
def test_a_relative_target_never_scores_less_when_the_value_moves_the_way_it_wants(
    kind: str,
    change: Decimal,
    base: Decimal,
    values: tuple[Decimal, Decimal],
    direction: str,
    rule: ScoringRule,
) -> None:
    goal, _signed = _relative(kind, change)
    if kind == "equal":  # exactly the baseline: closer is better
        worse, better = sorted(values, key=lambda value: abs(value - base), reverse=True)
    elif _relative_wants_more(kind, direction):
        worse, better = sorted(values)
    else:
        worse, better = sorted(values, reverse=True)
    before = score(goal, actual(_text(worse)), direction, rule, baseline=baseline(_text(base))).score
    after = score(goal, actual(_text(better)), direction, rule, baseline=baseline(_text(base))).score
    assert before is not None and after is not None
    assert after >= before


scores = st.decimals(min_value=0, max_value=120, places=3)
weights = st.decimals(min_value=Decimal("0.1"), max_value=10, places=1)
weighted = st.lists(st.tuples(scores, weights), min_size=1, max_size=12)


def _total(parts: list[tuple[Decimal, Decimal]]) -> Decimal:
    return sum((weight for _score, weight in parts), Decimal(0))


@PROPERTIES
@given(left=weighted, right=weighted)
def test_a_weighted_score_equals_the_weighted_mean_of_its_parts(
    left: list[tuple[Decimal, Decimal]], right: list[tuple[Decimal, Decimal]]
) -> None:
    # An area's score from its objectives' scores, each weighted by its total weight, is the score of all the
    # indicators at once: rolling up in steps changes nothing.
    whole = weighted_mean(left + right)
    left_mean, right_mean = weighted_mean(left), weighted_mean(right)
    assert whole is not None and left_mean is not None and right_mean is not None
    stepwise = weighted_mean([(left_mean, _total(left)), (right_mean, _total(right))])
    assert stepwise is not None
    assert abs(whole - stepwise) < Decimal("1e-20")
    assert min(s for s, _ in left + right) <= whole <= max(s for s, _ in left + right)


@PROPERTIES
@given(parts=st.lists(scores, min_size=1, max_size=12))
def test_equal_weights_are_the_plain_mean(parts: list[Decimal]) -> None:
    mean = weighted_mean([(part, Decimal(1)) for part in parts])
    assert mean is not None
    assert abs(mean - sum(parts, Decimal(0)) / len(parts)) < Decimal("1e-20")


def test_nothing_weighs_nothing_is_scored() -> None:
    assert weighted_mean([]) is None
    assert weighted_mean([(Decimal(80), Decimal(0))]) is None
    assert DEFAULT_RULE.level(None) == Level.NOT_MEASURABLE
