"""A statement writing thousands of rows (an import, a rollover) has its trail rows sealed as they are written:
its transaction holds the organization's place in the chain from then to its commit, the rows it wrote before
are sealed first, and the chain is the one the seal at commit would have made. Another writer of the
organization waits at its commit and follows; a hand-set setting lets nobody choose a place or a hash.

These tests commit (transactional_db): the chain is what committed transactions leave."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import psycopg
import pytest
from django.db import connection, connections, transaction

from plans.models import Activity, Organization
from tests.workflow.world import World
from workflow.models import AuditEntry
from workflow.trail.chain import verify
from workflow.trail.context import sealed_at_commit
from workflow.trail.tracking import SEALED_AS_WRITTEN_FROM

pytestmark = pytest.mark.django_db(transaction=True)

BULK = SEALED_AS_WRITTEN_FROM + 200


def _copies_of(activity: Activity, count: int, first_position: int = 100) -> str:
    """An INSERT of `count` copies of the activity under its objective, in one statement."""
    columns = [str(field.column) for field in Activity._meta.concrete_fields if field.column not in ("id", "position")]
    listed = ", ".join(columns)
    return (
        f"INSERT INTO plans_activity ({listed}, position) SELECT {listed}, g FROM plans_activity, "
        f"generate_series({first_position}, {first_position + count - 1}) g WHERE id = {activity.pk}"
    )


def _chain(world: World) -> list[tuple[int, int | None]]:
    return list(AuditEntry.objects.filter(organization=world.aurelia).order_by("pk").values_list("pk", "seq"))


def test_a_bulk_statement_writes_its_rows_sealed_after_the_ones_written_before(committed_world: World) -> None:
    world = committed_world
    before = _chain(world)
    last_id, last_seq = before[-1]
    assert last_seq is not None
    with transaction.atomic():
        Activity.objects.filter(pk=world.activity.pk).update(description="Mappatura di tutti gli sportelli")
        (single,) = AuditEntry.objects.filter(organization=world.aurelia, pk__gt=last_id)
        assert single.seq is None  # a row of a small statement waits for the commit
        with connection.cursor() as cursor:
            cursor.execute(_copies_of(world.activity, BULK))
        written = list(AuditEntry.objects.filter(organization=world.aurelia, pk__gt=last_id).order_by("pk"))
        # Sealed already, inside the transaction: the row written before first, then each in the order written.
        assert len(written) == 1 + BULK
        assert [row.seq for row in written] == list(range(last_seq + 1, last_seq + 2 + BULK))
        assert all(row.txid == written[0].txid for row in written)
    rows = _chain(world)
    assert [seq for _, seq in rows] == list(range(1, len(rows) + 1))  # one chain, in the order of the ids
    assert verify(world.aurelia.pk).intact
    assert verify(world.borgo.pk).intact


def test_a_bulk_statement_of_another_organization_leaves_this_one_sealed_at_commit(committed_world: World) -> None:
    world = committed_world
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_copies_of(world.activity, BULK))
        Organization.objects.filter(pk=world.borgo.pk).update(name="Comune di Borgo Alto")
        borgo_row = AuditEntry.objects.filter(organization=world.borgo).order_by("-pk").first()
        assert borgo_row is not None and borgo_row.seq is None
    assert AuditEntry.objects.filter(organization=world.borgo).order_by("-pk").first().seq is not None  # type: ignore[union-attr]
    assert verify(world.aurelia.pk).intact and verify(world.borgo.pk).intact


def _waiting_for_the_chain(pid: int) -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_locks WHERE pid = %s AND locktype = 'advisory' AND classid = 1414 AND NOT granted", [pid]
        )
        return cursor.fetchone() is not None


@pytest.fixture
def second() -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    settings = connection.settings_dict
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    with psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"], host=host, port=port, autocommit=True
    ) as other:
        yield other


def test_another_writer_of_the_organization_waits_at_its_commit_and_follows(
    committed_world: World, second: psycopg.Connection[tuple[object, ...]]
) -> None:
    world = committed_world
    pid = second.info.backend_pid
    committed = threading.Event()
    failures: list[BaseException] = []

    def small_write() -> None:
        try:
            _small_write()
        except BaseException as failure:  # seen by the test's thread
            failures.append(failure)

    def _small_write() -> None:
        with second.transaction():
            second.execute(
                "UPDATE plans_activity SET description = 'Sportelli mappati' WHERE id = %s", [world.activity.pk]
            )
        committed.set()

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_copies_of(world.activity, BULK, first_position=2000))
        bulk_last = AuditEntry.objects.filter(organization=world.aurelia).order_by("-pk").first()
        writer = threading.Thread(target=small_write)
        writer.start()
        for _ in range(600):  # at most 30 s
            if _waiting_for_the_chain(pid):
                break
            assert writer.is_alive(), f"the other writer ended without waiting for the chain: {failures}"
            time.sleep(0.05)
        assert _waiting_for_the_chain(pid)
        assert not committed.is_set()
    writer.join(30)
    assert committed.is_set(), failures
    small = AuditEntry.objects.filter(organization=world.aurelia).order_by("-pk").first()
    assert bulk_last is not None and small is not None
    assert small.seq == bulk_last.seq + 1 and small.prev_hash == bulk_last.hash  # type: ignore[operator]
    assert verify(world.aurelia.pk).intact


def test_a_hand_set_setting_chooses_neither_the_place_nor_the_hash(app, committed_world: World) -> None:
    world = committed_world
    with app.transaction():
        app.execute(
            "SELECT set_config('traguardi.sealing', txid_current()::text || ':' || %s::text, true)", [world.aurelia.pk]
        )
        row = app.execute(
            "INSERT INTO workflow_auditentry (organization_id, activity_id, event, transition, from_state, to_state, "
            "actor_id, comment, subject, source, prev_hash, hash, seq) VALUES "
            "(%s, %s, 'state_changed', 'concludi', 'avviato', 'concluso', %s, '', '', '', 'x', 'y', 1) RETURNING id",
            [world.aurelia.pk, world.activity.pk, world.anna.pk],
        ).fetchone()
    assert row is not None
    entry = AuditEntry.objects.get(pk=row[0])
    assert entry.seq is not None and entry.seq > 1 and entry.prev_hash != "x" and entry.hash != "y"
    assert verify(world.aurelia.pk).intact


def _holds_the_chain() -> bool:
    """Whether this connection holds an organization's place in the chain (the seal's advisory lock)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory' AND classid = 1414"
        )
        return cursor.fetchone() is not None


