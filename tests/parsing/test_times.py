"""Planned and actual times ("Tempi" / "Consuntivo"): examples. The plan year is 2021."""

from __future__ import annotations

from datetime import date

import pytest

from plans.parsing import TimeHint, TimeKind, TimeSpec, parse_time

YEAR = 2021


def parse(raw: str) -> TimeSpec:
    return parse_time(raw, year=YEAR)


@pytest.mark.parametrize("raw", ["Maggio", "maggio", "MAGGIO", " Maggio ", "Maggio.", "Mag", "mag."])
def test_month_name_in_any_case_means_by_the_end_of_that_month_of_the_plan_year(raw: str) -> None:
    spec = parse(raw)
    assert spec.kind is TimeKind.MONTH
    assert (spec.start, spec.end) == (date(2021, 5, 1), date(2021, 5, 31))
    assert spec.checkpoints == ()
    assert spec.hint is TimeHint.NONE
    assert spec.parsed is True
    assert spec.raw == raw


def test_lower_case_december_ends_on_the_last_day_of_the_year() -> None:
    spec = parse("dicembre")
    assert spec.kind is TimeKind.MONTH
    assert (spec.start, spec.end) == (date(2021, 12, 1), date(2021, 12, 31))


def test_february_ends_on_its_last_day_in_a_leap_year() -> None:
    assert parse_time("Febbraio", year=2024).end == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("raw", "month", "last_day"),
    [("Gen", 1, 31), ("Genn.", 1, 31), ("Sett.", 9, 30), ("sett", 9, 30), ("Dic", 12, 31), ("Ott.", 10, 31)],
)
def test_month_abbreviations_are_months(raw: str, month: int, last_day: int) -> None:
    spec = parse(raw)
    assert spec.kind is TimeKind.MONTH
    assert (spec.start, spec.end) == (date(2021, month, 1), date(2021, month, last_day))


def test_two_months_with_a_slash_are_two_checkpoints() -> None:
    spec = parse("Giugno/Ottobre")
    assert spec.kind is TimeKind.CHECKPOINTS
    assert spec.checkpoints == (date(2021, 6, 30), date(2021, 10, 31))
    assert (spec.start, spec.end) == (date(2021, 6, 1), date(2021, 10, 31))


def test_july_november_checkpoints() -> None:
    spec = parse("Luglio/Novembre")
    assert spec.kind is TimeKind.CHECKPOINTS
    assert spec.checkpoints == (date(2021, 7, 31), date(2021, 11, 30))
    assert (spec.start, spec.end) == (date(2021, 7, 1), date(2021, 11, 30))


@pytest.mark.parametrize("raw", ["Giugno e Ottobre", "Giugno, Ottobre", "giugno / ottobre"])
def test_checkpoints_can_be_listed_with_e_or_commas(raw: str) -> None:
    spec = parse(raw)
    assert spec.kind is TimeKind.CHECKPOINTS
    assert spec.checkpoints == (date(2021, 6, 30), date(2021, 10, 31))


def test_a_checkpoint_before_the_previous_one_rolls_into_the_next_year() -> None:
    spec = parse("Ottobre/Febbraio")
    assert spec.checkpoints == (date(2021, 10, 31), date(2022, 2, 28))
    assert spec.spills_over(2021)


@pytest.mark.parametrize(
    "raw", ["Maggio-Settembre", "Maggio - Settembre", "Maggio\u2013Settembre", "Maggio \u2014 Settembre"]
)
def test_two_months_with_a_dash_are_a_range(raw: str) -> None:
    spec = parse(raw)
    assert spec.kind is TimeKind.RANGE
    assert (spec.start, spec.end) == (date(2021, 5, 1), date(2021, 9, 30))
    assert spec.checkpoints == ()


def test_january_december_is_a_range_covering_the_year() -> None:
    spec = parse("Gennaio-Dicembre")
    assert spec.kind is TimeKind.RANGE
    assert (spec.start, spec.end) == (date(2021, 1, 1), date(2021, 12, 31))


def test_da_a_is_a_range() -> None:
    spec = parse("da Maggio a Settembre")
    assert spec.kind is TimeKind.RANGE
    assert (spec.start, spec.end) == (date(2021, 5, 1), date(2021, 9, 30))


def test_a_range_ending_in_an_earlier_month_ends_next_year() -> None:
    spec = parse("Ottobre-Marzo")
    assert (spec.start, spec.end) == (date(2021, 10, 1), date(2022, 3, 31))


def test_a_range_with_only_the_end_year_starts_in_the_year_before_when_needed() -> None:
    spec = parse("Novembre-Febbraio 2022")
    assert (spec.start, spec.end) == (date(2021, 11, 1), date(2022, 2, 28))


def test_a_range_of_dates() -> None:
    spec = parse("01/05/2021-30/09/2021")
    assert spec.kind is TimeKind.RANGE
    assert (spec.start, spec.end) == (date(2021, 5, 1), date(2021, 9, 30))


def test_a_backwards_range_with_explicit_years_is_text() -> None:
    spec = parse("Marzo 2022-Gennaio 2021")
    assert (spec.kind, spec.parsed) == (TimeKind.TEXT, False)


