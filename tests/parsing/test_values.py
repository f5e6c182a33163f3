"""Indicator values ("Valore atteso" / "Valore consuntivo"): examples."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from plans.parsing import ValueKind, ValueSpec, parse_value


def test_integer_is_a_number() -> None:
    spec = parse_value("12")
    assert (spec.kind, spec.value, spec.operator, spec.parsed) == (ValueKind.NUMBER, Decimal("12"), "", True)


def test_large_integer_without_grouping_is_a_number() -> None:
    assert parse_value("24000").value == Decimal("24000")


def test_decimal_comma_number_keeps_its_scale() -> None:
    spec = parse_value("1,00")
    assert spec.kind is ValueKind.NUMBER
    assert spec.value is not None
    assert spec.value.as_tuple() == Decimal("1.00").as_tuple()


def test_money_in_italian_format_is_a_number() -> None:
    spec = parse_value("6.195.143,71")
    assert (spec.kind, spec.value) == (ValueKind.NUMBER, Decimal("6195143.71"))


@pytest.mark.parametrize("raw", ["€ 1.000,00", "1.000,00 €", "1.000,00 euro"])
def test_currency_sign_or_word_is_ignored(raw: str) -> None:
    assert (parse_value(raw).kind, parse_value(raw).value) == (ValueKind.NUMBER, Decimal("1000.00"))


def test_slash_between_two_numbers_is_a_ratio() -> None:
    spec = parse_value("150/1600")
    assert spec.kind is ValueKind.RATIO
    assert (spec.numerator, spec.denominator) == (Decimal("150"), Decimal("1600"))
    assert spec.value is None
    assert spec.ratio == Decimal("0.09375")


def test_done_over_planned_is_a_ratio_of_one() -> None:
    spec = parse_value("6/6")
    assert (spec.kind, spec.numerator, spec.denominator, spec.ratio) == (
        ValueKind.RATIO,
        Decimal(6),
        Decimal(6),
        Decimal(1),
    )


def test_ratio_with_spaces_and_grouping() -> None:
    spec = parse_value("1.000 / 2.000")
    assert (spec.kind, spec.numerator, spec.denominator) == (ValueKind.RATIO, Decimal(1000), Decimal(2000))


def test_ratio_with_zero_denominator_has_no_ratio_value() -> None:
    spec = parse_value("0/0")
    assert spec.kind is ValueKind.RATIO
    assert spec.ratio is None


@pytest.mark.parametrize(
    ("raw", "operator", "value"),
    [
        ("=>4", ">=", Decimal(4)),
        ("=> 4", ">=", Decimal(4)),
        (">=4", ">=", Decimal(4)),
        ("≥4", ">=", Decimal(4)),
        ("=<4", "<=", Decimal(4)),
        ("≤ 4", "<=", Decimal(4)),
        ("<=4", "<=", Decimal(4)),
        (">3", ">", Decimal(3)),
        ("<3", "<", Decimal(3)),
        ("=3", "=", Decimal(3)),
        (">= 1.000", ">=", Decimal(1000)),
        ("=>8", ">=", Decimal(8)),
        ("almeno 4", ">=", Decimal(4)),
        ("non meno di 4", ">=", Decimal(4)),
        ("massimo 10", "<=", Decimal(10)),
        ("non più di 10", "<=", Decimal(10)),
    ],
)
def test_comparison_before_a_number_is_a_threshold_with_a_normalised_operator(
    raw: str, operator: str, value: Decimal
) -> None:
    spec = parse_value(raw)
    assert (spec.kind, spec.operator, spec.value, spec.parsed) == (ValueKind.THRESHOLD, operator, value, True)


def test_threshold_on_a_percentage_keeps_the_number() -> None:
    spec = parse_value("=>75%")
    assert (spec.kind, spec.operator, spec.value) == (ValueKind.THRESHOLD, ">=", Decimal(75))


@pytest.mark.parametrize("raw", ["75%", "75 %", " 75% "])
def test_number_with_percent_sign_is_a_percentage_of_that_number(raw: str) -> None:
    spec = parse_value(raw)
    assert (spec.kind, spec.value) == (ValueKind.PERCENT, Decimal(75))


def test_percentage_with_decimal_comma() -> None:
    assert parse_value("12,5%").value == Decimal("12.5")


def test_full_date_is_a_date() -> None:
    spec = parse_value("31/12/2019")
    assert (spec.kind, spec.date, spec.operator) == (ValueKind.DATE, date(2019, 12, 31), "")
    assert (spec.numerator, spec.denominator) == (None, None)


def test_entro_a_date_is_a_deadline_on_or_before_that_day() -> None:
    spec = parse_value("entro il 31/12/2019")
    assert (spec.kind, spec.date, spec.operator) == (ValueKind.DATE, date(2019, 12, 31), "<=")


def test_impossible_date_is_text_not_a_ratio_and_not_an_exception() -> None:
    spec = parse_value("31/02/2021")
    assert (spec.kind, spec.parsed, spec.raw) == (ValueKind.TEXT, False, "31/02/2021")


@pytest.mark.parametrize("raw", ["si", "sì", "Si", "SI", "Sì", "si'"])
def test_si_in_any_spelling_is_true(raw: str) -> None:
    spec = parse_value(raw)
    assert (spec.kind, spec.boolean, spec.value) == (ValueKind.BOOLEAN, True, None)


@pytest.mark.parametrize("raw", ["no", "No", "NO"])
def test_no_is_false(raw: str) -> None:
    spec = parse_value(raw)
    assert (spec.kind, spec.boolean) == (ValueKind.BOOLEAN, False)


def test_qualitative_text_is_text_not_understood() -> None:
    spec = parse_value("tutti i progetti attivi")
    assert spec == ValueSpec(
        raw="tutti i progetti attivi",
        kind=ValueKind.TEXT,
        operator="",
        value=None,
        numerator=None,
        denominator=None,
        date=None,
        boolean=None,
        parsed=False,
    )


@pytest.mark.parametrize("raw", ["", "  ", "\t"])
def test_empty_is_empty_and_understood(raw: str) -> None:
    spec = parse_value(raw)
    assert (spec.kind, spec.parsed, spec.raw) == (ValueKind.EMPTY, True, raw)


@pytest.mark.parametrize("raw", [">=", "=> molti", "12,3,4", "1.00.0", "si/no", "a/b", "1/2/3/4"])
def test_malformed_values_are_text(raw: str) -> None:
    spec = parse_value(raw)
    assert (spec.kind, spec.parsed, spec.raw) == (ValueKind.TEXT, False, raw)


def test_ratio_property_is_none_for_non_ratios() -> None:
    assert parse_value("12").ratio is None


@pytest.mark.parametrize(
    ("raw", "operator", "change", "year"),
    [
        ("Aumento del 30% rispetto alla baseline", ">=", Decimal(30), None),
        ("incremento del 12,5% rispetto al valore di baseline", ">=", Decimal("12.5"), None),
        ("Riduzione del 10% rispetto al 2023", "<=", Decimal(-10), 2023),
        ("diminuzione del 5 % rispetto all'anno 2022.", "<=", Decimal(-5), 2022),
        ("+15% sulla baseline", ">=", Decimal(15), None),
        ("-20% rispetto alla baseline 2024", "<=", Decimal(-20), 2024),
        ("Aumento del 10% sul 2022", ">=", Decimal(10), 2022),
        ("mantenimento della baseline", "", Decimal(0), None),
        ("Mantenimento del valore del 2023", "", Decimal(0), 2023),
        ("pari alla baseline", "=", Decimal(0), None),
        ("= baseline", "=", Decimal(0), None),
    ],
)
def test_a_target_relative_to_the_baseline_keeps_its_operator_change_and_year(
    raw: str, operator: str, change: Decimal, year: int | None
) -> None:
    spec = parse_value(raw)
    assert (spec.kind, spec.operator, spec.value, spec.reference_year, spec.parsed) == (
        ValueKind.RELATIVE,
        operator,
        change,
        year,
        True,
    )
    assert spec.raw == raw


@pytest.mark.parametrize(
    "raw",
    [
        "aumento del 30%",  # relative to what?
        "aumento di 5 rispetto alla baseline",  # an absolute change: not understood, never read as 5%
        "aumento del 10% rispetto al mese precedente",
        "riduzione del -10% rispetto alla baseline",
        "+-5% sulla baseline",
        "mantenimento",
        "mantenimento dei servizi",
        "pari a",
        "riduzione del 1,2,3% rispetto al 2023",
        "baseline",
    ],
)
def test_a_change_not_understood_stays_text(raw: str) -> None:
    spec = parse_value(raw)
    assert (spec.kind, spec.parsed, spec.value, spec.raw) == (ValueKind.TEXT, False, None, raw)


# Grown on real plans (issue 19): symbols written apart, comparisons in words with their articles, "no value".


@pytest.mark.parametrize(
    ("raw", "operator", "value"),
    [
        ("> = 90", ">=", "90"),
        ("< = 3", "<=", "3"),
        ("= > 4", ">=", "4"),
        ("maggiore o uguale a 90", ">=", "90"),
        ("non inferiore al 90%", ">=", "90"),
        ("almeno il 90%", ">=", "90"),
        ("superiore al 95%", ">", "95"),
        ("inferiore al 5%", "<", "5"),
        ("più del 10%", ">", "10"),
        ("minore o uguale a 2,5", "<=", "2.5"),
    ],
)
def test_comparisons_spaced_or_in_words_are_thresholds(raw: str, operator: str, value: str) -> None:
    spec = parse_value(raw)
    assert (spec.kind, spec.operator, spec.value, spec.raw) == (ValueKind.THRESHOLD, operator, Decimal(value), raw)


@pytest.mark.parametrize(
    "raw", ["-", "—", "–", "--", "n.d.", "N.D.", "n. d.", "nd", "N/D", "n.a.", "n/a", "non disponibile"]
)
def test_a_dash_or_not_available_is_no_value_kept_as_written(raw: str) -> None:
    spec = parse_value(raw)
    assert (spec.kind, spec.parsed, spec.raw, spec.value) == (ValueKind.EMPTY, True, raw, None)


@pytest.mark.parametrize("raw", ["almeno il", "> > 3", "il 90%", "pari a qualcosa"])
def test_a_comparison_word_without_an_amount_stays_text(raw: str) -> None:
    spec = parse_value(raw)
    assert (spec.kind, spec.parsed) == (ValueKind.TEXT, False)


@pytest.mark.parametrize(
    ("raw", "year"), [("pari alla baseline", None), ("pari al 2023", 2023), ("uguale al 2024", 2024)]
)
def test_equal_to_the_baseline_or_a_year_is_still_relative(raw: str, year: int | None) -> None:
    spec = parse_value(raw)
    assert (spec.kind, spec.operator, spec.value, spec.reference_year) == (ValueKind.RELATIVE, "=", Decimal(0), year)
