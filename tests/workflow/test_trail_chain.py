"""The trail is hash-chained per organization at commit, its times are the database's, and `verify_audit` names
the first row that the tables' owner altered, removed or slipped in.

These tests commit (transactional_db): rows are sealed into the chain when their transaction commits."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.conftest import REPO
from tests.workflow.world import World
from workflow.models import AuditEntry
from workflow.services import approval_approve, item_avvia, item_concludi
from workflow.trail import chain
from workflow.trail.chain import verify

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def committed(committed_world: World) -> World:
    return committed_world


def _as_owner(sql: str, params: list[int] | None = None) -> None:
    """What the owner of the tables can do and the application's role cannot (see test_trail_roles)."""
    with connection.cursor() as cursor:
        for trigger in ("traguardi_audit_protect", "traguardi_audit_protect_remove"):
            cursor.execute(f"ALTER TABLE workflow_auditentry DISABLE TRIGGER {trigger}")
        try:
            cursor.execute(sql, params or [])
        finally:
            for trigger in ("traguardi_audit_protect", "traguardi_audit_protect_remove"):
                cursor.execute(f"ALTER TABLE workflow_auditentry ENABLE TRIGGER {trigger}")


def _verify_output(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("verify_audit", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _aurelia_rows(world: World) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(organization=world.aurelia).order_by("seq"))


def test_each_organization_has_one_chain_sealed_at_commit(committed: World) -> None:
    world = committed
    item_avvia(actor=world.anna, item=world.activity)
    outcome = item_concludi(actor=world.sara, item=world.activity)
    approval_approve(actor=world.anna, request=outcome.request)

    rows = _aurelia_rows(world)
    assert [row.seq for row in rows] == list(range(1, len(rows) + 1))
    assert rows[0].prev_hash == ""
    assert all(row.prev_hash == before.hash for before, row in itertools.pairwise(rows))
    assert all(len(row.hash) == 64 for row in rows)
    assert {"requested", "approved", "state_changed", "created", "changed"} <= {row.event for row in rows}
    borgo = list(AuditEntry.objects.filter(organization=world.borgo).order_by("seq"))
    assert borgo and borgo[0].seq == 1 and borgo[0].prev_hash == ""
    assert verify(world.aurelia.pk).intact and verify(world.borgo.pk).intact
    out, err = _verify_output()
    assert f"aurelia: {len(rows)} voci, catena integra; ultima voce n. {len(rows)}, impronta {rows[-1].hash}" in out
    assert err == ""


def test_the_database_sets_the_time_of_a_row_whatever_the_application_sends(committed: World) -> None:
    world = committed
    entry = AuditEntry.objects.create(
        organization=world.aurelia,
        activity=world.activity,
        event=AuditEntry.Event.STATE_CHANGED,
        transition="avvia",
        actor=world.anna,
        at=dt.datetime(2001, 1, 1, tzinfo=dt.UTC),  # a back-dated row
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        database_now = cursor.fetchone()[0]
    entry.refresh_from_db()
    assert abs(entry.at - database_now) < dt.timedelta(minutes=1)
    assert entry.at.year != 2001 and entry.seq is not None


def test_verify_audit_names_the_row_whose_content_the_owner_altered(committed: World) -> None:
    world = committed
    item_avvia(actor=world.anna, item=world.activity, comment="Avviata")
    rows = _aurelia_rows(world)
    altered = next(row for row in rows if row.event == "requested")
    assert altered.seq is not None
    _as_owner("UPDATE workflow_auditentry SET comment = 'Avviata in ritardo' WHERE id = %s", [altered.pk])

    with pytest.raises(CommandError, match="Registro alterato in 1 ente"):
        _verify_output()
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("verify_audit", "--organization", "aurelia", stdout=out, stderr=err)
    assert f"aurelia: catena interrotta alla voce n. {altered.seq} (id {altered.pk} del " in err.getvalue()
    assert "la voce è stata modificata" in err.getvalue()
    assert f"Le {altered.seq - 1} voci precedenti sono integre" in err.getvalue()
    assert verify(world.borgo.pk).intact  # the other body's chain is its own


def test_the_command_exits_non_zero_naming_the_altered_row(committed: World) -> None:
    """`manage.py verify_audit` as an operator runs it: its own process, on this test database."""
    world = committed
    item_avvia(actor=world.anna, item=world.activity)
    altered = _aurelia_rows(world)[2]
    _as_owner("UPDATE workflow_auditentry SET source = 'admin' WHERE id = %s", [altered.pk])
    settings = connection.settings_dict
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    done = subprocess.run(
        [sys.executable, str(REPO / "manage.py"), "verify_audit"],
        env={**os.environ, "DATABASE_URL": f"postgres://{settings['USER']}@{host}:{port}/{settings['NAME']}"},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert f"aurelia: catena interrotta alla voce n. {altered.seq} (id {altered.pk} del " in done.stderr
    assert "borgo: " in done.stdout and "catena integra" in done.stdout
    assert "Traceback" not in done.stderr


def test_verify_audit_names_where_rows_were_removed(committed: World) -> None:
    world = committed
    item_avvia(actor=world.anna, item=world.activity)
    rows = _aurelia_rows(world)
    removed = rows[3]
    _as_owner("DELETE FROM workflow_auditentry WHERE id = %s", [removed.pk])

    verdict = verify(world.aurelia.pk)
    assert verdict.broken is not None and verdict.broken.row_id == rows[4].pk
    assert verdict.broken.problem == f"missing rows {removed.seq}–{removed.seq}"
    with pytest.raises(CommandError):
        _verify_output("--organization", "aurelia")


def test_verify_audit_finds_a_row_slipped_in_around_the_triggers(committed: World) -> None:
    world = committed
    with connection.cursor() as cursor:  # the owner, with every trigger off: not stamped, not sealed
        cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(
                "INSERT INTO workflow_auditentry (organization_id, activity_id, event, transition, from_state, "
                "to_state, actor_id, comment, subject, source, prev_hash, hash, at) VALUES "
                "(%s, %s, 'state_changed', 'concludi', 'avviato', 'concluso', %s, '', '', '', '', '', %s)",
                [world.aurelia.pk, world.activity.pk, world.anna.pk, dt.datetime(2026, 1, 2, tzinfo=dt.UTC)],
            )
        finally:
            cursor.execute("SET session_replication_role = origin")
    verdict = verify(world.aurelia.pk)
    assert verdict.broken is not None and verdict.broken.problem == "not sealed"
    with pytest.raises(CommandError):
        _verify_output("--organization", "aurelia")


def test_verify_audit_refuses_an_unknown_organization(committed: World) -> None:
    with pytest.raises(CommandError, match="Nessun ente con identificativo «nessuno»"):
        _verify_output("--organization", "nessuno")


def test_the_hash_covers_every_column_of_the_trail_but_the_chain_itself() -> None:
    """A column added to the trail and left out of the hash could be rewritten unseen: this test fails first."""
    hashed = {re.search(r"r\.(\w+)", column).group(1) for column in chain._COLUMNS}  # type: ignore[union-attr]
    columns = {field.column for field in AuditEntry._meta.concrete_fields}
    assert hashed == columns - {"seq", "prev_hash", "hash"}