def test_a_bulk_change_of_the_scan_s_bookkeeping_writes_no_trail_row_and_holds_nothing(
    committed_world: World,
) -> None:
    world = committed_world
    with connection.cursor() as cursor:
        cursor.execute(_copies_of(world.activity, BULK))
    before = _chain(world)
    with transaction.atomic():
        Activity.objects.filter(objective=world.activity.objective_id).update(next_reminder_on="2026-06-01")
        assert not _holds_the_chain()  # the reminder scan's chunks of 1,000 lock no organization
    assert _chain(world) == before


def test_a_bulk_change_of_data_is_sealed_as_written(committed_world: World) -> None:
    world = committed_world
    with connection.cursor() as cursor:
        cursor.execute(_copies_of(world.activity, BULK))
    with transaction.atomic():
        Activity.objects.filter(objective=world.activity.objective_id).update(description="Riscritta")
        assert _holds_the_chain()
        assert not AuditEntry.objects.filter(organization=world.aurelia, seq__isnull=True).exists()
    assert verify(world.aurelia.pk).intact


def test_a_transaction_that_seals_at_commit_holds_nothing_however_large(committed_world: World) -> None:
    """An import's dry run: rolled back, it keeps no other writer of the body waiting."""
    world = committed_world
    with transaction.atomic():
        sealed_at_commit()
        with connection.cursor() as cursor:
            cursor.execute(_copies_of(world.activity, BULK))
        assert not _holds_the_chain()
        assert AuditEntry.objects.filter(organization=world.aurelia, seq__isnull=True).count() == BULK
    assert verify(world.aurelia.pk).intact


def test_a_bulk_statement_rolled_back_to_its_savepoint_leaves_the_chain_whole(committed_world: World) -> None:
    world = committed_world
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint
                with connection.cursor() as cursor:
                    cursor.execute(_copies_of(world.activity, BULK))
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        Activity.objects.filter(pk=world.activity.pk).update(description="Dopo il ripensamento")
    rows = _chain(world)
    assert [seq for _, seq in rows] == list(range(1, len(rows) + 1))
    assert verify(world.aurelia.pk).intact
