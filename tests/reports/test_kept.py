"""Open data files kept while nothing of the body has changed (reports.kept): the next download is the same file
without reading the plan; a change sealed into the body's audit chain, and the file is written anew; a change not
yet sealed, a file over the limit, a download broken off and a database without the trail keep nothing.

The world: tests/workflow/world.py (Diana directs Aurelia). `seal_pending` stands for the commit that would seal the
test's rows into the chain (the test's transaction never commits)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from plans.models import Indicator, Plan
from reports import kept
from tests.workflow.world import World
from workflow.trail.chain import seal_pending, settled_head

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the kept files' validity reads the PostgreSQL trail"),
]
READS_THE_PLAN = '"plans_indicator"'


def download(client: Client, plan: Plan, fmt: str = "csv") -> tuple[bytes, bool]:
    """The file's bytes, and whether the request read the plan's indicators to write it."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("reports:opendata", args=[plan.pk, 2026, fmt]))
        assert response.status_code == 200
        body = response.getvalue()
    return body, any(READS_THE_PLAN in query["sql"] for query in captured)


@pytest.fixture
def diana(world: World) -> Client:
    seal_the_chain()
    client = Client()
    client.force_login(world.diana)
    return client


def seal_the_chain() -> None:
    seal_pending()


@pytest.mark.parametrize("fmt", ["csv", "it.csv"])
def test_the_next_download_is_the_kept_file_without_reading_the_plan(world: World, diana: Client, fmt: str) -> None:
    first, read = download(diana, world.plan, fmt)
    assert read and world.indicator.name.encode() in first
    again, read_again = download(diana, world.plan, fmt)
    assert again == first
    assert not read_again


def test_a_change_sealed_since_gives_the_new_file_and_keeps_it(world: World, diana: Client) -> None:
    before, _ = download(diana, world.plan)
    Indicator.objects.filter(pk=world.indicator.pk).update(name="Pratiche evase entro trenta giorni")
    # Not sealed yet (this transaction's own change): written anew, and not kept.
    during, read = download(diana, world.plan)
    assert read and b"Pratiche evase entro trenta giorni" in during
    assert download(diana, world.plan)[1]
    seal_the_chain()
    after, read = download(diana, world.plan)
    assert read and after == during != before
    kept_file, read = download(diana, world.plan)
    assert kept_file == after and not read


def test_the_stamp_follows_the_chain_and_the_key_the_language(world: World) -> None:
    seal_the_chain()
    head = settled_head(world.aurelia.pk)
    assert head is not None and head[0] > 0 and len(head[1]) == 64
    kept_now = kept.kept_key(world.plan, 2026, "csv")
    assert kept_now is not None
    assert kept_now.key == f"opendata:{world.plan.pk}:2026:csv:it"
    database = kept.database_identity()
    assert kept_now.stamp == f"{kept.code_digest()}:{database}:{world.aurelia.pk}:{head[0]}:{head[1]}"
    with translation.override("en"):
        assert kept.kept_key(world.plan, 2026, "csv") == kept.Kept(kept_now.key.replace(":it", ":en"), kept_now.stamp)
    Indicator.objects.filter(pk=world.indicator.pk).update(name="Altro nome")
    assert kept.kept_key(world.plan, 2026, "csv") is None  # unsealed
    seal_the_chain()
    moved = settled_head(world.aurelia.pk)
    assert moved is not None and moved[0] == head[0] + 1 and moved[1] != head[1]
    later = kept.kept_key(world.plan, 2026, "csv")
    assert later is not None and later.key == kept_now.key and later.stamp != kept_now.stamp


def test_a_file_of_other_data_under_the_same_key_is_not_served(world: World, diana: Client) -> None:
    """One entry per address: a file kept from other data (another chain head, another database's chain at the
    same place, another release) is never served, and the next download replaces it."""
    first, _ = download(diana, world.plan)
    current = kept.kept_key(world.plan, 2026, "csv")
    assert current is not None and kept.kept_file(current) == first
    cache.set(current.key, ("another-stamp", b"organization,plan\r\naltro,altro\r\n"))
    again, read = download(diana, world.plan)
    assert again == first and read
    assert kept.kept_file(current) == first


def test_the_digest_is_of_the_code_and_the_translations(monkeypatch: pytest.MonkeyPatch) -> None:
    whole = kept.code_digest()
    kept.code_digest.cache_clear()
    monkeypatch.setattr(kept, "CODE", kept.CODE[:-1])
    try:
        assert kept.code_digest() != whole
    finally:
        kept.code_digest.cache_clear()


def test_a_cache_that_fails_never_fails_the_download(
    world: World, diana: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Unreachable:
        def get(self, *args: object, **kwargs: object) -> None:
            raise ConnectionError("Redis unreachable")

        set = get

    monkeypatch.setattr(kept, "django_cache", Unreachable())
    body, read = download(diana, world.plan)
    assert read and world.indicator.name.encode() in body


def test_a_file_over_the_limit_is_not_kept(world: World, diana: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kept, "KEEP_LIMIT", 100)
    first, _ = download(diana, world.plan)
    assert len(first) > 100
    again, read = download(diana, world.plan)
    assert again == first and read


def test_a_download_broken_off_keeps_nothing() -> None:
    broken, whole_file = kept.Kept("opendata:test:broken", "stamp"), kept.Kept("opendata:test:whole", "stamp")
    pieces = kept.keeping(broken, iter([b"a,b\r\n", b"1,2\r\n"]))
    assert next(pieces) == b"a,b\r\n"
    pieces.close()
    assert kept.kept_file(broken) is None
    whole = b"".join(kept.keeping(whole_file, iter([b"a,b\r\n", b"1,2\r\n"])))
    assert kept.kept_file(whole_file) == whole == b"a,b\r\n1,2\r\n"
    assert kept.kept_file(kept.Kept(whole_file.key, "other")) is None
    assert kept.kept_file(None) is None


def test_without_the_trail_nothing_is_kept(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    seal_the_chain()
    monkeypatch.setattr(connection, "vendor", "sqlite")
    assert settled_head(world.aurelia.pk) is None
    assert kept.kept_key(world.plan, 2026, "csv") is None
