"""Open data files kept as last written, served again while nothing of the body has changed since.

A body's open data CSV is downloaded as it is, by people and by harvesters, far more often than its data change,
and writing it scores every indicator of the plan: 150 ms and more for a body of 10,000 activities. So the file
is kept in Django's cache (Redis in production) with the stamp of the data it was written from: the place and hash
of the head of the organization's audit chain (workflow.trail.chain.settled_head). Every change to what the file
shows (objectives, areas, indicators, targets, baselines, values, the measurement system, the separation policy,
the plan and the body) adds a row to that chain, so a kept file is served only while its stamp is still the
chain's head. Where there is no trail (SQLite), or while the request's own transaction holds changes not yet
sealed, the file is written as before.

One entry per plan, year, format and language (the Italian CSV's words), overwritten when the data change: the
cache holds at most one file per download address. The stamp also carries a digest of the application's code and
translations, so that a new release never serves a file its predecessor wrote, and the database's own id, so that
a database restored or built again never serves the files of the one before. A file larger than KEEP_LIMIT is
not kept (the largest go to a worker anyway, reports.sizing). The cache failing (Redis unreachable) only means the
file is written again: a download never fails for it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache as django_cache
from django.db import connection
from django.utils import translation

from plans.models import Plan
from workflow.trail.chain import settled_head

logger = logging.getLogger(__name__)

KEEP_LIMIT = 4 * 1024 * 1024  # bytes
KEEP_SECONDS = 24 * 60 * 60
# What decides what a file holds: the code of these packages and the translations.
CODE = ("plans", "reports", "evaluation", "workflow", "config")
TRANSLATIONS = "locale"


@cache
def code_digest() -> str:
    """A digest of the application's Python sources and compiled translations, read once per process."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    files = [path for package in CODE for path in (base / package).rglob("*.py")]
    files += list((base / TRANSLATIONS).rglob("*.mo"))
    for path in sorted(files):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Kept:
    """Where a file is kept and the stamp of the data it must have been written from."""

    key: str
    stamp: str


def kept_key(plan: Plan, year: int, fmt: str) -> Kept | None:
    """The place and stamp of the plan's open data file of `year` in `fmt` as the data stand now, or None when
    there is no way to tell whether they changed (no trail, or changes of this transaction not sealed yet)."""
    head = settled_head(plan.organization_id)
    if head is None:
        return None
    seq, row_hash = head
    return Kept(
        key=f"opendata:{plan.pk}:{year}:{fmt}:{translation.get_language()}",
        stamp=f"{code_digest()}:{database_identity()}:{plan.organization_id}:{seq}:{row_hash}",
    )


def database_identity() -> int:
    """The database's own id (its oid): a database restored, or dropped and built again (the benchmarks' data are
    loaded past the trail, leaving its chain empty), is another one, whose files were never kept."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT oid FROM pg_database WHERE datname = current_database()")
        (oid,) = cursor.fetchone()
    return int(oid)


def kept_file(kept: Kept | None) -> bytes | None:
    """The file kept for `kept`, if there is one written from the same data."""
    if kept is None:
        return None
    try:
        found = django_cache.get(kept.key)
    except Exception:  # the cache is an optimisation: unreachable, the file is written again
        logger.warning("open data cache unreachable: %s written again", kept.key, exc_info=True)
        return None
    if isinstance(found, tuple) and len(found) == 2 and found[0] == kept.stamp and isinstance(found[1], bytes):
        return found[1]
    return None


def keeping(kept: Kept | None, write: Iterator[bytes]) -> Generator[bytes]:
    """The file as `write` gives it piece by piece, kept for `kept` (unless None) once written whole and no larger
    than KEEP_LIMIT: a download broken off keeps nothing."""
    pieces: list[bytes] = []
    size = 0
    for piece in write:
        yield piece
        size += len(piece)
        if size <= KEEP_LIMIT:
            pieces.append(piece)
    if kept is not None and size <= KEEP_LIMIT:
        try:
            django_cache.set(kept.key, (kept.stamp, b"".join(pieces)), KEEP_SECONDS)
        except Exception:  # the download is complete: only the keeping failed
            logger.warning("open data cache unreachable: %s not kept", kept.key, exc_info=True)
