"""The page sweep: every page and every API list, as a director opens them, at two sizes of the region.

Every URL pattern of the project's URLconf is requested (bench.pages_catalog turns them into addresses with ids
from the dataset, or names why one is skipped), through Django's test Client in this process, logged in as:

- the typical director (one organization of about 10,000 activities) at 10,000 and at 1,000,000 activities in
  all (quick: 10,000 and 100,000);
- the director of the large plan (100,000 activities; quick: 30,000) at the large size.

For each address: p50/p95 over SAMPLES requests (100; quick 20; a slow page gets fewer, at least 5, within a
time budget, and says so), the queries of one request, the bytes of the answer. The addresses are sampled in
turns (one request each, round after round), so that a passing pause of the machine weighs on all of them
alike. A request that passes 5 s is stopped (SIGALRM), recorded, and the address is not asked again: the sweep
goes on. An answer over 1 MB of HTML
is flagged. An address that answers GET with 405 (POST only) or that the director may not see (403, 404) is
listed with the skipped ones, with its status. The admin's activity list and its search are timed apart, as a
superuser (informative).

Targets (issue 18): for the typical director at the large size every page p95 ≤ 150 ms and ≤ 1.5× its p95 at
10,000; for the large plan's director every page p95 ≤ 500 ms and no HTML over 1 MB; no request over 5 s.
"""

from __future__ import annotations

import logging
import signal
import sys
import time
from typing import Any

from bench.common import Result, quick, setup_django, summary_ms

SIZES = (10_000, 100_000) if quick() else (10_000, 1_000_000)  # the small one first: bench_dashboard leaves it
SAMPLES = 20 if quick() else 100
MIN_SAMPLES = 5
BUDGET_SECONDS = 10 if quick() else 30  # per address, at most: a slow page gets fewer samples, never < 5
TIMEOUT_SECONDS = 5.0
HTML_LIMIT_BYTES = 1_000_000
TYPICAL_P95_MS = 150.0
TYPICAL_RATIO = 1.5
LARGE_PLAN_P95_MS = 500.0
SAMPLED_STATUSES = {200, 301, 302, 303}
ADMIN_PATHS = {"admin:activity-changelist": "/admin/plans/activity/",
               "admin:activity-search": "/admin/plans/activity/?q=regolamento"}  # fmt: skip


class RequestTimeout(BaseException):
    """Raised by SIGALRM inside a request past TIMEOUT_SECONDS. A BaseException, so that Django's handler does
    not turn it into a 500 answer: it unwinds the request (rolling back any atomic block) up to the sweep."""


def _alarm(signum: int, frame: Any) -> None:
    raise RequestTimeout


def _get(client: Any, path: str, headers: dict[str, str]) -> tuple[Any, int, float]:
    """One request under the timeout: the response, its body's size (streamed answers read too), seconds."""
    # Then again every half second: an exception raised inside a weakref or GC callback is swallowed by Python,
    # and the next tick stops the request all the same.
    signal.setitimer(signal.ITIMER_REAL, TIMEOUT_SECONDS, 0.5)
    started = time.perf_counter()
    try:
        response = client.get(path, headers=headers)
        size = sum(len(chunk) for chunk in response.streaming_content) if response.streaming else len(response.content)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return response, size, time.perf_counter() - started


def _after_timeout() -> None:
    """A request stopped mid-query leaves its connection in an unknown state: drop them all (Django reconnects)."""
    from django.db import connections

    for connection in connections.all():
        connection.close_if_unusable_or_obsolete()
        connection.close()


