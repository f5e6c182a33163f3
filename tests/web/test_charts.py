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


def test_each_month_draws_two_bars_from_the_baseline_and_its_label() -> None:
    months = [MonthCount(dt.date(2026, 5, 1), on_time=4, late=2), MonthCount(dt.date(2026, 6, 1), on_time=1, late=0)]
    with translation.override("it"):
        svg = _svg(months)
    assert svg.startswith('<svg class="tg-chart" width="200" height="160" viewBox="0 0 200 160" aria-hidden="true"')
    assert svg.endswith("</svg>")
    # The peak (4) is 120 high; the baseline is at y=130.
    assert (
        '<rect class="tg-ontime" x="10" y="10" width="14" height="120"></rect>'
        '<rect class="tg-late" x="24" y="70" width="14" height="60"></rect>'
        '<text x="10" y="144">Mag 26</text>\n'
        '<rect class="tg-ontime" x="48" y="100" width="14" height="30"></rect>'
        '<rect class="tg-late" x="62" y="130" width="14" height="0"></rect>'
        '<text x="48" y="144">Giu 26</text>\n</svg>'
    ) in svg


@override_settings(USE_THOUSAND_SEPARATOR=True)
def test_coordinates_are_never_localized() -> None:
    months = [
        MonthCount(dt.date(2024 + index // 12, index % 12 + 1, 1), on_time=1500, late=index) for index in range(36)
    ]
    with translation.override("it"):
        svg = _svg(months)
    width = 10 + 36 * 38
    assert f'width="{width}"' in svg and f'viewBox="0 0 {width} 160"' in svg
    assert not re.search(r'="\d+\.\d', svg), "a thousands separator in a coordinate"
    assert f'<rect class="tg-late" x="{10 + 35 * 38 + 14}"' in svg


def test_labels_are_escaped() -> None:
    chart = bar_chart([MonthCount(dt.date(2026, 5, 1), on_time=1, late=1)])
    bar = chart.bars[0]
    forged = type(chart)(
        width=chart.width,
        height=chart.height,
        baseline=chart.baseline,
        bars=[type(bar)(**{**bar.__dict__, "label": "<b>&</b>"})],
    )
    assert '<text x="10" y="144">&lt;b&gt;&amp;&lt;/b&gt;</text>' in render_to_string(PARTIAL, {"chart": forged})
