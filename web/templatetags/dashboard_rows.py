"""The rows of the dashboard's table of slipped deadlines, rendered in Python: fifty of them on each page, where
Django's template engine spent more CPU than on everything else the page shows (bench_dashboard). The cells
are the template's own: the same filters (`truncatechars`, `date:"SHORT_DATE_FORMAT"`), every value escaped
as Django escapes it (`html.escape`), without the per-call overhead of format_html."""

from __future__ import annotations

import datetime as dt
import html
import unicodedata
from collections.abc import Callable
from typing import Any

from django import template
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from plans.models import WorkState

register = template.Library()

ROW = """<tr>
    <td><a href="{}">{}</a></td>
    <td>{} · {}</td>
    <td><span class="tg-state tg-state-{}">{}</span></td>
    <td>{}</td><td>{}</td>
    <td>{}</td><td>{}</td>
    <td class="text-end{}">{}</td>
    <td>{}</td>
  </tr>
"""


# Django's date format characters that strftime writes alike (zero-padded day and month, the year).
_STRFTIME = {"d": "%d", "m": "%m", "Y": "%Y", "y": "%y"}


def _date_writer(django_format: str) -> Callable[[dt.date], str]:
    """`date:django_format` as a function: with strftime when the format has only characters it writes alike
    (the SHORT_DATE_FORMAT of Italian, d/m/Y, and of English, m/d/Y), otherwise with Django's dateformat."""
    if all(char in _STRFTIME or (not char.isalpha() and char not in "\\%") for char in django_format):
        pattern = "".join(_STRFTIME.get(char, char) for char in django_format)
        return lambda value: value.strftime(pattern)
    return lambda value: format_date(value, django_format)


def _truncated(text: str, length: int) -> str:
    """`truncatechars:length`; a text already short (and NFC, as Truncator gives it back) is returned as is."""
    if len(text) <= length and unicodedata.is_normalized("NFC", text):
        return text
    return Truncator(text).chars(length)


def _cells(row: dict[str, Any], write_date: Callable[[dt.date], str]) -> tuple[Any, ...]:
    if row["kind"] == "activity":
        label = _truncated(row["title"], 140)
    else:
        label = f"{gettext('Obiettivo')} {row['objective_code']}: {_truncated(row['title'], 120)}"
    ended = "—"
    if row["state"] == WorkState.CONCLUSO and row["actual_end"]:
        ended = write_date(row["actual_end"])
    owner = " ".join(name for name in (row["owner_first"], row["owner_last"]) if name)
    return (
        row["url"],
        label,
        row["plan_code"],
        row["objective_code"],
        row["state"],
        row["state_label"],
        row["planned_raw"],
        row["actual_raw"],
        write_date(row["planned_end"]) if row["planned_end"] else "",
        ended,
        " tg-late" if row["days_late"] else "",
        row["days_late"],
        owner,
    )


@register.simple_tag
def slipped_rows(rows: list[dict[str, Any]]) -> SafeString:
    """`<tr>` elements for the rows of one area (web.views.dashboard._grouped)."""
    write_date = _date_writer(get_format("SHORT_DATE_FORMAT"))  # the active language's, as the filter reads it
    return mark_safe(  # every value escaped: html.escape, as django.utils.html.escape
        "".join(ROW.format(*(html.escape(str(cell)) for cell in _cells(row, write_date))) for row in rows)
    )
