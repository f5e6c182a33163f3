"""Two benchmark runs cannot share one database (bench.lock): while a run holds the lock of a database, another
process asking for it stops with the reason; a benchmark process of the run (the holder's pid in its
environment) goes on; once the run ends, the next one takes it. On the real PostgreSQL, with real processes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest

from bench.lock import LOCK_ENV, hold, lock_key, release
from tests.conftest import REPO

ASK = "from bench.lock import hold; import sys; hold(sys.argv[1]); print('held')"


@pytest.fixture
def database_url() -> Iterator[str]:
    """A URL naming a database of this test's own (the lock is by name: the database need not exist)."""
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/traguardi")
    if not base.startswith("postgres"):
        pytest.skip("the benchmarks' lock is a PostgreSQL advisory lock")
    url = urlunsplit(urlsplit(base)._replace(path=f"/traguardi_bench_lock_test_{os.getpid()}"))
    yield url
    release(url)


def _ask(url: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != LOCK_ENV} | env
    return subprocess.run(
        [sys.executable, "-c", ASK, url], cwd=REPO, env=environment, capture_output=True, text=True, timeout=60
    )


def test_a_second_run_on_the_same_database_stops_with_the_reason(database_url: str) -> None:
    assert _ask(database_url).stdout.strip() == "held"  # nobody holds it: a run takes it (and ends)

    hold(database_url)
    other = _ask(database_url)
    assert other.returncode != 0 and "held" not in other.stdout
    assert "Another benchmark run is using the database traguardi_bench_lock_test_" in other.stderr
    assert "Traceback" not in other.stderr

    # A process of the run (the holder's pid in its environment, as bench.run gives its benchmarks) goes on.
    assert _ask(database_url, **{LOCK_ENV: str(os.getpid())}).stdout.strip() == "held"

    release(database_url)
    assert _ask(database_url).stdout.strip() == "held"


def test_each_database_has_its_own_lock() -> None:
    assert lock_key("traguardi_bench") == lock_key("traguardi_bench")
    assert lock_key("traguardi_bench") != lock_key("traguardi_bench_other")