def probe(client: Any, path: str, headers: dict[str, str]) -> dict[str, Any]:
    """One request: status, queries, bytes, its time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    try:
        with CaptureQueriesContext(connection) as queries:
            response, size, seconds = _get(client, path, headers)
    except RequestTimeout:
        _after_timeout()
        return {"timed_out": True, "over_5s": True, "samples": 0}
    html = "text/html" in response.get("Content-Type", "")
    found: dict[str, Any] = {
        "status": response.status_code,
        "queries": len(queries),
        "bytes": size,
        "html": html,
        "first_ms": round(seconds * 1000, 1),
    }
    if html and size > HTML_LIMIT_BYTES:
        found["over_1mb_html"] = True
    if seconds > TIMEOUT_SECONDS:
        found["over_5s"] = True
    return found


class Sampling:
    """The samples of one address, within its time budget."""

    def __init__(self, client: Any, path: str, headers: dict[str, str], found: dict[str, Any]) -> None:
        self.client, self.path, self.headers, self.found = client, path, headers, found
        self.samples: list[float] = []
        self.spent = 0.0
        self.stopped = found.get("timed_out", False) or found.get("status") not in SAMPLED_STATUSES

    @property
    def wanted(self) -> bool:
        if self.stopped or len(self.samples) >= SAMPLES:
            return False
        return len(self.samples) < MIN_SAMPLES or self.spent < BUDGET_SECONDS

    def take(self) -> None:
        started = time.perf_counter()
        try:
            self.samples.append(_get(self.client, self.path, self.headers)[2])
        except RequestTimeout:
            _after_timeout()
            self.found |= {"timed_out": True, "over_5s": True}
            self.stopped = True
        self.spent += time.perf_counter() - started

    def outcome(self) -> dict[str, Any]:
        outcome = dict(self.found)
        if self.samples:
            outcome |= summary_ms(self.samples)
            outcome["cut_by_budget"] = len(self.samples) < SAMPLES and not outcome.get("timed_out")
            if max(self.samples) > TIMEOUT_SECONDS:
                outcome["over_5s"] = True
        return outcome


def sample_in_turns(samplings: list[Sampling]) -> None:
    """One request of each address in turn, round after round, rather than all of one address's in a row: a pause
    of the machine (another process, a collection) falls on every address alike, not on the one timed then."""
    while turn := [sampling for sampling in samplings if sampling.wanted]:
        for sampling in turn:
            sampling.take()


def measure(client: Any, path: str, headers: dict[str, str]) -> dict[str, Any]:
    """Probe once (status, queries, bytes), then sample while the answer is one to time."""
    sampling = Sampling(client, path, headers, probe(client, path, headers))
    sample_in_turns([sampling])
    return sampling.outcome()


def _ids(director: str) -> Any:
    from bench.pages_catalog import Ids
    from plans.models import Activity, Indicator, Measurement, Objective, OrganizationRole, Plan

    role = OrganizationRole.objects.filter(user__username=director, role=OrganizationRole.Role.DIRECTOR).first()
    assert role is not None, f"{director} directs no organization"
    plan = Plan.objects.filter(organization_id=role.organization_id).order_by("-year_start", "pk").first()
    assert plan is not None
    objective = Objective.objects.filter(plan=plan).order_by("pk").first()
    activity = Activity.objects.filter(objective__plan=plan).order_by("pk").first()
    indicator = Indicator.objects.filter(objective__plan=plan).order_by("pk").first()
    measurement = Measurement.objects.filter(indicator__objective__plan=plan).order_by("pk").first()
    assert objective and activity and indicator and measurement, "the generated plan lacks items"
    return Ids(role.organization_id, plan.pk, plan.year_start, objective.pk, activity.pk, indicator.pk, measurement.pk)


def sweep(director: str) -> dict[str, Any]:
    """Every address of the catalogue for this director: measured, or skipped with the reason."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bench.pages_catalog import catalogue

    found = catalogue(_ids(director))
    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username=director))
    measured: dict[str, Any] = {}
    answered_otherwise: dict[str, str] = {}
    samplings: dict[str, tuple[Any, Sampling]] = {}
    for request in found.requests:
        sampling = Sampling(client, request.path, request.headers, probe(client, request.path, request.headers))
        samplings[request.label] = (request, sampling)
    sample_in_turns([sampling for _, sampling in samplings.values()])
    for label, (request, sampling) in samplings.items():
        outcome = sampling.outcome() | {"path": request.path, "kind": request.kind}
        status = outcome.get("status")
        if status == 405:
            answered_otherwise[label] = "POST only (405 to GET)"
        elif status is not None and status not in SAMPLED_STATUSES:
            answered_otherwise[label] = f"answers {status} to this director"
        else:
            measured[label] = outcome
        print(f"  {label:40} {status} {outcome.get('p95_ms', '-')} ms", file=sys.stderr, flush=True)
    return {
        "director": director,
        "measured": measured,
        "not_sampled": answered_otherwise,
        "skipped": found.skipped_grouped(),
        "gaps": found.gaps,
        "patterns": found.patterns,
    }


