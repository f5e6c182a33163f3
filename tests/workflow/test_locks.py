"""What a transition locks: its item and the item's objective, never the plan, so that transitions on the
other objectives of a plan go on while one is under way. Two connections, committed data."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.db import DatabaseError, connection, transaction

from plans.models import Activity, Objective, Plan
from tests.workflow.world import World
from workflow.models import AuditEntry, TransitionRequest
from workflow.services.core import audit, lock_item, lock_request

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 10.0


@contextmanager
def held_elsewhere(lock: Callable[[], object]) -> Iterator[None]:
    """Run `lock` in a transaction on another connection and keep that transaction open meanwhile."""
    locked, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def hold() -> None:
        try:
            with transaction.atomic():
                lock()
                locked.set()
                release.wait(TIMEOUT)
        except BaseException as error:
            errors.append(error)
            locked.set()
        finally:
            connection.close()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert locked.wait(TIMEOUT)
    try:
        assert not errors
        yield
    finally:
        release.set()
        thread.join(TIMEOUT)


def is_locked(queryset_of_one: object) -> bool:
    try:
        with transaction.atomic():
            queryset_of_one.select_for_update(nowait=True).get()  # type: ignore[attr-defined]
    except DatabaseError:
        return True
    return False


def test_a_transition_locks_its_activity_and_objective_but_not_the_plan(world: World) -> None:
    with held_elsewhere(lambda: lock_item(Activity.objects.get(pk=world.activity.pk))):
        assert is_locked(Activity.objects.filter(pk=world.activity.pk))
        assert is_locked(Objective.objects.filter(pk=world.objective.pk))
        assert not is_locked(Plan.objects.filter(pk=world.plan.pk))
        assert not is_locked(Objective.objects.filter(pk=world.transversal.pk))
        assert not is_locked(Activity.objects.filter(pk=world.second_activity.pk))


def test_a_decision_locks_the_request_and_its_item_but_not_the_plan(world: World) -> None:
    with transaction.atomic():  # a request commits with its row in the trail, or the database refuses it
        request = TransitionRequest.objects.create(
            organization=world.aurelia,
            activity=world.activity,
            transition="concludi",
            from_state="avviato",
            steps=["area_head"],
            current_step="area_head",
            requested_by=world.sara,
        )
        audit(request, AuditEntry.Event.REQUESTED, world.sara)
    with held_elsewhere(lambda: lock_request(TransitionRequest.objects.get(pk=request.pk))):
        assert is_locked(TransitionRequest.objects.filter(pk=request.pk))
        assert is_locked(Activity.objects.filter(pk=world.activity.pk))
        assert is_locked(Objective.objects.filter(pk=world.objective.pk))
        assert not is_locked(Plan.objects.filter(pk=world.plan.pk))


def waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return bool(cursor.fetchone()[0])


def lock_activity_in_a_transaction(activity_pk: int) -> None:
    try:
        with transaction.atomic():
            lock_item(Activity(pk=activity_pk))
    finally:
        connection.close()


def test_an_activity_s_objective_is_locked_before_the_activity_itself(world: World) -> None:
    """One statement locks both (core._lock_activity): while it waits for an activity someone else holds, it
    holds the objective already, as every service takes the objective first; the other way round, two services
    would deadlock."""
    only_the_activity = Activity.objects.select_for_update(no_key=True).filter(pk=world.activity.pk).order_by()
    with held_elsewhere(lambda: list(only_the_activity)):
        assert not is_locked(Objective.objects.filter(pk=world.objective.pk))
        waiting = threading.Thread(target=lock_activity_in_a_transaction, args=(world.activity.pk,), daemon=True)
        waiting.start()
        for _attempt in range(200):  # until the second transaction waits for the activity
            if waiting_for_a_lock():
                break
            time.sleep(0.05)
        assert waiting_for_a_lock()
        assert is_locked(Objective.objects.filter(pk=world.objective.pk))
    waiting.join(TIMEOUT)
    assert not waiting.is_alive()
