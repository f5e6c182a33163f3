"""The director's slipped-deadlines page at two sizes, for a typical director and for one with a large plan.

On the generator's dataset at 1,000,000 and at 10,000 activities (quick: 100,000 and 10,000), for each
director (the typical one, whose organization holds about 10,000 activities in its plan; at the large size
also the director of the organization whose one plan is large), p50/p95 of:

The scores and forecasts the daily tasks keep stored are stored first (bench.daily_results), as in any installation
after its first night: the page reads them.

- page: GET /scadenze/ through Django's test Client, logged in with force_login (the first visit: the most
  recent plan of the director's organizations), with the number of queries one request makes: everything the
  dashboard answers (the first page of slipped deadlines, the link to the indicators);
- punctuality_section: GET /scadenze/puntualita/ as htmx asks for it once the dashboard's list is shown (the
  punctuality charts, part of the page until this round; the page's own time no longer includes them);
- indicators_page (informative): GET /scadenze/indicatori/, the first page of the plan's indicators, which the
  dashboard links to (they were listed on the dashboard, all of them, until issue 6);
- endpoint_query: the dashboard's own statement for its first page (`SlippedPaginator.get_page(1)` on
  `web.dashboard.slipped_statement(...)`: the rows of the page, each with the count of all; the REST API has no
  slipped endpoint yet); page_parts: the rest of what the pages compute, timed apart (`statement_build`: building
  and compiling the statement, which a person's first view of the day adds and later views find compiled;
  `punctuality`; the indicators page's count and `achievements` of its first page);
- raw (the limit): the SQL of that same first-page statement, LIMIT and count included, then the statement that
  reads the page's names (`web.dashboard.details_of`), run on a plain psycopg cursor.

The issue's target (page p95 ≤ 100 ms at the large size, and ≤ 2× the raw SQL) is judged on the typical director
at the large size; the large-plan director is reported beside it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bench.common import Result, quick, setup_django, summary_ms

SIZES = (100_000, 10_000) if quick() else (1_000_000, 10_000)  # the large one first: the scan leaves it loaded
PAGE_REQUESTS = 10 if quick() else 100
QUERY_CALLS = 10 if quick() else 100
BUDGET_SECONDS = 6 if quick() else 30  # at most, per series: a slow page gets fewer samples, never fewer than 5
PAGE_TARGET_MS = 100
RAW_RATIO_TARGET = 2.0


def _samples(call: Callable[[], Any], count: int) -> list[float]:
    call()  # warm-up
    samples: list[float] = []
    deadline = time.perf_counter() + BUDGET_SECONDS
    while len(samples) < count and (len(samples) < 5 or time.perf_counter() < deadline):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def _page(username: str, path: str = "/scadenze/", headers: dict[str, str] | None = None) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username=username))

    def get() -> None:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, response.status_code

    samples = _samples(get, PAGE_REQUESTS)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=headers)
    return {
        **summary_ms(samples),
        "queries": len(queries),
        "sql_ms": round(sum(float(query["time"]) for query in queries.captured_queries) * 1000, 1),
        "bytes": len(response.content),
        "slowest_queries_ms": sorted(
            (round(float(q["time"]) * 1000, 1) for q in queries.captured_queries), reverse=True
        )[:5],
    }


def _query(username: str) -> dict[str, Any]:
    """The pages' computations one by one, on the same user and filters as the dashboard's first visit."""
    from django.contrib.auth import get_user_model
    from django.core.paginator import Paginator
    from django.utils import timezone

    from bench.bench_scan import explain
    from bench.database import connect
    from web.dashboard import (
        Filters,
        SlippedPaginator,
        details_of,
        punctuality,
        slipped_deadlines,
        slipped_statement,
    )
    from web.forms import DashboardFilters
    from web.indicators import achievements, indicators_of, year_of
    from web.views.dashboard import INDICATORS_PAGE_SIZE, PAGE_SIZE

    user = get_user_model().objects.get(username=username)
    today = timezone.localdate()
    plan = DashboardFilters(user=user).fields["plan"].queryset.first()  # type: ignore[attr-defined]
    filters = Filters(plan_id=plan.pk)
    year = year_of(plan, today)

    def first_page() -> Any:
        return SlippedPaginator(slipped_statement(user, filters, today), PAGE_SIZE).get_page(1)

    def build_statement() -> Any:  # what a person's first view of the day adds: slipped_statement's cache missed
        return slipped_deadlines(user, filters, today).order_by().query.sql_with_params()

    def first_indicators() -> Any:
        page = Paginator(indicators_of(user, plan), INDICATORS_PAGE_SIZE).get_page(1)
        return achievements(page.object_list, year)

    sql, params = SlippedPaginator(slipped_statement(user, filters, today), PAGE_SIZE).statement(1)
    endpoint = summary_ms(_samples(lambda: list(first_page()), QUERY_CALLS))
    parts = {
        "statement_build": build_statement,
        "punctuality": lambda: punctuality(user, filters, today),
        "indicators_count": lambda: indicators_of(user, plan).count(),
        "indicators_first_page": first_indicators,
    }
    page_parts = {name: summary_ms(_samples(call, QUERY_CALLS)) for name, call in parts.items()}
    # The page's rows then get their names in a second statement (web.dashboard.add_details): the limit runs both.
    details_sql, details_params = details_of(list(first_page()), "default").query.sql_with_params()

    def raw_page(connection: Any) -> Any:
        connection.execute(sql, params).fetchall()
        return connection.execute(details_sql, details_params).fetchall()

    with connect() as connection:
        raw = summary_ms(_samples(lambda: raw_page(connection), QUERY_CALLS))
    return {
        "plan": plan.code,
        "slipped_rows": first_page().paginator.count,
        "indicators": indicators_of(user, plan).count(),
        "endpoint_query": endpoint,
        "raw_sql": raw,
        "page_parts": page_parts,
        "explain_first_page": explain(sql, params),
    }


def _scenario(who: dict[str, Any]) -> dict[str, Any]:
    page = _page(who["director"])
    punctuality_section = _page(who["director"], "/scadenze/puntualita/", {"HX-Request": "true"})
    indicators_page = _page(who["director"], "/scadenze/indicatori/")
    query = _query(who["director"])
    return {
        "director": who["director"],
        "organization_activities": who["activities"],
        "page": page,
        "punctuality_section": punctuality_section,
        "indicators_page": indicators_page,
        **query,
        "page_over_raw_p95": round(page["p95_ms"] / query["raw_sql"]["p95_ms"], 2),
        "endpoint_over_raw_p95": round(query["endpoint_query"]["p95_ms"] / query["raw_sql"]["p95_ms"], 2),
    }


def main() -> None:
    setup_django()
    from bench.daily_results import ensure_daily_results
    from bench.database import ensure_database
    from bench.generate import ensure_dataset, standard_spec

    ensure_database()
    figures: dict[str, Any] = {"target_scenario": f"typical director at {SIZES[0]:,} activities"}
    for size in SIZES:
        dataset, generated = ensure_dataset(standard_spec(size))
        at: dict[str, Any] = {"generated_now": generated, "organizations": dataset["organizations"]}
        at["daily_results"] = ensure_daily_results()  # the scores and forecasts the daily tasks store
        at["typical"] = _scenario(dataset["typical"])
        if dataset["large"]:
            at["large_plan"] = _scenario(dataset["large"])
        figures[f"at_{size}"] = at
    big, small = figures[f"at_{SIZES[0]}"], figures[f"at_{SIZES[1]}"]
    typical = big["typical"]
    limit = {f"raw_sql_p95_ms_at_{size}": figures[f"at_{size}"]["typical"]["raw_sql"]["p95_ms"] for size in SIZES}
    ratios = {
        "page_over_raw_p95": typical["page_over_raw_p95"],
        "endpoint_over_raw_p95": typical["endpoint_over_raw_p95"],
        f"page_p95_{SIZES[0]}_over_{SIZES[1]}": round(
            typical["page"]["p95_ms"] / small["typical"]["page"]["p95_ms"], 2
        ),
    }
    targets = {
        f"page_p95_within_{PAGE_TARGET_MS}ms_at_{SIZES[0]}": typical["page"]["p95_ms"] <= PAGE_TARGET_MS,
        f"page_p95_within_{RAW_RATIO_TARGET}x_raw_sql": typical["page_over_raw_p95"] <= RAW_RATIO_TARGET,
        f"indicators_page_p95_within_{PAGE_TARGET_MS}ms_at_{SIZES[0]} (informative)": (
            typical["indicators_page"]["p95_ms"] <= PAGE_TARGET_MS
        ),
    }
    if "large_plan" in big:
        large = big["large_plan"]
        ratios["large_plan_page_over_raw_p95"] = large["page_over_raw_p95"]
        targets[f"large_plan_page_p95_within_{PAGE_TARGET_MS}ms (informative)"] = (
            large["page"]["p95_ms"] <= PAGE_TARGET_MS
        )
    Result("dashboard", figures, limit, ratios, targets).emit()


if __name__ == "__main__":
    main()
