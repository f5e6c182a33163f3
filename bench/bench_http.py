"""Transition plus approval through the HTTP API, under concurrent load.

gunicorn serves the production settings (DEBUG off; bench.settings_bench adds two bench-only views) on a
free loopback port. 16 clients (bench.loadgen: threads, one keep-alive connection each) each work on their
own area's activities: the staff member asks `avvia` (POST /api/activities/{id}/transitions/, 202: the
bench organization's policy sends it to the area head), then the area head approves it (POST
/api/approvals/{id}/approve, 200: applied). On the same server, in the same run, two limits with the same
16 clients: a bare Django JSON view (the stack's ceiling) and a minimal token-authenticated DRF view that
does the same database work in one transaction (the work's ceiling; bench.httpviews). A fourth run repeats
the real pair in an organization alike except that each client's objective is in a plan of its own: the
services lock the item with its objective and plan rows (select_for_update with select_related), so in one
plan every transition waits for the others; the difference between the two runs is what that lock costs.

Figures are per HTTP request (a pair is two); targets: the real requests reach at least half the
same-work view's rate, with p99 at most 50 ms. Full mode tries a few gunicorn configurations and reports
the one where the real endpoint does best, with all of them in `figures.configurations`.

`python -m bench.bench_http --profile` profiles one transition and one approval in-process instead
(cProfile, top functions by cumulative time, and the number of SQL queries each request makes).
"""

from __future__ import annotations

import contextlib
import cProfile
import io
import os
import pstats
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import REPO, Result, bench_env, quick, setup_django, summary_ms
from bench.loadgen import Connection, Load, Scenario, cores, run

CLIENTS = 16
ENDPOINTS = ("bare", "same_work", "real", "real_plan_per_client")
P99_TARGET_MS = 50.0
RATIO_TARGET = 0.5
GUNICORN = str(Path(sys.executable).parent / "gunicorn")


@dataclass(frozen=True)
class Sizes:
    seconds: float  # the measured window of each endpoint
    warmup: float
    items_per_client: int  # activities each client may start: enough for every window of every configuration


@dataclass(frozen=True)
class ServerConfig:
    worker_class: str
    workers: int
    threads: int = 1

    def label(self) -> str:
        threads = f"x{self.threads}" if self.threads > 1 else ""
        return f"{self.worker_class} {self.workers}{threads}"

    def options(self) -> list[str]:
        return ["--worker-class", self.worker_class, "--workers", str(self.workers), "--threads", str(self.threads)]


def sizes() -> Sizes:
    if quick():
        return Sizes(seconds=5.0, warmup=1.0, items_per_client=300)
    return Sizes(seconds=15.0, warmup=2.0, items_per_client=1500)


def configurations() -> list[ServerConfig]:
    """gthread workers (keep-alive) at 2× the cores with 4 threads each, and gunicorn's default sync workers
    (no keep-alive: a new connection per request, like the Dockerfile's) at 2× and 4× the cores. Quick mode
    tries the first only: it did best on every endpoint while these benchmarks were written."""
    tried = [
        ServerConfig("gthread", 2 * cores(), threads=4),
        ServerConfig("sync", 2 * cores()),
        ServerConfig("sync", 4 * cores()),
    ]
    return tried[:1] if quick() else tried


# ---------------------------------------------------------------------------------------------- the office


@dataclass
class Seat:
    """One client's people and items: a staff member who asks, the head of their area who approves."""

    staff_token: str
    head_token: str
    activities: list[int]
    scratch_activity: int  # the one the same-work view flips back and forth
    used: int = 0  # activities already started: warm-ups and every configuration take the next ones

    def next_activity(self) -> int | None:
        if self.used >= len(self.activities):
            return None
        self.used += 1
        return self.activities[self.used - 1]

    def staff(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.staff_token}"}

    def head(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.head_token}"}


@dataclass
class Office:
    organization_ids: list[int] = field(default_factory=list)
    seats: list[Seat] = field(default_factory=list)


def _organization(stamp: str) -> Any:
    """An organization of its own (a unique slug: the bench database may hold other runs) with a director; its
    policy sends an activity's avvia to the area head."""
    from django.contrib.auth.models import User

    from plans.models import Organization, OrganizationRole
    from workflow.models import ApprovalPolicy, Chain, TargetKind, TransitionName

    organization = Organization.objects.create(
        slug=f"bench-http-{stamp}", name=f"Comune di Benchmark {stamp}", kind=Organization.Kind.COMUNE
    )
    ApprovalPolicy.objects.create(
        organization=organization,
        target_kind=TargetKind.ACTIVITY,
        transition=TransitionName.AVVIA,
        chain=Chain.AREA_HEAD,
    )
    director = User.objects.create(username=f"bh-{stamp}-director", email="d@bench-http.example", password="!")
    OrganizationRole.objects.create(organization=organization, user=director, role=OrganizationRole.Role.DIRECTOR)
    return organization


