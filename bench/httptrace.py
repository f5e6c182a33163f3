"""bench_http's in-process view of one pair: the SQL each request runs; with `--profile`, where its time goes
(cProfile); with `--cpu`, the server CPU a real request takes against a same-work request, in blocks that
alternate between the two so that a machine's drift touches both alike. Django's test client in this
process, on the bench database: no network, no other process, only this one's CPU time."""

from __future__ import annotations

import cProfile
import io
import pstats
import resource
import time
from dataclasses import dataclass
from typing import Any

from bench.httpoffice import Seat, build_office, tidy


@dataclass
class Traced:
    status: int
    seconds: float
    queries: list[str]
    profile: cProfile.Profile | None


def _post(path: str, body: dict[str, Any], token: str, *, profiled: bool = False) -> tuple[Traced, Any]:
    """One API call in this process (Django's test client), with the SQL it ran and, if asked, its profile."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1")
    profiler = cProfile.Profile() if profiled else None
    with CaptureQueriesContext(connection) as captured:
        if profiler:
            profiler.enable()
        started = time.perf_counter()
        reply = client.post(path, body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}")
        seconds = time.perf_counter() - started
        if profiler:
            profiler.disable()
    queries = [query["sql"] for query in captured.captured_queries]
    return Traced(reply.status_code, seconds, queries, profiler), reply.json()


def trace_pair(seat: Seat, *, profiled: bool = False) -> dict[str, Traced]:
    """A transition and its approval on the seat's next activities, in this process; the second pair is the
    one returned (the first warms imports and caches)."""
    traced: dict[str, Traced] = {}
    for _ in range(2):
        pk = seat.next_activity()
        if pk is None:
            raise RuntimeError("no activity left to trace")
        asked, request = _post(f"/api/activities/{pk}/transitions/", {"transition": "avvia"}, seat.staff_token)
        traced["transition"] = asked
        traced["approve"], _ = _post(f"/api/approvals/{request['id']}/approve", {}, seat.head_token)
    return traced


def profile(clients: int) -> None:
    """One transition and one approval in-process under cProfile, with their SQL queries and row locks."""
    office = build_office(clients, 4)  # the same office as the load: one area per client
    seat = office.seats[0]
    try:
        trace_pair(seat)  # warm
        pk = seat.next_activity()
        assert pk is not None
        asked, request = _post(
            f"/api/activities/{pk}/transitions/", {"transition": "avvia"}, seat.staff_token, profiled=True
        )
        approved, _ = _post(f"/api/approvals/{request['id']}/approve", {}, seat.head_token, profiled=True)
        for label, traced in (("transition", asked), ("approve", approved)):
            print(
                f"## {label}: HTTP {traced.status}, {traced.seconds * 1000:.1f} ms, {len(traced.queries)} SQL queries"
            )
            counts: dict[str, int] = {}
            for sql in traced.queries:
                counts[sql[:110]] = counts.get(sql[:110], 0) + 1
            for sql, count in sorted(counts.items(), key=lambda pair: -pair[1])[:12]:
                print(f"  {count:4d} × {sql}")
            for sql in traced.queries:
                if "FOR UPDATE" in sql:  # the rows each lock takes: every table in its FROM
                    print("  lock:", "SELECT … FROM" + sql.partition(" FROM")[2])
            text = io.StringIO()
            assert traced.profile is not None
            pstats.Stats(traced.profile, stream=text).sort_stats("cumulative").print_stats(35)
            print(text.getvalue())
    finally:
        tidy(office)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_ratio(pairs: int, block: int = 20) -> dict[str, float]:
    """CPU per request of the real pair's requests and of the same-work view, `pairs` of each."""
    from django.test import Client, override_settings

    office = build_office(1, pairs + 2 * block)
    seat = office.seats[0]
    client = Client(SERVER_NAME="127.0.0.1")

    def post(path: str, body: dict[str, Any], token: str, status: int) -> Any:
        reply = client.post(path, body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}")
        assert reply.status_code == status, reply.content
        return reply.json()

    def real(count: int) -> None:
        for _ in range(count):
            asked = post(
                f"/api/activities/{seat.next_activity()}/transitions/", {"transition": "avvia"}, seat.staff_token, 202
            )
            post(f"/api/approvals/{asked['id']}/approve", {}, seat.head_token, 200)

    def same_work(count: int) -> None:
        for _ in range(count):
            post(f"/bench/same-work/{seat.scratch_activity}/", {}, seat.staff_token, 200)

    spent = {"real": 0.0, "same_work": 0.0}
    try:
        with override_settings(ROOT_URLCONF="bench.urls_bench"):
            real(block // 2)  # warm: imports, connections, caches
            same_work(block)
            for _ in range(max(pairs // block, 1)):
                for name, run, requests in (("same_work", same_work, block), ("real", real, 2 * block)):
                    started = _cpu_seconds()
                    run(block)
                    spent[name] += (_cpu_seconds() - started) / requests
    finally:
        tidy(office)
    blocks = max(pairs // block, 1)
    real_ms, same_ms = spent["real"] / blocks * 1000, spent["same_work"] / blocks * 1000
    return {
        "real_cpu_ms_per_request": round(real_ms, 2),
        "same_work_cpu_ms_per_request": round(same_ms, 2),
        "same_work_over_real": round(same_ms / real_ms, 3),
    }
