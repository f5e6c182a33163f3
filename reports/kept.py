"""Open data files kept as last written, served again while nothing of the body has changed since.

A body's open data CSV is downloaded as it is, by people and by harvesters, far more often than its data change,
and writing it scores every indicator of the plan: 150 ms and more for a body of 10,000 activities. So the file
is kept in Django's cache (Redis in production) under the head of the organization's audit chain
(workflow.trail.chain.settled_head): every change to what the file shows (objectives, areas, indicators,
targets, baselines, values, the measurement system, the separation policy, the plan and the body) adds a row to
that chain, so a kept file is served only while it is still the file the data give. Where there is no trail
(SQLite), or while the request's own transaction holds changes not yet sealed, the file is written as before.

The key also carries the language (the Italian CSV's words) and a digest of the code that writes the files, so
that a new release never serves a file its predecessor wrote. A file larger than KEEP_LIMIT is not kept: such
files are rare, and the largest go to a worker anyway (reports.sizing).
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Generator, Iterator
from functools import cache

from django.core.cache import cache as django_cache
from django.utils import translation

from plans import achievement, measured, scoring
from plans.models import Plan
from reports import indicator_rows, opendata
from reports.render import opendata as render_opendata
from reports.render import opendata_it
from workflow.trail.chain import settled_head

KEEP_LIMIT = 4 * 1024 * 1024  # bytes
KEEP_SECONDS = 24 * 60 * 60
# The modules whose code decides what a file holds.
WRITERS = (opendata, indicator_rows, render_opendata, opendata_it, achievement, measured, scoring)


@cache
def code_digest() -> str:
    """A digest of the writers' source: it changes with any release that could write the files differently."""
    digest = hashlib.sha256()
    for module in WRITERS:
        digest.update(inspect.getsource(module).encode())
    return digest.hexdigest()[:16]


def kept_key(plan: Plan, year: int, fmt: str) -> str | None:
    """The cache key of the plan's open data file of `year` in `fmt` as the data stand now, or None when there is
    no way to tell whether they changed (no trail, or changes of this transaction not sealed yet)."""
    head = settled_head(plan.organization_id)
    if head is None:
        return None
    return f"opendata:{code_digest()}:{plan.pk}:{year}:{fmt}:{translation.get_language()}:{head}"


def kept_file(key: str | None) -> bytes | None:
    """The file kept under `key`, if there is one."""
    if key is None:
        return None
    kept = django_cache.get(key)
    return kept if isinstance(kept, bytes) else None


def keeping(key: str | None, write: Iterator[bytes]) -> Generator[bytes]:
    """The file as `write` gives it piece by piece, kept under `key` (unless None) once written whole and no larger
    than KEEP_LIMIT: a download broken off keeps nothing."""
    pieces: list[bytes] = []
    size = 0
    for piece in write:
        yield piece
        size += len(piece)
        if size <= KEEP_LIMIT:
            pieces.append(piece)
    if key is not None and size <= KEEP_LIMIT:
        django_cache.set(key, b"".join(pieces), KEEP_SECONDS)