def build_office(clients: int, items_per_client: int, *, plan_per_client: bool = False) -> Office:
    """An organization with one area per client (a head and a staff member, both with API tokens), one
    objective per area and its programmato activities, all in one plan as in a real office; or
    (`plan_per_client`) each client's objective in a plan of its own, the rest alike."""
    import datetime as dt

    from django.contrib.auth.models import User
    from django.db import transaction
    from rest_framework.authtoken.models import Token

    from plans.models import Activity, Area, Objective, Plan

    stamp = f"{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}{'-plans' if plan_per_client else ''}"
    year = dt.date.today().year
    office = Office()
    with transaction.atomic():
        organization = _organization(stamp)
        office.organization_ids.append(organization.pk)
        plans = [
            Plan.objects.create(
                organization=organization,
                code=f"PEG-{index}",
                kind=Plan.Kind.PEG,
                title=f"PEG {index}",
                year_start=year,
                year_end=year + 2,
            )
            for index in range(clients if plan_per_client else 1)
        ]
        for index in range(clients):
            plan = plans[index % len(plans)]
            head, staff = User.objects.bulk_create(
                [
                    User(username=f"bh-{stamp}-{role}-{index}", email=f"{role}{index}@bench-http.example", password="!")
                    for role in ("head", "staff")
                ]
            )
            tokens = {user.pk: Token.generate_key() for user in (head, staff)}
            Token.objects.bulk_create([Token(key=key, user_id=pk) for pk, key in tokens.items()])
            area = Area.objects.create(
                organization=organization, code=f"A{index:02d}", slug=f"area-{index}", name=f"Area {index}", head=head
            )
            area.members.add(staff)
            objective = Objective.objects.create(
                plan=plan, code=f"OB-{index:02d}", title=f"Obiettivo dell'area {index}", owner=head
            )
            objective.areas.add(area)
            activities = Activity.objects.bulk_create(
                [
                    Activity(
                        objective=objective,
                        position=position,
                        description=f"Attività {position} dell'area {index}",
                        planned_end=dt.date(year + 1, 6, 30),
                        owner=staff,
                    )
                    for position in range(1, items_per_client + 2)
                ]
            )
            ids = [activity.pk for activity in activities]
            office.seats.append(Seat(tokens[staff.pk], tokens[head.pk], ids[:-1], ids[-1]))
    return office


def tidy(office: Office) -> None:
    """Drop the outbox rows the run planned and the broker tasks it queued: nobody is to send them. The
    requests, approvals and audit rows stay (the database refuses to delete them)."""
    from config.celery import app
    from notifications.models import Message

    Message.objects.filter(organization_id__in=office.organization_ids).delete()
    with contextlib.suppress(Exception):
        app.control.purge()


# -------------------------------------------------------------------------------------------------- server


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_ready(port: int, process: subprocess.Popen[bytes], log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text(errors='replace')[-3000:]}")
        with contextlib.suppress(OSError):
            request = urllib.request.Request(f"http://127.0.0.1:{port}/bench/bare/", data=b"{}", method="POST")
            with urllib.request.urlopen(request, timeout=2) as reply:
                if reply.status == 200:
                    return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer in {timeout}s:\n{log.read_text(errors='replace')[-3000:]}")


@contextlib.contextmanager
def gunicorn(config: ServerConfig, log_dir: Path) -> Iterator[int]:
    """gunicorn on a free loopback port, in its own process group; stopped (the whole group) on the way out."""
    port = free_port()
    log = log_dir / f"gunicorn-{config.worker_class}-{config.workers}.log"
    command = [GUNICORN, "config.wsgi:application", "--bind", f"127.0.0.1:{port}", *config.options()]
    command += ["--log-level", "warning", "--backlog", "2048", "--graceful-timeout", "5"]
    env = bench_env(DJANGO_SETTINGS_MODULE="bench.settings_bench")
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_ready(port, process, log)
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # a worker left behind, if any
        process.wait(timeout=15)


# ----------------------------------------------------------------------------------------------- scenarios


def bare_scenario() -> Scenario:
    def call(connection: Connection) -> bool:
        connection.call("bare", "POST", "/bench/bare/", {})
        return True

    return call


def same_work_scenario(seat: Seat) -> Scenario:
    path = f"/bench/same-work/{seat.scratch_activity}/"

    def call(connection: Connection) -> bool:
        connection.call("same_work", "POST", path, {}, headers=seat.staff())
        return True

    return call


def real_scenario(seat: Seat) -> Scenario:
    """Each iteration takes the client's next programmato activity: the staff member asks, the head approves."""

    def call(connection: Connection) -> bool:
        pk = seat.next_activity()
        if pk is None:
            return False
        asked = connection.call(
            "transition",
            "POST",
            f"/api/activities/{pk}/transitions/",
            {"transition": "avvia", "comment": "Si parte."},
            headers=seat.staff(),
            expect=202,
        )
        if asked.status == 202:
            request_id = asked.json()["id"]
            connection.call(
                "approve",
                "POST",
                f"/api/approvals/{request_id}/approve",
                {"comment": "Va bene."},
                headers=seat.head(),
            )
        return True

    return call


