"""Dates read as Italian writes them: "6 dicembre 2026" (config/formats/it, locale/it), while English keeps its own."""

from __future__ import annotations

import datetime as dt

from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format


def test_an_italian_date_has_no_leading_zero_and_a_lower_case_month() -> None:
    with translation.override("it"):
        assert date_format(dt.date(2026, 12, 6)) == "6 dicembre 2026"
        assert date_format(dt.datetime(2026, 1, 6, 9, 5), "DATETIME_FORMAT") == "6 gennaio 2026, 09:05"
        assert date_format(dt.date(2026, 6, 2), "YEAR_MONTH_FORMAT") == "giugno 2026"
        assert Template("{{ day|date }}").render(Context({"day": dt.date(2026, 3, 1)})) == "1 marzo 2026"
        assert date_format(dt.date(2026, 12, 6), "SHORT_DATE_FORMAT") == "06/12/2026"  # tables keep the short form


def test_english_dates_stay_english() -> None:
    with translation.override("en"):
        assert date_format(dt.date(2026, 12, 6)) == "Dec. 6, 2026"
