"""As the application's database role, the trail cannot be rewritten: no UPDATE, DELETE or TRUNCATE of the
trail or the decisions, no rewriting of a request, no dropping or switching off a trigger; it owns nothing.

The role is a real PostgreSQL role (created once on the cluster, given its privileges on the test database by
`grant_application_role`, as `migrate` does in production), and the test connects as it with psycopg."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from psycopg import errors

from tests.roles import APPLICATION_ROLE
from tests.workflow.world import World
from workflow.models import Approval, AuditEntry, TransitionRequest
from workflow.services import item_avvia, item_concludi
from workflow.trail.chain import verify

pytestmark = pytest.mark.django_db(transaction=True)

ROLE = APPLICATION_ROLE


def _refused(app: psycopg.Connection[tuple[object, ...]], statement: str, params: list[object] | None = None) -> str:
    with pytest.raises(errors.InsufficientPrivilege) as refused, app.transaction():
        app.execute(statement, params or [])
    return str(refused.value)


@pytest.fixture
def trail(committed_world: World) -> AuditEntry:
    world = committed_world
    item_avvia(actor=world.anna, item=world.activity, comment="Avviata")
    item_concludi(actor=world.sara, item=world.activity)  # waits for anna: a pending request
    return AuditEntry.objects.workflow().filter(activity=world.activity).order_by("pk").first()  # type: ignore[return-value]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE workflow_auditentry SET comment = 'ritoccato' WHERE id = %s",
        "UPDATE workflow_auditentry SET at = '2020-01-01' WHERE id = %s",
        "UPDATE workflow_auditentry SET hash = '' WHERE id = %s",
        "DELETE FROM workflow_auditentry WHERE id = %s",
    ],
)
def test_the_application_role_cannot_change_or_remove_a_trail_row(app, trail: AuditEntry, statement: str) -> None:
    assert "permission denied for table workflow_auditentry" in _refused(app, statement, [trail.pk])
    assert verify(trail.organization_id).intact


def test_the_application_role_cannot_truncate_the_trail_or_the_decisions(app, trail: AuditEntry) -> None:
    assert "permission denied" in _refused(app, "TRUNCATE workflow_auditentry CASCADE")
    assert "permission denied" in _refused(app, "TRUNCATE workflow_approval CASCADE")
    assert "permission denied" in _refused(app, "DELETE FROM workflow_approval")
    assert "permission denied" in _refused(app, "UPDATE workflow_approval SET comment = 'x'")
    assert AuditEntry.objects.filter(pk=trail.pk).exists()


@pytest.mark.parametrize(
    "statement",
    [
        "DROP TRIGGER traguardi_audit_protect ON workflow_auditentry",
        "DROP TRIGGER traguardi_audit_stamp ON workflow_auditentry",
        "ALTER TABLE workflow_auditentry DISABLE TRIGGER traguardi_audit_protect",
        "ALTER TABLE workflow_auditentry DISABLE TRIGGER traguardi_audit_protect_remove",
        "ALTER TABLE workflow_auditentry DISABLE TRIGGER ALL",
        "DROP TRIGGER traguardi_history_plans_activity_change ON plans_activity",
        "DROP FUNCTION traguardi_audit_seal(bigint)",
        "CREATE OR REPLACE FUNCTION traguardi_audit_stamp() RETURNS trigger LANGUAGE sql AS 'SELECT NULL'",
    ],
)
def test_the_application_role_cannot_drop_or_switch_off_the_triggers(app, trail: AuditEntry, statement: str) -> None:
    refusal = _refused(app, statement)
    assert "must be owner" in refusal or "permission denied for schema public" in refusal


def test_the_application_role_cannot_switch_triggers_off_for_its_session(app, trail: AuditEntry) -> None:
    assert "permission denied" in _refused(app, "SET session_replication_role = replica")


def _database_refuses(app: psycopg.Connection[tuple[object, ...]], statement: str, params: list[object]) -> str:
    with pytest.raises(errors.CheckViolation) as refused, app.transaction():
        app.execute(statement, params)
    return str(refused.value)


def test_a_request_cannot_be_rewritten_only_moved_along_its_life(
    app, committed_world: World, trail: AuditEntry
) -> None:
    pending = TransitionRequest.objects.get(status="pending")
    closed = trail.request
    assert closed is not None and closed.status == "approved"
    for column, value in (("requested_by_id", committed_world.diana.pk), ("reason", "altro"), ("transition", "riapri")):
        statement = f"UPDATE workflow_transitionrequest SET {column} = %s WHERE id = %s"
        assert "permission denied" in _refused(app, statement, [value, pending.pk])
    assert "permission denied" in _refused(app, "DELETE FROM workflow_transitionrequest WHERE id = %s", [pending.pk])
    # A closed request stays closed: no reopening, no other outcome.
    reopen = "UPDATE workflow_transitionrequest SET status = 'pending', current_step = 'area_head', closed_at = NULL"
    assert "is already closed" in _database_refuses(app, reopen + " WHERE id = %s", [closed.pk])
    overturn = "UPDATE workflow_transitionrequest SET status = 'rejected' WHERE id = %s"
    assert "is already closed" in _database_refuses(app, overturn, [closed.pk])
    # An outcome written without its row in the trail is refused at commit.
    close = "UPDATE workflow_transitionrequest SET status = 'rejected', current_step = '', closed_at = now() "
    close += "WHERE id = %s"
    assert "without its row in the audit trail" in _database_refuses(app, close, [pending.pk])
    assert TransitionRequest.objects.get(pk=pending.pk).status == "pending"
    with app.transaction(force_rollback=True):  # what the services do is allowed: the outcome and its trail row
        app.execute(close, [pending.pk])
        app.execute(
            "INSERT INTO workflow_auditentry (organization_id, activity_id, request_id, event, transition, from_state, "
            "to_state, actor_id, comment, subject, source, prev_hash, hash) VALUES "
            "(%s, %s, %s, 'rejected', 'concludi', '', '', %s, 'no', '', '', '', '')",
            [pending.organization_id, pending.activity_id, pending.pk, committed_world.anna.pk],
        )
        app.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the commit-time checks, now, before the rollback


def test_a_decision_written_without_its_row_in_the_trail_is_refused(app, committed_world: World) -> None:
    world = committed_world
    item_avvia(actor=world.anna, item=world.second_activity)
    pending = item_concludi(actor=world.sara, item=world.second_activity).request
    insert = (
        "INSERT INTO workflow_approval (request_id, step, decision, decided_by_id, comment, decided_at, "
        "director_covers_area_head) VALUES (%s, 'area_head', 'approved', %s, '', now(), false)"
    )
    assert "without its row in the audit trail" in _database_refuses(app, insert, [pending.pk, world.anna.pk])
    assert not Approval.objects.filter(request=pending).exists()


def test_a_back_dated_row_inserted_by_the_application_role_gets_the_database_time(app, committed_world: World) -> None:
    world = committed_world
    with app.transaction():
        row = app.execute(
            "INSERT INTO workflow_auditentry (organization_id, activity_id, event, transition, from_state, to_state, "
            "actor_id, comment, subject, source, prev_hash, hash, at, seq) VALUES "
            "(%s, %s, 'state_changed', 'concludi', 'avviato', 'concluso', %s, '', '', '', 'x', 'y', %s, 1) "
            "RETURNING id",
            [world.aurelia.pk, world.activity.pk, world.anna.pk, dt.datetime(2020, 1, 1, tzinfo=dt.UTC)],
        ).fetchone()
    assert row is not None
    entry = AuditEntry.objects.get(pk=row[0])
    assert entry.at.year == dt.date.today().year and entry.at > dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert entry.seq is not None and entry.seq > 1 and entry.prev_hash != "x"
    assert verify(world.aurelia.pk).intact


def test_the_application_role_writes_plan_data_and_the_trail_records_it(app, committed_world: World) -> None:
    world = committed_world
    with app.transaction():
        app.execute("UPDATE plans_activity SET description = 'Mappatura completa' WHERE id = %s", [world.activity.pk])
    change = AuditEntry.objects.data_changes().filter(subject="plans.activity", subject_id=world.activity.pk).last()
    assert change is not None and change.after == {"description": "Mappatura completa"}
    assert verify(world.aurelia.pk).intact


def test_the_application_role_owns_nothing(app) -> None:
    found = app.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = %s", [ROLE]
    ).fetchone()
    assert found == (0,)
    assert "permission denied" in _refused(app, "CREATE TABLE plans_shadow (id int)")


def test_a_temporary_table_named_like_the_trail_does_not_swallow_the_record(app, committed_world: World) -> None:
    """Temporary tables come first in a session's search path: the triggers name their tables with the schema."""
    world = committed_world
    with app.transaction():
        app.execute("CREATE TEMP TABLE workflow_auditentry AS SELECT * FROM public.workflow_auditentry WITH NO DATA")
        app.execute("CREATE TEMP TABLE plans_plan AS SELECT * FROM public.plans_plan WITH NO DATA")
        app.execute("UPDATE plans_objective SET title = 'Titolo riscritto' WHERE id = %s", [world.objective.pk])
    change = AuditEntry.objects.data_changes().filter(subject="plans.objective", subject_id=world.objective.pk).last()
    assert change is not None and change.after == {"title": "Titolo riscritto"}
    assert change.organization_id == world.aurelia.pk
    assert verify(world.aurelia.pk).intact


def test_a_temporary_table_of_roles_does_not_blind_the_separation_of_duties(app, committed_world: World) -> None:
    world = committed_world
    item_avvia(actor=world.anna, item=world.second_activity)
    pending = item_concludi(actor=world.sara, item=world.second_activity).request
    with pytest.raises(errors.CheckViolation, match="sod_auditor"), app.transaction():
        app.execute("CREATE TEMP TABLE plans_organizationrole AS SELECT * FROM public.plans_organizationrole LIMIT 0")
        app.execute(
            "INSERT INTO workflow_approval (request_id, step, decision, decided_by_id, comment, decided_at, "
            "director_covers_area_head) VALUES (%s, 'area_head', 'approved', %s, '', now(), false)",
            [pending.pk, world.otto.pk],
        )
    assert not Approval.objects.filter(request=pending).exists()
