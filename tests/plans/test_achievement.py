"""plans.achievement: pure, no database (values are unsaved model instances built by the real parser)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plans.achievement import YELLOW_THRESHOLD, Light, achievement, light_for
from plans.models import IndicatorTarget, Measurement
from plans.models.indicator import ParsedValue
from plans.parsing import parse_value


def target(raw: str) -> IndicatorTarget:
    return IndicatorTarget(year=2021, **ParsedValue.spec_values(parse_value(raw)))


def actual(raw: str) -> Measurement:
    return Measurement(year=2021, **ParsedValue.spec_values(parse_value(raw)))


def percent_of(expected: str, reached: str, direction: str = "target") -> Decimal | None:
    return achievement(target(expected), actual(reached), direction).percent


@pytest.mark.parametrize(
    ("expected", "reached", "percent"),
    [
        ("100", "83", Decimal("83.0")),  # seed 002, RP21-DIR-1 "Atti/documenti"
        ("1", "1", Decimal("100.0")),
        ("95%", "90%", Decimal("94.7")),  # seed 002, "Cartelle caricate"
        ("100%", "50%", Decimal("50.0")),
        ("=>4", "5", Decimal("125.0")),
        ("1,00", "0,5", Decimal("50.0")),
        ("3", "2", Decimal("66.7")),  # rounded half up to one decimal
    ],
)
def test_increase_and_target_divide_actual_by_target(expected: str, reached: str, percent: Decimal) -> None:
    assert percent_of(expected, reached, "increase") == percent
    assert percent_of(expected, reached, "target") == percent


def test_ratios_compare_numerator_over_denominator() -> None:
    assert percent_of("6/6", "3/6") == Decimal("50.0")
    assert percent_of("150/1600", "300/1600") == Decimal("200.0")


def test_a_ratio_against_a_percentage_is_read_as_a_percentage() -> None:
    assert percent_of("50%", "40/100") == Decimal("80.0")
    assert percent_of("40/100", "40%") == Decimal("100.0")


def test_decrease_divides_target_by_actual() -> None:
    assert percent_of("10", "20", "decrease") == Decimal("50.0")
    assert percent_of("10", "5", "decrease") == Decimal("200.0")


def test_a_zero_divisor_scores_whether_the_goal_is_met() -> None:
    assert percent_of("10", "0", "decrease") == Decimal(100)
    assert percent_of("0", "0", "decrease") == Decimal(100)
    assert percent_of("0", "3", "increase") == Decimal(100)
    assert percent_of("0/5", "0/5") == Decimal(100)


def test_yes_no_scores_100_when_as_expected_and_0_otherwise() -> None:
    assert percent_of("si", "si") == Decimal(100)
    assert percent_of("si", "no") == Decimal(0)  # seed 002, "Atti di Assemblea"
    assert percent_of("no", "no") == Decimal(100)
    assert percent_of("10", "no") == Decimal(0)  # seed 002, "Soggetti coinvolti": nothing was done


def test_a_date_scores_100_on_or_before_the_deadline_and_0_after() -> None:
    assert percent_of("31/12/2019", "30/11/2019") == Decimal(100)
    assert percent_of("31/12/2019", "31/12/2019") == Decimal(100)
    assert percent_of("31/12/2019", "15/01/2020") == Decimal(0)
    assert percent_of("31/12/2019", "12") is None


@pytest.mark.parametrize(
    ("expected", "reached"),
    [("tutti i progetti attivi", "tutti"), ("", "5"), ("5", ""), ("", "si"), ("10", "in corso"), ("si", "3")],
)
def test_text_empty_and_mismatched_values_have_no_percentage(expected: str, reached: str) -> None:
    result = achievement(target(expected), actual(reached), "increase")
    assert (result.percent, result.light, result.score, result.level) == (None, None, None, "non_misurabile")
    assert result.explanation.endswith("non misurabile")  # and says why, never scored as something else


def test_missing_values_have_no_percentage() -> None:
    assert achievement(None, actual("5"), "increase").percent is None
    assert achievement(target("5"), None, "increase").light is None


@pytest.mark.parametrize(
    ("expected", "reached", "light"),
    [
        ("100", "100", Light.GREEN),
        ("100", "120", Light.GREEN),
        ("100", "99.9", Light.YELLOW),
        ("100", "80", Light.YELLOW),
        ("100", "79", Light.RED),
        ("si", "no", Light.RED),
    ],
)
def test_traffic_light_thresholds(expected: str, reached: str, light: Light) -> None:
    assert achievement(target(expected), actual(reached), "increase").light == light


def test_the_yellow_threshold_is_80_and_light_values_are_italian() -> None:
    assert YELLOW_THRESHOLD == 80
    assert light_for(Decimal("79.9")) == "rosso"
    assert light_for(Decimal(80)) == "giallo"
    assert light_for(Decimal(100)) == "verde"
