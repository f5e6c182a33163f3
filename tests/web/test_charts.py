"""The punctuality chart: web.charts computes the bars, the template's partial "chart"
(web/dashboard_punctuality_results.html) draws them as SVG."""

from __future__ import annotations

import datetime as dt
import re

from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import translation

from web.charts import bar_chart
from web.dashboard import MonthCount

PARTIAL = "web/dashboard_punctuality_results.html#chart"


def _svg(months: list[MonthCount]) -> str:
    return render_to_string(PARTIAL, {"chart": bar_chart(months)})


def test_each_month_draws_two_bars_with_their_values_on_axes_and_its_label() -> None:
    months = [MonthCount(dt.date(2026, 5, 1), on_time=4, late=2), MonthCount(dt.date(2026, 6, 1), on_time=1, late=0)]
    with translation.override("it"):
        svg = _svg(months)
    assert svg.startswith('<svg class="tg-chart" width="200" height="160" viewBox="0 0 200 160" aria-hidden="true"')
    assert svg.endswith("</svg>")
    # The axes: y from the top (16) to the baseline (136), x along the baseline; the y axis says 4 (the peak) and 0.
    assert (
        '<line x1="34" y1="16" x2="34" y2="136"></line><line x1="34" y1="136" x2="200" y2="136"></line>'
        '<text class="tg-axis" x="30" y="20">4</text><text class="tg-axis" x="30" y="136">0</text>'
    ) in svg
    # The peak (4) is 120 high; each bar carries its value above it, none for a zero.
    assert (
        '<rect class="tg-ontime" x="44" y="16" width="14" height="120"></rect>'
        '<rect class="tg-late" x="58" y="76" width="14" height="60"></rect>'
        '<text class="tg-value" x="51" y="13">4</text><text class="tg-value" x="65" y="73">2</text>'
        '<text x="44" y="150">Mag 26</text>\n'
        '<rect class="tg-ontime" x="82" y="106" width="14" height="30"></rect>'
        '<rect class="tg-late" x="96" y="136" width="14" height="0"></rect>'
        '<text class="tg-value" x="89" y="103">1</text>'
        '<text x="82" y="150">Giu 26</text>\n</svg>'
    ) in svg


def test_every_month_between_the_first_and_the_last_is_drawn() -> None:
    months = [MonthCount(dt.date(2026, 1, 1), on_time=1, late=0), MonthCount(dt.date(2026, 4, 1), on_time=0, late=3)]
    chart = bar_chart(months)
    assert [(bar.month, bar.on_time, bar.late) for bar in chart.bars] == [
        ("Gennaio 2026", 1, 0),
        ("Febbraio 2026", 0, 0),
        ("Marzo 2026", 0, 0),
        ("Aprile 2026", 0, 3),
    ]
    assert bar_chart([]).bars == []


@override_settings(USE_THOUSAND_SEPARATOR=True)
def test_coordinates_are_never_localized() -> None:
    months = [
        MonthCount(dt.date(2024 + index // 12, index % 12 + 1, 1), on_time=1500, late=index) for index in range(36)
    ]
    with translation.override("it"):
        svg = _svg(months)
    width = 34 + 10 + 36 * 38
    assert f'width="{width}"' in svg and f'viewBox="0 0 {width} 160"' in svg
    assert not re.search(r'="\d+\.\d', svg), "a thousands separator in a coordinate"
    assert f'<rect class="tg-late" x="{34 + 10 + 35 * 38 + 14}"' in svg
    assert '<text class="tg-value" x="' in svg and ">1500</text>" in svg  # a value is not a coordinate: unlocalized


def test_labels_are_escaped() -> None:
    chart = bar_chart([MonthCount(dt.date(2026, 5, 1), on_time=1, late=1)])
    bar = chart.bars[0]
    forged = type(chart)(
        width=chart.width,
        height=chart.height,
        baseline=chart.baseline,
        bars=[type(bar)(**{**bar.__dict__, "label": "<b>&</b>"})],
    )
    assert '<text x="44" y="150">&lt;b&gt;&amp;&lt;/b&gt;</text>' in render_to_string(PARTIAL, {"chart": forged})
