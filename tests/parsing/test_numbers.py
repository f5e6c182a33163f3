"""Italian decimal numbers: examples."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plans.parsing import parse_italian_decimal


def test_thousands_dots_and_decimal_comma_are_read_the_italian_way() -> None:
    assert parse_italian_decimal("6.195.143,71") == Decimal("6195143.71")


def test_zero_with_decimals_keeps_its_scale() -> None:
    result = parse_italian_decimal("0,00")
    assert result == 0
    assert str(result) == "0.00"


def test_a_single_thousands_group_is_a_thousand_not_a_decimal() -> None:
    assert parse_italian_decimal("1.000") == Decimal("1000")


def test_budget_amount_with_cents() -> None:
    result = parse_italian_decimal("298.395,00")
    assert result == Decimal("298395")
    assert str(result) == "298395.00"


def test_negative_number_with_decimal_comma() -> None:
    assert parse_italian_decimal("-12,5") == Decimal("-12.5")


def test_unicode_minus_sign_is_a_minus() -> None:
    assert parse_italian_decimal("\u22123") == Decimal("-3")


def test_plain_integer() -> None:
    assert parse_italian_decimal("12") == Decimal("12")


def test_surrounding_spaces_are_ignored() -> None:
    assert parse_italian_decimal("  24000 ") == Decimal("24000")


def test_scale_is_kept_as_written() -> None:
    assert parse_italian_decimal("1,00").as_tuple() == Decimal("1.00").as_tuple()


def test_dot_that_is_not_a_thousands_grouping_is_a_decimal_point() -> None:
    assert parse_italian_decimal("1.5") == Decimal("1.5")


@pytest.mark.parametrize("garbage", ["12,3,4", "abc", "1.00.0", "1,000.50", "12 3", "1e5", "NaN", "--1", ","])
def test_garbage_raises_value_error_explaining_the_expected_format_in_italian(garbage: str) -> None:
    with pytest.raises(ValueError, match=r"atteso un numero in formato italiano, ad esempio 6\.195\.143,71"):
        parse_italian_decimal(garbage)


def test_error_message_quotes_the_bad_input() -> None:
    with pytest.raises(ValueError) as error:
        parse_italian_decimal("abc")
    assert str(error.value) == ("«abc» non è un numero: atteso un numero in formato italiano, ad esempio 6.195.143,71")


def test_error_message_for_two_commas_says_so() -> None:
    with pytest.raises(ValueError, match="più di una virgola"):
        parse_italian_decimal("12,3,4")


def test_error_message_for_bad_grouping_says_groups_have_three_digits() -> None:
    with pytest.raises(ValueError, match="gruppi di tre cifre"):
        parse_italian_decimal("1.00.0")


def test_empty_text_raises_saying_the_value_is_empty() -> None:
    with pytest.raises(ValueError, match=r"^valore vuoto"):
        parse_italian_decimal("   ")