def test_annuale_covers_the_whole_plan_year() -> None:
    spec = parse("Annuale")
    assert spec.kind is TimeKind.ANNUAL
    assert (spec.start, spec.end) == (date(2021, 1, 1), date(2021, 12, 31))
    assert not spec.spills_over(2021)


def test_month_with_a_later_year_spills_over() -> None:
    spec = parse("Marzo 2022")
    assert spec.kind is TimeKind.MONTH
    assert (spec.start, spec.end) == (date(2022, 3, 1), date(2022, 3, 31))
    assert spec.spills_over(2021)
    assert not spec.spills_over(2022)


def test_month_with_the_plan_year_does_not_spill_over() -> None:
    spec = parse("Giugno 2021")
    assert spec.kind is TimeKind.MONTH
    assert (spec.start, spec.end) == (date(2021, 6, 1), date(2021, 6, 30))
    assert not spec.spills_over(2021)


def test_numeric_month_and_year() -> None:
    spec = parse("06/2021")
    assert spec.kind is TimeKind.MONTH
    assert (spec.start, spec.end) == (date(2021, 6, 1), date(2021, 6, 30))


def test_a_bare_year_is_the_whole_of_that_year() -> None:
    spec = parse("2022")
    assert spec.kind is TimeKind.YEAR
    assert (spec.start, spec.end) == (date(2022, 1, 1), date(2022, 12, 31))
    assert spec.spills_over(2021)


def test_avviato_month_means_started_that_month_and_not_finished() -> None:
    spec = parse("avviato Luglio")
    assert spec.kind is TimeKind.MONTH
    assert spec.hint is TimeHint.STARTED
    assert spec.start == date(2021, 7, 1)
    assert spec.end is None
    assert spec.parsed is True


def test_avviato_alone_is_started_without_a_time() -> None:
    spec = parse("Avviato")
    assert (spec.kind, spec.hint, spec.start, spec.end) == (TimeKind.EMPTY, TimeHint.STARTED, None, None)


def test_started_in_a_later_year_spills_over_even_without_an_end() -> None:
    assert parse("avviato Marzo 2022").spills_over(2021)
    assert not parse("avviato Luglio").spills_over(2021)


@pytest.mark.parametrize("raw", ["No", "no", "NO", "No.", "non realizzato"])
def test_no_means_not_done_with_no_dates(raw: str) -> None:
    spec = parse(raw)
    assert spec.kind is TimeKind.EMPTY
    assert spec.hint is TimeHint.NOT_DONE
    assert (spec.start, spec.end, spec.checkpoints) == (None, None, ())
    assert spec.parsed is True
    assert not spec.spills_over(2021)


def test_month_followed_by_a_remark_in_parentheses_keeps_the_remark() -> None:
    raw = "Dicembre (si rileva la necessità di attivare un percorso di co-programmazione)"
    spec = parse(raw)
    assert spec.kind is TimeKind.MONTH
    assert (spec.start, spec.end) == (date(2021, 12, 1), date(2021, 12, 31))
    assert spec.remark == "si rileva la necessità di attivare un percorso di co-programmazione"
    assert spec.raw == raw


def test_not_done_with_a_reason_keeps_the_reason() -> None:
    spec = parse("No (rinviato al 2022)")
    assert (spec.kind, spec.hint, spec.remark) == (TimeKind.EMPTY, TimeHint.NOT_DONE, "rinviato al 2022")


def test_free_text_with_a_slash_is_text_not_checkpoints() -> None:
    raw = "Attivo il Tavolo di lavoro ASL TO4/EE.GG."
    spec = parse(raw)
    assert spec.kind is TimeKind.TEXT
    assert spec.parsed is False
    assert spec.remark == ""
    assert spec.raw == raw
    assert (spec.start, spec.end, spec.checkpoints, spec.hint) == (None, None, (), TimeHint.NONE)


def test_only_a_remark_is_text() -> None:
    spec = parse("(vedi relazione)")
    assert (spec.kind, spec.parsed, spec.remark) == (TimeKind.TEXT, False, "")


@pytest.mark.parametrize("raw", ["31/12/2019", "31.12.2019", "31-12-2019", "31 / 12 / 2019"])
def test_a_full_date_is_that_day(raw: str) -> None:
    spec = parse(raw)
    assert spec.kind is TimeKind.DATE
    assert spec.start == spec.end == date(2019, 12, 31)


def test_a_date_in_the_plan_year() -> None:
    spec = parse("30/06/2021")
    assert (spec.kind, spec.start, spec.end) == (TimeKind.DATE, date(2021, 6, 30), date(2021, 6, 30))


@pytest.mark.parametrize("raw", ["31/02/2021", "32/01/2021", "15/13/2021", "01/01/0000"])
def test_an_impossible_date_is_text_not_an_exception(raw: str) -> None:
    spec = parse(raw)
    assert (spec.kind, spec.parsed, spec.raw) == (TimeKind.TEXT, False, raw)


