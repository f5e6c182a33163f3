"""Transition plus approval through the HTTP API, under concurrent load.

gunicorn serves the production settings (DEBUG off; bench.settings_bench adds two bench-only views) on a
free loopback port. 16 clients (bench.loadgen: threads, one keep-alive connection each) each work on their
own area's activities: the staff member asks `avvia` (POST /api/activities/{id}/transitions/, 202: the
bench organization's policy sends it to the area head), then the area head approves it (POST
/api/approvals/{id}/approve, 200: applied). On the same server, in the same run, two limits with the same
16 clients: a bare Django JSON view (the stack's ceiling) and a minimal token-authenticated DRF view that
does the same database work in one transaction (the work's ceiling; bench.httpviews). A fourth run repeats
the real pair in an organization alike except that each client's objective is in a plan of its own: the
two runs should match, since the services lock the item and its objective but not the plan (a ratio well
below 1 would mean that transitions of one plan wait for each other).

Figures are per HTTP request (a pair is two); informative since issue 18: the latency target is bench_pairs'
(open loop, against the same writes done plainly), since p99 at 16 clients that wait for their answers only
says "more than 320 requests/s". Kept: the real requests' rate against the same-work view's. Each same-work
request does the database work of a whole
pair, so `pairs_to_same_work` (pairs per second against same-work requests per second) is reported too.
Full mode tries a few gunicorn configurations and reports the one where the real endpoint does best, with
all of them in `figures.configurations`. bench.httpoffice builds the office and the clients' scenarios.

`python -m bench.bench_http --profile` profiles one transition and one approval in-process instead
(bench.httptrace: cProfile, top functions by cumulative time, and the SQL queries each request makes);
`--cpu` compares, in-process, the CPU a real request and a same-work request take (a steadier figure than
the load's throughput on a noisy machine; it leaves out PostgreSQL's own CPU).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import REPO, Result, bench_env, quick, setup_django, summary_ms
from bench.httpoffice import Office, bare_scenario, build_office, real_scenario, same_work_scenario, tidy
from bench.httptrace import cpu_ratio, profile, trace_pair
from bench.loadgen import Load, Scenario, cores, run

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
        "pairs_to_same_work": round(real["pairs_per_s"] / same["requests_per_s"], 3),
        "real_to_bare": round(real["requests_per_s"] / bare["requests_per_s"], 3),
        "same_work_to_bare": round(same["requests_per_s"] / bare["requests_per_s"], 3),
        "real_to_real_plan_per_client": round(
            real["requests_per_s"] / outcome["real_plan_per_client"]["requests_per_s"], 3
        ),
    }
    targets = {
        "real_at_least_half_of_same_work": ratios["real_to_same_work"] >= RATIO_TARGET,
        # Informative only: p99 at 16 closed-loop clients says "more than 320 requests/s", not a latency anyone
        # feels (issue 18). The latency target is bench_pairs' open-loop p99 at 20 pairs/s.
        "real_p99_at_most_50ms_closed_loop (informative)": bool(real["latency"])
        and real["latency"]["p99_ms"] <= P99_TARGET_MS,
        "no_errors": all(outcome[name]["errors"] == 0 for name in ENDPOINTS),
    }
    return ratios, targets


# ------------------------------------------------------------------------------------------------------ main


def _stop_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally blocks: the server's group is stopped


def main() -> None:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    setup_django()
    from bench.database import ensure_database

    ensure_database()
    if "--profile" in sys.argv[1:]:
        profile(CLIENTS)
        return
    if "--cpu" in sys.argv[1:]:
        print(json.dumps(cpu_ratio(100 if quick() else 300)))
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
