"""The rows of the dashboard's table of slipped deadlines, drawn by the template's partial "slipped-row"
(web/dashboard_results.html): the cells, the dates in the active language's short format, long titles cut,
every value escaped."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

PARTIAL = "web/dashboard_results.html#slipped-row"


def _row(**changes: Any) -> dict[str, Any]:
    row = {
        "kind": "activity",
        "url": "/attivita/7/",
        "title": 'Mappatura degli sportelli <sociali> & "famiglie"',
        "plan_code": "PEG-2026",
        "objective_code": "SOC-1",
        "objective_title": "Presa in carico <unica>",
        "state": "concluso",
        "state_label": "concluso",
        "planned_raw": "Marzo 2026",
        "actual_raw": "4 maggio",
        "planned_end": dt.date(2026, 3, 31),
        "actual_end": dt.date(2026, 5, 4),
        "ended": True,
        "days_late": 34,
        "owner": "Sara Rossi",
    }
    return row | changes


def _cells(html: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)


def test_a_concluded_activity_shows_every_cell_escaped() -> None:
    with translation.override("it"):
        html = render_to_string(PARTIAL, {"row": _row()})
    assert html.startswith("<tr>") and html.rstrip().endswith("</tr>")
    assert _cells(html) == [
        '<a href="/attivita/7/">Mappatura degli sportelli &lt;sociali&gt; &amp; &quot;famiglie&quot;</a>',
        "34",  # the days late second: on a phone's screen without scrolling
        'SOC-1 · Presa in carico &lt;unica&gt; <span class="small d-block">PEG-2026</span>',
        '<span class="tg-state tg-state-concluso">concluso</span>',
        "Marzo 2026",
        "4 maggio",
        "31/03/2026",
        "04/05/2026",
        "Sara Rossi",
    ]
    assert '<td class="text-end tg-late">34</td>' in html


def test_dates_follow_the_active_language() -> None:
    with translation.override("en"):
        html = render_to_string(PARTIAL, {"row": _row()})
    assert "<td>03/31/2026</td><td>05/04/2026</td>" in html


def test_an_open_row_shows_a_dash_and_no_late_mark_without_days() -> None:
    row = _row(state="avviato", state_label="avviato", actual_end=None, ended=False, days_late=0, planned_end=None)
    with translation.override("it"):
        html = render_to_string(PARTIAL, {"row": row})
    assert "<td></td><td>—</td>" in html
    assert '<td class="text-end">0</td>' in html


def test_long_titles_are_cut_and_objectives_are_named_by_code() -> None:
    long_title = "Servizi " * 30
    with translation.override("it"):
        activity = render_to_string(PARTIAL, {"row": _row(title=long_title)})
        objective = render_to_string(PARTIAL, {"row": _row(kind="objective", title=long_title)})
    activity_label = _cells(activity)[0]
    assert activity_label == f'<a href="/attivita/7/">{long_title[:139]}…</a>'
    objective_label = _cells(objective)[0]
    assert objective_label == f'<a href="/attivita/7/">Obiettivo SOC-1: {long_title[:119]}…</a>'