def describe(load: Load, kinds: tuple[str, ...]) -> dict[str, Any]:
    everything = [value for kind in kinds for value in load.samples.latencies.get(kind, [])]
    figures: dict[str, Any] = {
        "requests_per_s": round(load.count() / load.seconds, 1),
        "latency": summary_ms(everything) if everything else {},
        "errors": load.errors(),
        "connections_opened": load.samples.connections,
        "client_cpu_cores": round(load.client_cpu, 2),
        "machine_busy": round(load.machine_busy, 2),
        "seconds": round(load.seconds, 2),
    }
    if len(kinds) > 1:
        figures |= {kind: summary_ms(load.samples.latencies[kind]) for kind in kinds if load.samples.latencies[kind]}
        figures["pairs_per_s"] = round(load.count(kinds[-1]) / load.seconds, 1)
    if load.exhausted:
        figures["clients_out_of_items"] = load.exhausted
    if load.samples.examples:
        figures["unexpected_examples"] = load.samples.examples
    return figures


def measure(port: int, office: Office, apart: Office, config: ServerConfig, size: Sizes) -> dict[str, Any]:
    """The endpoints one after the other on the same running server, each warmed up first: the two limits,
    the real pair in one plan, and the real pair with a plan per client."""
    plans: list[tuple[str, list[Scenario], tuple[str, ...]]] = [
        ("bare", [bare_scenario() for _ in office.seats], ("bare",)),
        ("same_work", [same_work_scenario(seat) for seat in office.seats], ("same_work",)),
        ("real", [real_scenario(seat) for seat in office.seats], ("transition", "approve")),
        ("real_plan_per_client", [real_scenario(seat) for seat in apart.seats], ("transition", "approve")),
    ]
    outcome: dict[str, Any] = {"server": config.label()}
    for name, scenarios, kinds in plans:
        run(port, scenarios, size.warmup)  # every worker process imports, connects and warms its caches
        outcome[name] = describe(run(port, scenarios, size.seconds), kinds)
    return outcome


def headline(outcome: dict[str, Any]) -> tuple[dict[str, float], dict[str, bool]]:
    real, same, bare = outcome["real"], outcome["same_work"], outcome["bare"]
    ratios = {
        "real_to_same_work": round(real["requests_per_s"] / same["requests_per_s"], 3),
        "real_to_bare": round(real["requests_per_s"] / bare["requests_per_s"], 3),
        "same_work_to_bare": round(same["requests_per_s"] / bare["requests_per_s"], 3),
        "real_to_real_plan_per_client": round(
            real["requests_per_s"] / outcome["real_plan_per_client"]["requests_per_s"], 3
        ),
    }
    targets = {
        "real_at_least_half_of_same_work": ratios["real_to_same_work"] >= RATIO_TARGET,
        "real_p99_at_most_50ms": bool(real["latency"]) and real["latency"]["p99_ms"] <= P99_TARGET_MS,
        "no_errors": all(outcome[name]["errors"] == 0 for name in ENDPOINTS),
    }
    return ratios, targets


# --------------------------------------------------------------------------------------------------- profile


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


def profile() -> None:
    """One transition and one approval in-process under cProfile, with their SQL queries and row locks."""
    office = build_office(CLIENTS, 4)  # the same office as the load: one area per client
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


# ------------------------------------------------------------------------------------------------------ main


def _stop_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally blocks: the server's group is stopped


def main() -> None:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    setup_django()
    from bench.database import ensure_database

    ensure_database()
    if "--profile" in sys.argv[1:]:
        profile()
        return
    size = sizes()
    tried = configurations()
    rate_bound = 600  # pairs per second no configuration reaches on 2 cores: enough items for every window
    per_client = max(size.items_per_client, int(rate_bound * (size.seconds + size.warmup) * len(tried) / CLIENTS))
    office = build_office(CLIENTS, per_client)
    apart = build_office(CLIENTS, per_client, plan_per_client=True)
    traced = trace_pair(office.seats[0])  # what one pair costs, in SQL queries, in this very office
    queries = {label: len(one.queries) for label, one in traced.items()}
    from django.db import connections

    connections.close_all()  # the bench process holds no connection while the server works
    outcomes = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-http-") as folder:
            for config in tried:
                with gunicorn(config, Path(folder)) as port:
                    outcomes.append(measure(port, office, apart, config, size))
    finally:
        tidy(office)
        tidy(apart)
    best = max(outcomes, key=lambda outcome: outcome["real"]["requests_per_s"])
    ratios, targets = headline(best)
    Result(
        name="http",
        figures={
            "clients": CLIENTS,
            "cores": cores(),
            "server": best["server"],
            "operation": "staff POST transitions (avvia, 202) then area head POST approve (200, applied)",
            "real": best["real"],
            "real_plan_per_client": best["real_plan_per_client"],
            "sql_queries_per_request": queries,
            "configurations": [
                {
                    "server": outcome["server"],
                    **{name: outcome[name]["requests_per_s"] for name in ENDPOINTS},
                    "real_p99_ms": outcome["real"]["latency"].get("p99_ms"),
                }
                for outcome in outcomes
            ],
        },
        limit={"bare": best["bare"], "same_work": best["same_work"]},
        ratios=ratios,
        targets=targets,
    ).emit()


if __name__ == "__main__":
    main()
