"""Property-based tests of the Italian value parsers."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from plans.parsing import (
    TimeHint,
    TimeKind,
    ValueKind,
    parse_italian_decimal,
    parse_time,
    parse_value,
)
from plans.parsing.months import MONTH_NAMES

# No example database: the tests leave no files behind in the project.
PROPERTIES = settings(database=None, deadline=None, max_examples=300)

plan_years = st.integers(min_value=1901, max_value=2198)
padding = st.text(alphabet=" \t\n\u00a0", max_size=3)


@st.composite
def any_case(draw: st.DrawFn, word: str) -> str:
    uppers = draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
    return "".join(char.upper() if upper else char for char, upper in zip(word, uppers, strict=True))


month_numbers = st.integers(min_value=1, max_value=12)


def _month_text(draw: st.DrawFn, month: int) -> str:
    return draw(padding) + draw(any_case(MONTH_NAMES[month - 1])) + draw(padding)


@st.composite
def month_texts(draw: st.DrawFn) -> tuple[int, str]:
    month = draw(month_numbers)
    return month, _month_text(draw, month)


def italian(value: Decimal, *, grouped: bool) -> str:
    """Format a Decimal the Italian way, independently of the parser."""
    text = format(value, "f")
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, fraction = text.partition(".")
    if grouped:
        whole = f"{int(whole):,}".replace(",", ".")
    return sign + whole + ("," + fraction if fraction else "")


decimals = st.integers(min_value=0, max_value=6).flatmap(
    lambda places: st.decimals(
        min_value=Decimal(-(10**15)),
        max_value=Decimal(10**15),
        allow_nan=False,
        allow_infinity=False,
        places=places,
    )
)

# Fragments that look like the real values, so that arbitrary combinations hit the grammar.
FRAGMENTS = [
    *MONTH_NAMES,
    "Sett.",
    "avviato",
    "entro",
    "fine",
    "no",
    "si",
    "sì",
    "Annuale",
    "2021",
    "2022",
    "0000",
    "31",
    "12",
    "02",
    "1.000",
    "1,5",
    "/",
    "-",
    "\u2013",
    " ",
    "(",
    ")",
    "%",
    "=>",
    ">=",
    "≤",
    ".",
    ",",
    " e ",
    "da ",
    " a ",
    "€",
]
lookalikes = st.lists(st.sampled_from(FRAGMENTS), max_size=8).map("".join)
texts = st.one_of(st.text(), lookalikes)


@PROPERTIES
@given(month_texts(), plan_years)
def test_any_month_name_in_any_case_and_padding_is_that_month_of_the_plan_year(
    month_and_text: tuple[int, str], year: int
) -> None:
    month, text = month_and_text
    spec = parse_time(text, year=year)
    assert spec.kind is TimeKind.MONTH
    assert spec.start == date(year, month, 1)
    assert spec.end == date(year, month, calendar.monthrange(year, month)[1])
    assert spec.raw == text
    assert spec.parsed is True


@PROPERTIES
@given(month_texts(), st.integers(min_value=1900, max_value=2199), plan_years)
def test_any_month_with_an_explicit_year_is_that_month_of_that_year(
    month_and_text: tuple[int, str], written_year: int, plan_year: int
) -> None:
    month, text = month_and_text
    spec = parse_time(f"{text} {written_year}", year=plan_year)
    assert spec.kind is TimeKind.MONTH
    assert spec.end == date(written_year, month, calendar.monthrange(written_year, month)[1])
    assert spec.spills_over(plan_year) is (written_year > plan_year)


@PROPERTIES
@given(decimals, st.booleans())
def test_any_decimal_formatted_the_italian_way_parses_back_to_the_same_decimal(value: Decimal, grouped: bool) -> None:
    text = italian(value, grouped=grouped)
    parsed = parse_italian_decimal(text)
    assert parsed == value
    assert parsed.as_tuple() == value.as_tuple()
    spec = parse_value(text)
    assert spec.kind is ValueKind.NUMBER
    assert spec.value == value


@PROPERTIES
@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=10**9), st.booleans())
def test_any_integer_ratio_is_a_ratio_of_the_same_numbers(numerator: int, denominator: int, spaced: bool) -> None:
    text = f"{numerator} / {denominator}" if spaced else f"{numerator}/{denominator}"
    spec = parse_value(text)
    assert spec.kind is ValueKind.RATIO
    assert (spec.numerator, spec.denominator) == (Decimal(numerator), Decimal(denominator))
    assert spec.value is None
    if denominator:
        assert spec.ratio == Decimal(numerator) / Decimal(denominator)
    else:
        assert spec.ratio is None


@PROPERTIES
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)), st.booleans(), plan_years)
def test_any_valid_date_d_m_yyyy_is_that_date(day: date, zero_padded: bool, year: int) -> None:
    text = f"{day:%d/%m/%Y}" if zero_padded else f"{day.day}/{day.month}/{day.year}"
    value = parse_value(text)
    assert (value.kind, value.date) == (ValueKind.DATE, day)
    time = parse_time(text, year=year)
    assert (time.kind, time.start, time.end) == (TimeKind.DATE, day, day)


@PROPERTIES
@given(texts, plan_years)
def test_parse_time_never_raises_and_keeps_the_raw_text(text: str, year: int) -> None:
    spec = parse_time(text, year=year)
    assert spec.raw == text
    assert spec.parsed is (spec.kind is not TimeKind.TEXT)
    if spec.start is not None and spec.end is not None:
        assert spec.start <= spec.end
    if spec.kind is TimeKind.CHECKPOINTS:
        assert list(spec.checkpoints) == sorted(set(spec.checkpoints))
        assert spec.end == spec.checkpoints[-1]
    if spec.kind is TimeKind.TEXT:
        assert (spec.start, spec.end, spec.checkpoints, spec.hint, spec.remark) == (
            None,
            None,
            (),
            TimeHint.NONE,
            "",
        )
    assert isinstance(spec.spills_over(year), bool)


@PROPERTIES
@given(texts)
def test_parse_value_never_raises_and_keeps_the_raw_text(text: str) -> None:
    spec = parse_value(text)
    assert spec.raw == text
    assert spec.parsed is (spec.kind is not ValueKind.TEXT)
    if spec.kind is ValueKind.RATIO:
        assert spec.numerator is not None
        assert spec.denominator is not None
    if spec.kind in {ValueKind.NUMBER, ValueKind.PERCENT, ValueKind.THRESHOLD}:
        assert spec.value is not None
    if spec.kind is ValueKind.THRESHOLD:
        assert spec.operator in {">=", "<=", ">", "<", "="}
    assert spec.operator in {"", ">=", "<=", ">", "<", "="}


@PROPERTIES
@given(texts)
def test_parse_italian_decimal_raises_only_value_error(text: str) -> None:
    try:
        parse_italian_decimal(text)
    except ValueError as error:
        assert "atteso un numero in formato italiano" in str(error)


remarks = st.text(
    alphabet=st.sampled_from("abcdefghilmnopqrstuvzàèéìòù ABCDEFGHILMNOPQRSTUVZ0123456789.,;:'-/%"),
    min_size=1,
    max_size=60,
).filter(str.strip)


@PROPERTIES
@given(month_texts(), remarks, plan_years)
def test_month_followed_by_a_remark_keeps_the_month_and_the_remark(
    month_and_text: tuple[int, str], remark: str, year: int
) -> None:
    month, text = month_and_text
    spec = parse_time(f"{text} ({remark})", year=year)
    assert spec.kind is TimeKind.MONTH
    assert spec.start == date(year, month, 1)
    assert spec.remark == " ".join(remark.split())


@PROPERTIES
@given(
    change=st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False, allow_infinity=False),
    increase=st.booleans(),
    words=st.booleans(),
    year=st.one_of(st.none(), st.integers(min_value=1990, max_value=2100)),
    grouped=st.booleans(),
)
def test_any_change_against_the_baseline_parses_to_that_change_operator_and_year(
    change: Decimal, increase: bool, words: bool, year: int | None, grouped: bool
) -> None:
    amount = italian(change, grouped=grouped) + "%"
    reference = "alla baseline" if year is None else f"al {year}"
    if words:
        text = f"{'Aumento' if increase else 'Riduzione'} del {amount} rispetto {reference}"
    else:
        text = f"{'+' if increase else '-'}{amount} rispetto {reference}"
    spec = parse_value(text)
    assert spec.kind is ValueKind.RELATIVE
    assert spec.value == (change if increase else -change)
    assert (spec.operator, spec.reference_year) == (">=" if increase else "<=", year)
