"""Every time and indicator value of the seed documents parses to its right meaning.

Seed 002 is the "Relazione sulla Performance 2021" (plan year 2021): its activity tables
have "Tempi" and "Consuntivo", its indicator tables "Valore atteso" and "Valore consuntivo".
Seed 001 is a 2019 PEG sheet with the expected indicator values for 2019, 2020 and 2021,
and a budget table in Italian number format.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

import pytest

from plans.parsing import (
    TimeHint,
    TimeKind,
    TimeSpec,
    ValueKind,
    ValueSpec,
    parse_italian_decimal,
    parse_time,
    parse_value,
)
from tests.parsing.seeds import PEG_2019, PERFORMANCE_REPORT_2021, SEEDS_DIR, distinct, table_rows

pytestmark = pytest.mark.skipif(
    not SEEDS_DIR.is_dir(), reason=f"seed documents not found at {SEEDS_DIR} (shared folder absent)"
)

d = date
M, R, C, Y, A, E, T = (
    TimeKind.MONTH,
    TimeKind.RANGE,
    TimeKind.CHECKPOINTS,
    TimeKind.YEAR,
    TimeKind.ANNUAL,
    TimeKind.EMPTY,
    TimeKind.TEXT,
)


class Time(NamedTuple):
    """The expected TimeSpec, without ``raw``; same field order as TimeSpec."""

    kind: TimeKind
    start: date | None = None
    end: date | None = None
    checkpoints: tuple[date, ...] = ()
    hint: TimeHint = TimeHint.NONE
    remark: str = ""
    parsed: bool = True


class Value(NamedTuple):
    """The expected ValueSpec, without ``raw``; same field order as ValueSpec."""

    kind: ValueKind
    operator: str = ""
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    date: date | None = None
    boolean: bool | None = None
    parsed: bool = True


REMARK = "si rileva la necessità di attivare un percorso di co-programmazione"

# Every distinct "Tempi" / "Consuntivo" value of seed 002, plan year 2021.
EXPECTED_TIMES_002: dict[str, Time] = {
    "Febbraio": Time(M, d(2021, 2, 1), d(2021, 2, 28)),
    "Marzo": Time(M, d(2021, 3, 1), d(2021, 3, 31)),
    "Aprile": Time(M, d(2021, 4, 1), d(2021, 4, 30)),
    "Maggio": Time(M, d(2021, 5, 1), d(2021, 5, 31)),
    "Giugno": Time(M, d(2021, 6, 1), d(2021, 6, 30)),
    "Luglio": Time(M, d(2021, 7, 1), d(2021, 7, 31)),
    "Settembre": Time(M, d(2021, 9, 1), d(2021, 9, 30)),
    "Ottobre": Time(M, d(2021, 10, 1), d(2021, 10, 31)),
    "Novembre": Time(M, d(2021, 11, 1), d(2021, 11, 30)),
    "Dicembre": Time(M, d(2021, 12, 1), d(2021, 12, 31)),
    "dicembre": Time(M, d(2021, 12, 1), d(2021, 12, 31)),
    "Febbraio 2022": Time(M, d(2022, 2, 1), d(2022, 2, 28)),
    "Marzo 2022": Time(M, d(2022, 3, 1), d(2022, 3, 31)),
    "Aprile 2022": Time(M, d(2022, 4, 1), d(2022, 4, 30)),
    "Maggio 2022": Time(M, d(2022, 5, 1), d(2022, 5, 31)),
    "Giugno 2022": Time(M, d(2022, 6, 1), d(2022, 6, 30)),
    "Settembre 2022": Time(M, d(2022, 9, 1), d(2022, 9, 30)),
    "2022": Time(Y, d(2022, 1, 1), d(2022, 12, 31)),
    "Annuale": Time(A, d(2021, 1, 1), d(2021, 12, 31)),
    "Maggio-Settembre": Time(R, d(2021, 5, 1), d(2021, 9, 30)),
    "Aprile-Dicembre": Time(R, d(2021, 4, 1), d(2021, 12, 31)),
    "Giugno/Ottobre": Time(C, d(2021, 6, 1), d(2021, 10, 31), (d(2021, 6, 30), d(2021, 10, 31))),
    "Luglio/Novembre": Time(C, d(2021, 7, 1), d(2021, 11, 30), (d(2021, 7, 31), d(2021, 11, 30))),
    "avviato Luglio": Time(M, d(2021, 7, 1), None, hint=TimeHint.STARTED),
    "No": Time(E, hint=TimeHint.NOT_DONE),
    "no": Time(E, hint=TimeHint.NOT_DONE),
    f"Dicembre ({REMARK})": Time(M, d(2021, 12, 1), d(2021, 12, 31), remark=REMARK),
    "Attivo il Tavolo di lavoro ASL TO4/EE.GG.": Time(T, parsed=False),
}

# Which times spill past the plan year 2021 (the rest stay within it).
SPILLING_OVER_2021 = {
    "Febbraio 2022",
    "Marzo 2022",
    "Aprile 2022",
    "Maggio 2022",
    "Giugno 2022",
    "Settembre 2022",
    "2022",
}

N = ValueKind.NUMBER
P = ValueKind.PERCENT
Q = ValueKind.RATIO


def number(text: str) -> Value:
    return Value(N, value=Decimal(text))


def percent(text: str) -> Value:
    return Value(P, value=Decimal(text))


def ratio(numerator: int, denominator: int) -> Value:
    return Value(Q, numerator=Decimal(numerator), denominator=Decimal(denominator))


# Every distinct "Valore atteso" / "Valore consuntivo" of seed 002.
EXPECTED_VALUES_002: dict[str, Value] = {
    **{text: number(text) for text in ["0", "1", "2", "3", "4", "5", "6", "7", "8", "10", "11", "12"]},
    **{text: number(text) for text in ["15", "16", "20", "22", "30", "40", "60", "70", "72", "83", "100"]},
    "50%": percent("50"),
    "60%": percent("60"),
    "90%": percent("90"),
    "95%": percent("95"),
    "100%": percent("100"),
    "si": Value(ValueKind.BOOLEAN, boolean=True),
    # "no" is also written as the actual value of count indicators (unit "n.") that were not
    # measured; the parser is context-free, the importer reads it together with the unit.
    "no": Value(ValueKind.BOOLEAN, boolean=False),
    "tutti i progetti attivi": Value(ValueKind.TEXT, parsed=False),
}

# Every distinct "Valore Atteso" (2019, 2020, 2021) of seed 001.
EXPECTED_VALUES_001: dict[str, Value] = {
    "150/1600": ratio(150, 1600),
    "300/75": ratio(300, 75),
    "75/94": ratio(75, 94),
    "55/55": ratio(55, 55),
    "520/520": ratio(520, 520),
    "200/200": ratio(200, 200),
    "6/6": ratio(6, 6),
    "4/4": ratio(4, 4),
    "18/18": ratio(18, 18),
    "3/3": ratio(3, 3),
    "=>4": Value(ValueKind.THRESHOLD, ">=", Decimal(4)),
    "=>8": Value(ValueKind.THRESHOLD, ">=", Decimal(8)),
    "24000": number("24000"),
    "1100": number("1100"),
    "72": number("72"),
    "26": number("26"),
    "4": number("4"),
    "2": number("2"),
    "1,00": number("1.00"),
    "75%": percent("75"),
    "31/12/2019": Value(ValueKind.DATE, date=d(2019, 12, 31)),
    # The deadline indicators have a target for 2019 only: the 2020 and 2021 cells are empty.
    "": Value(ValueKind.EMPTY),
}

# The budget of the linked objectives of seed 001 ("Entrata" / "Spesa").
EXPECTED_BUDGET_001: dict[str, str] = {
    "6.195.143,71": "6195143.71",
    "7.107.237,18": "7107237.18",
    "298.395,00": "298395.00",
    "701.058,36": "701058.36",
    "805.084,97": "805084.97",
    "1.963.975,99": "1963975.99",
    "0,00": "0.00",
    "42.829,14": "42829.14",
}


def _times_002() -> list[tuple[str, ...]]:
    return table_rows(PERFORMANCE_REPORT_2021, ("tempi", "consuntivo"))


def _values_002() -> list[tuple[str, ...]]:
    return table_rows(PERFORMANCE_REPORT_2021, ("valore atteso", "valore consuntivo"))


def _values_001() -> list[tuple[str, ...]]:
    return table_rows(PEG_2019, ("valore atteso", "valore atteso 2020", "valore atteso 2021"))


def test_seed_extraction_finds_every_row() -> None:
    assert len(_times_002()) == 93
    assert len(_values_002()) == 53
    assert len(_values_001()) == 25
    assert len(table_rows(PEG_2019, ("entrata", "spesa"))) == 6


def test_expected_time_table_covers_exactly_the_seed_002_times() -> None:
    assert distinct(_times_002()) == set(EXPECTED_TIMES_002)


def test_expected_value_tables_cover_exactly_the_seed_values() -> None:
    assert distinct(_values_002()) == set(EXPECTED_VALUES_002)
    assert distinct(_values_001()) == set(EXPECTED_VALUES_001)
    assert distinct(table_rows(PEG_2019, ("entrata", "spesa"))) == set(EXPECTED_BUDGET_001)


@pytest.mark.parametrize(("raw", "expected"), EXPECTED_TIMES_002.items())
def test_seed_002_time_parses_to_its_meaning(raw: str, expected: Time) -> None:
    spec = parse_time(raw, year=2021)
    assert spec == TimeSpec(raw, *expected)
    assert spec.spills_over(2021) is (raw in SPILLING_OVER_2021)


def _assert_value(raw: str, expected: Value) -> None:
    spec = parse_value(raw)
    assert spec == ValueSpec(raw, *expected)
    if expected.value is not None:
        assert spec.value is not None
        assert spec.value.as_tuple() == expected.value.as_tuple(), "the scale must be kept as written"


@pytest.mark.parametrize(("raw", "expected"), EXPECTED_VALUES_002.items())
def test_seed_002_indicator_value_parses_to_its_meaning(raw: str, expected: Value) -> None:
    _assert_value(raw, expected)


@pytest.mark.parametrize(("raw", "expected"), EXPECTED_VALUES_001.items())
def test_seed_001_expected_value_parses_to_its_meaning(raw: str, expected: Value) -> None:
    _assert_value(raw, expected)


@pytest.mark.parametrize(("raw", "expected"), EXPECTED_BUDGET_001.items())
def test_seed_001_budget_amount_parses_to_the_same_decimal(raw: str, expected: str) -> None:
    assert parse_italian_decimal(raw).as_tuple() == Decimal(expected).as_tuple()
    assert parse_value(raw) == ValueSpec(raw, *number(expected))


def test_every_seed_activity_row_is_understood_except_the_free_text_one() -> None:
    not_understood = [
        (planned, actual)
        for planned, actual in _times_002()
        if not (parse_time(planned, year=2021).parsed and parse_time(actual, year=2021).parsed)
    ]
    assert not_understood == [("Dicembre", "Attivo il Tavolo di lavoro ASL TO4/EE.GG.")]
