"""What every benchmark shares: the bench database, timing, percentiles, and the one-line JSON result."""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import time
import timeit
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
# Benchmarks never touch the development or test databases: they own this one, dropped and rebuilt at will.
BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/traguardi_bench")
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")


def quick() -> bool:
    """`make bench-quick` sets BENCH_QUICK=1: smaller sizes, the same measurements."""
    return os.environ.get("BENCH_QUICK", "") == "1"


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile of `samples` (seconds or anything else)."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, round(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summary_ms(samples: list[float]) -> dict[str, float]:
    """p50/p95/p99 and mean of samples taken in seconds, in milliseconds rounded to 0.01."""
    return {
        "p50_ms": round(percentile(samples, 50) * 1000, 2),
        "p95_ms": round(percentile(samples, 95) * 1000, 2),
        "p99_ms": round(percentile(samples, 99) * 1000, 2),
        "mean_ms": round(statistics.fmean(samples) * 1000, 2),
        "samples": len(samples),
    }


def time_calls(call: Callable[[], Any], repeat: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


@contextmanager
def stopwatch() -> Iterator[dict[str, float]]:
    measured: dict[str, float] = {}
    started = time.perf_counter()
    try:
        yield measured
    finally:
        measured["seconds"] = time.perf_counter() - started


def peak_rss_mb() -> float:
    """This process's peak RSS. VmHWM, not getrusage(): Linux carries ru_maxrss over fork and exec, so a child
    started by a parent holding a 100,000-activity document would report the parent's size as its own."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return round(int(line.split()[1]) / 1024, 1)


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        # Other work on the machine when the result was written (1, 5, 15 minutes): a busy machine's figures
        # are compared by their ratios only.
        "load_average": [round(load, 2) for load in os.getloadavg()],
        # The machine's speed for plain Python, so that runs on different machines of the same kind compare:
        # microseconds for sum(range(1000)), the best of 5 rounds.
        "python_sum_1000_us": _python_speed(),
    }


def _python_speed() -> float:
    return round(min(timeit.repeat("sum(range(1000))", repeat=5, number=2000)) / 2000 * 1e6, 2)


@dataclass
class Result:
    """One benchmark's figures, the limit measured in the same run, and their ratio."""

    name: str
    figures: dict[str, Any]
    limit: dict[str, Any] = field(default_factory=dict)
    ratios: dict[str, float] = field(default_factory=dict)
    targets: dict[str, bool] = field(default_factory=dict)

    def emit(self) -> dict[str, Any]:
        """Print one JSON line and write bench/results/NAME.json."""
        document = {
            "name": self.name,
            "quick": quick(),
            "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "machine": machine(),
            "figures": self.figures,
            "limit": self.limit,
            "ratios": self.ratios,
            "targets_met": self.targets,
        }
        RESULTS.mkdir(parents=True, exist_ok=True)
        suffix = "-quick" if quick() else ""
        (RESULTS / f"{self.name}{suffix}.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        print(json.dumps(document, separators=(",", ":")), flush=True)
        return document


def bench_env(**overrides: str) -> dict[str, str]:
    """The environment of a benchmark process: production-like settings (DEBUG off, so no query log) on the
    bench database and Redis, plain HTTP on loopback."""
    env = dict(os.environ)
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": BENCH_DATABASE_URL,
        "REDIS_URL": BENCH_REDIS_URL,
        "DEBUG": "false",
        "EMAIL_URL": f"file://{REPO / 'var' / 'bench' / 'mail'}",
        "SECRET_KEY": "bench-" + "x" * 60,
        "HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "TRAGUARDI_VAR_DIR": str(REPO / "var" / "bench"),
    }
    return env | overrides


def setup_django(**overrides: str) -> None:
    """Configure Django in this process with bench_env()."""
    os.environ.update(bench_env(**overrides))
    import django

    django.setup()
