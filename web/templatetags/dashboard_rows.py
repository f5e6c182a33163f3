"""The rows of the dashboard's table of slipped deadlines, rendered in Python: fifty of them on each page, where
Django's template engine spent more CPU than on everything else the page shows (bench_dashboard). The cells
are the template's own: the same filters (`truncatechars`, `date:"SHORT_DATE_FORMAT"`), every value escaped
as Django escapes it (`html.escape`), without the per-call overhead of format_html."""

from __future__ import annotations

import html
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


def _cells(row: dict[str, Any], short_date: str) -> tuple[Any, ...]:
    if row["kind"] == "activity":
        label = Truncator(row["title"]).chars(140)
    else:
        label = f"{gettext('Obiettivo')} {row['objective_code']}: {Truncator(row['title']).chars(120)}"
    ended = "—"
    if row["state"] == WorkState.CONCLUSO and row["actual_end"]:
        ended = format_date(row["actual_end"], short_date)
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
        format_date(row["planned_end"], short_date) if row["planned_end"] else "",
        ended,
        " tg-late" if row["days_late"] else "",
        row["days_late"],
        owner,
    )


@register.simple_tag
def slipped_rows(rows: list[dict[str, Any]]) -> SafeString:
    """`<tr>` elements for the rows of one area (web.views.dashboard._grouped)."""
    short_date = get_format("SHORT_DATE_FORMAT")  # the active language's, as the `date` filter reads it
    return mark_safe(  # every value escaped: html.escape, as django.utils.html.escape
        "".join(ROW.format(*(html.escape(str(cell)) for cell in _cells(row, short_date))) for row in rows)
    )
