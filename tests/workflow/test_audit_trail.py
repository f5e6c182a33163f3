"""Audit rows are append-only: UPDATE and DELETE fail in the database itself, whoever sends them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.db.models.deletion import ProtectedError

from plans.models import Activity, WorkState
from tests.plans.helpers import load_reference_demo
from workflow.models import AuditEntry

pytestmark = pytest.mark.django_db

REFUSAL = "Cannot update or delete rows from workflow_auditentry"


@pytest.fixture
def entry() -> AuditEntry:
    load_reference_demo()
    activity = Activity.objects.get(actual_raw="avviato Luglio")
    return AuditEntry.objects.create(
        organization=activity.objective.plan.organization,
        activity=activity,
        event=AuditEntry.Event.STATE_CHANGED,
        transition="avvia",
        from_state=WorkState.PROGRAMMATO,
        to_state=WorkState.AVVIATO,
        actor=User.objects.get(username="resp-area-direzione"),
        comment="Avviata a luglio",
    )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE workflow_auditentry SET comment = 'ritoccato' WHERE id = %s",
        "UPDATE workflow_auditentry SET to_state = 'concluso' WHERE id = %s",
        "DELETE FROM workflow_auditentry WHERE id = %s",
    ],
)
def test_raw_sql_cannot_change_or_remove_an_audit_row(entry: AuditEntry, statement: str) -> None:
    with (
        pytest.raises(DatabaseError, match=REFUSAL),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [entry.pk])
    entry.refresh_from_db()
    assert (entry.comment, entry.to_state) == ("Avviata a luglio", WorkState.AVVIATO)


def test_the_orm_cannot_change_or_remove_an_audit_row(entry: AuditEntry) -> None:
    with pytest.raises(DatabaseError, match=REFUSAL), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(comment="ritoccato")
    with pytest.raises(DatabaseError, match=REFUSAL), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).comment == "Avviata a luglio"


def test_new_rows_can_still_be_appended(entry: AuditEntry) -> None:
    AuditEntry.objects.create(
        organization=entry.organization,
        activity=entry.activity,
        event=AuditEntry.Event.REQUESTED,
        transition="concludi",
        actor=entry.actor,
    )
    assert AuditEntry.objects.filter(activity=entry.activity).count() == 2


def test_an_item_or_a_person_with_history_cannot_be_deleted(entry: AuditEntry) -> None:
    with pytest.raises(ProtectedError), transaction.atomic():
        User.objects.filter(username=entry.actor.username).delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        Activity.objects.filter(audit_entries=entry).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