def admin_lists() -> dict[str, Any]:
    """The admin's activity list and its search, as a superuser of the bench (informative)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(
        username="bench-pages-admin", defaults={"is_superuser": True, "is_staff": True, "email": "a@bench.example"}
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return {label: measure(client, path, {}) for label, path in ADMIN_PATHS.items()}


def _over(scenario: dict[str, Any], limit_ms: float) -> list[str]:
    return sorted(
        label
        for label, figures in scenario["measured"].items()
        if figures.get("timed_out") or figures.get("p95_ms", 0) > limit_ms
    )


def _flags(scenario: dict[str, Any], flag: str) -> list[str]:
    return sorted(label for label, figures in scenario["measured"].items() if figures.get(flag))


def main() -> None:
    signal.signal(signal.SIGALRM, _alarm)
    setup_django()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the 405s and 404s are listed, not logged
    from bench.daily_results import ensure_daily_results
    from bench.database import ensure_database
    from bench.generate import ensure_dataset, standard_spec

    ensure_database()
    small, large = SIZES
    figures: dict[str, Any] = {"sizes": list(SIZES), "samples_wanted": SAMPLES, "timeout_s": TIMEOUT_SECONDS}
    for size in SIZES:
        dataset, generated = ensure_dataset(standard_spec(size))
        print(f"# at {size:,} activities", file=sys.stderr, flush=True)
        at: dict[str, Any] = {"generated_now": generated, "organizations": dataset["organizations"]}
        at["daily_results"] = ensure_daily_results()  # the scores and forecasts the daily tasks store
        at["typical"] = sweep(dataset["typical"]["director"]) | {"activities": dataset["typical"]["activities"]}
        if size == large and dataset["large"]:
            at["large_plan"] = sweep(dataset["large"]["director"]) | {"activities": dataset["large"]["activities"]}
            at["admin_informative"] = admin_lists()
        figures[f"at_{size}"] = at
    typical_small = figures[f"at_{small}"]["typical"]["measured"]
    typical_large = figures[f"at_{large}"]["typical"]
    ratios = {
        f"{label} p95 {large}/{small}": round(page["p95_ms"] / typical_small[label]["p95_ms"], 2)
        for label, page in typical_large["measured"].items()
        if page.get("p95_ms") and typical_small.get(label, {}).get("p95_ms")
    }
    over_ratio = sorted(label.split(" ")[0] for label, ratio in ratios.items() if ratio > TYPICAL_RATIO)
    scenarios = [figures[f"at_{size}"][who] for size in SIZES for who in ("typical", "large_plan")
                 if who in figures[f"at_{size}"]]  # fmt: skip
    large_plan = figures[f"at_{large}"].get("large_plan")
    summary = {
        f"typical_over_{TYPICAL_P95_MS:.0f}ms_at_{large}": _over(typical_large, TYPICAL_P95_MS),
        f"typical_over_{TYPICAL_RATIO}x_{large}_vs_{small}": over_ratio,
        "large_plan_over_500ms": _over(large_plan, LARGE_PLAN_P95_MS) if large_plan else None,
        "over_1mb_html": sorted({label for s in scenarios for label in _flags(s, "over_1mb_html")}),
        "over_5s": sorted({label for s in scenarios for label in _flags(s, "over_5s")}),
    }
    figures["failing"] = summary
    targets = {
        f"typical_every_page_p95_within_{TYPICAL_P95_MS:.0f}ms_at_{large}": not summary[
            f"typical_over_{TYPICAL_P95_MS:.0f}ms_at_{large}"
        ],
        f"typical_every_page_within_{TYPICAL_RATIO}x_of_{small}": not over_ratio,
        "large_plan_every_page_p95_within_500ms": bool(large_plan) and not summary["large_plan_over_500ms"],
        "no_html_over_1mb": not summary["over_1mb_html"],
        "no_request_over_5s": not summary["over_5s"],
        "every_url_pattern_measured_or_skipped_with_reason": not any(s["gaps"] for s in scenarios),
    }
    Result("pages", figures, {}, ratios, targets).emit()


if __name__ == "__main__":
    main()