@pytest.mark.parametrize("raw", ["", "   ", "\t\n"])
def test_empty_or_blank_is_empty_and_understood(raw: str) -> None:
    spec = parse(raw)
    assert (spec.kind, spec.parsed, spec.hint) == (TimeKind.EMPTY, True, TimeHint.NONE)
    assert (spec.start, spec.end) == (None, None)


@pytest.mark.parametrize(
    "raw", ["entro Giugno", "fine Giugno", "Entro fine Giugno", "entro il mese di giugno", "a fine giugno"]
)
def test_deadline_words_before_a_month_mean_that_month(raw: str) -> None:
    spec = parse(raw)
    assert spec.kind is TimeKind.MONTH
    assert (spec.start, spec.end) == (date(2021, 6, 1), date(2021, 6, 30))


def test_entro_a_date_is_that_date() -> None:
    spec = parse("entro il 30/06/2021")
    assert (spec.kind, spec.end) == (TimeKind.DATE, date(2021, 6, 30))


@pytest.mark.parametrize("raw", ["entro l'anno", "entro fine anno", "fine anno", "entro l\u2019anno"])
def test_by_the_end_of_the_year_means_december_of_the_plan_year(raw: str) -> None:
    spec = parse(raw)
    assert (spec.kind, spec.start, spec.end) == (TimeKind.MONTH, date(2021, 12, 1), date(2021, 12, 31))


@pytest.mark.parametrize("raw", ["Maggio 0000", "Maggio 2022 bis", "Maggiolino", "in corso d'opera", "?"])
def test_unrecognised_text_is_kept_as_text(raw: str) -> None:
    spec = parse(raw)
    assert (spec.kind, spec.parsed, spec.raw, spec.remark) == (TimeKind.TEXT, False, raw, "")


def test_time_spec_is_immutable() -> None:
    spec = parse("Maggio")
    with pytest.raises(AttributeError):
        spec.kind = TimeKind.TEXT  # type: ignore[misc]


# Grown on real plans (issue 19): a start with no end, a separator left after the month, "no value" written.


@pytest.mark.parametrize(
    ("raw", "kind", "start"),
    [
        ("da marzo 2021", TimeKind.MONTH, date(2021, 3, 1)),
        ("Da Marzo", TimeKind.MONTH, date(2021, 3, 1)),
        ("a partire da aprile 2021", TimeKind.MONTH, date(2021, 4, 1)),
        ("A decorrere dal 01/03/2021", TimeKind.DATE, date(2021, 3, 1)),
        ("dal 2021 in poi", TimeKind.YEAR, date(2021, 1, 1)),
        ("settembre 2021 e seguenti", TimeKind.MONTH, date(2021, 9, 1)),
        ("Marzo 2021 -", TimeKind.MONTH, date(2021, 3, 1)),
        ("Marzo –", TimeKind.MONTH, date(2021, 3, 1)),
    ],
)
def test_a_start_with_no_end_is_open_from_that_start(raw: str, kind: TimeKind, start: date) -> None:
    spec = parse(raw)
    assert (spec.kind, spec.start, spec.end, spec.hint, spec.parsed) == (kind, start, None, TimeHint.OPEN, True)
    assert spec.raw == raw


@pytest.mark.parametrize(
    ("raw", "start"),
    [
        ("da marzo 2021, in corso", date(2021, 3, 1)),
        ("Marzo 2021 - in corso", date(2021, 3, 1)),
        ("dal 2021 tuttora in corso", date(2021, 1, 1)),
    ],
)
def test_a_start_followed_by_in_corso_is_under_way(raw: str, start: date) -> None:
    spec = parse(raw)
    assert (spec.hint, spec.start, spec.end, spec.parsed) == (TimeHint.STARTED, start, None, True)


@pytest.mark.parametrize(("raw", "month"), [("Giugno /", 6), ("Dicembre 2021/", 12), ("Marzo 2021;", 3)])
def test_a_separator_left_after_the_month_is_ignored(raw: str, month: int) -> None:
    spec = parse(raw)
    assert (spec.kind, spec.start.month if spec.start else None, spec.hint) == (TimeKind.MONTH, month, TimeHint.NONE)
    assert spec.end is not None and spec.end.month == month


@pytest.mark.parametrize("raw", ["-", "—", "–", "n.d.", "n. d.", "N/D", "n.a."])
def test_a_dash_or_not_available_is_no_time_kept_as_written(raw: str) -> None:
    spec = parse(raw)
    assert (spec.kind, spec.parsed, spec.raw) == (TimeKind.EMPTY, True, raw)


@pytest.mark.parametrize("raw", ["da", "in poi", "- marzo", "da qualche parte", "dal tavolo di lavoro in poi"])
def test_an_opening_word_without_a_time_stays_text(raw: str) -> None:
    spec = parse(raw)
    assert (spec.kind, spec.parsed) == (TimeKind.TEXT, False)


def test_da_a_is_still_a_range() -> None:
    spec = parse("da marzo a giugno")
    assert (spec.kind, spec.start, spec.end) == (TimeKind.RANGE, date(2021, 3, 1), date(2021, 6, 30))
    assert spec.hint is TimeHint.NONE
