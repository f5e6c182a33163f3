"""One benchmark run per database: two runs on one database would time each other's load and drop each other's
tables, and both their figures would be false.

The run holds a PostgreSQL advisory lock, keyed by the bench database's name, on a connection of its own to the
server's `postgres` database (the bench database itself is dropped and rebuilt), for as long as the process
lives. `python -m bench.run` takes it once and its benchmark processes (and theirs) inherit it through the
environment (LOCK_ENV names the holder's pid, trusted while that process is alive); a benchmark started on its
own takes it itself. A second run on the same database stops at once, saying which and why.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any
from urllib.parse import urlsplit

import psycopg

LOCK_ENV = "TRAGUARDI_BENCH_LOCK_HOLDER"

_held: dict[str, psycopg.Connection[Any]] = {}


class BenchmarkBusy(SystemExit):
    """Another run holds the database's lock."""


def lock_key(database: str) -> int:
    """A signed 64-bit advisory-lock key for `database` (the same for every process on every machine)."""
    digest = hashlib.sha256(f"traguardi-bench:{database}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _inherited() -> bool:
    holder = os.environ.get(LOCK_ENV, "")
    if not holder.isdecimal():
        return False
    try:
        os.kill(int(holder), 0)  # signal 0: is the holder alive?
    except (ProcessLookupError, PermissionError):
        return False
    return True


def hold(database_url: str) -> None:
    """Hold the lock of the database of `database_url` for this process's life (and its children's), or stop
    with BenchmarkBusy when another run holds it."""
    parts = urlsplit(database_url)
    hold_database(
        parts.path.lstrip("/"),
        host=parts.hostname or None,
        port=parts.port or None,
        user=parts.username or None,
        password=parts.password or None,
    )


def hold_database(database: str, **server: Any) -> None:
    """hold() for a database named `database` on the server that `server` (psycopg's host, port, user,
    password) reaches."""
    if database in _held or _inherited():
        return
    connection = psycopg.connect(dbname="postgres", autocommit=True, **server)
    row = connection.execute("SELECT pg_try_advisory_lock(%s)", [lock_key(database)]).fetchone()
    if not (row and row[0]):
        connection.close()
        raise BenchmarkBusy(
            f"Another benchmark run is using the database {database}: wait until it ends, or give this run "
            f"another database (BENCH_DATABASE_URL). Two runs on one database would falsify each other's figures."
        )
    _held[database] = connection
    os.environ[LOCK_ENV] = str(os.getpid())


def release(database_url: str) -> None:
    """Let the lock go before the process ends (the tests do; a benchmark keeps it to its end)."""
    database = urlsplit(database_url).path.lstrip("/")
    connection = _held.pop(database, None)
    if connection is not None:
        connection.close()
        if os.environ.get(LOCK_ENV) == str(os.getpid()):
            del os.environ[LOCK_ENV]
