"""The shortcuts of web/templatetags/dashboard_rows.py give what Django's filters give."""

from __future__ import annotations

import datetime as dt

from django.utils.dateformat import format as format_date
from django.utils.text import Truncator

from web.templatetags.dashboard_rows import _date_writer, _truncated

DAYS = [dt.date(2026, 1, 5), dt.date(2026, 12, 31), dt.date(1999, 7, 4), dt.date(2030, 10, 9)]


def test_dates_are_written_as_the_date_filter_writes_them() -> None:
    for django_format in ("d/m/Y", "m/d/Y", "Y-m-d", "d.m.y", "j F Y", "N j, Y", r"d \d\i m", "d%m%Y"):
        write = _date_writer(django_format)
        assert [write(day) for day in DAYS] == [format_date(day, django_format) for day in DAYS], django_format


def test_titles_are_cut_as_truncatechars_cuts_them() -> None:
    decomposed = "Citta\u0300 e perife\u0301rie"  # not NFC: Truncator gives it back composed
    for text in ("Mappatura degli sportelli", "x" * 140, "y" * 141, "Servizi " * 30, decomposed, ""):
        for length in (10, 120, 140):
            assert _truncated(text, length) == Truncator(text).chars(length), (text, length)
    assert _truncated(decomposed, 140) == "Città e periférie"
