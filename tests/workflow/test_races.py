"""Races: many people, each on their own database connection, act on one item at the very same moment.

Every thread loads its own user and opens its own connection before a barrier releases them all at once;
they then go through the real HTTP API. Exactly one of them gets through, the others get 409, and the
audit trail tells one consistent story. The data is committed (transactional test) so that every
connection sees it; a thread that crashes, or hangs, fails the test.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from rest_framework.test import APIClient

from plans.models import Activity, WorkState
from tests.workflow.world import World
from workflow.models import Approval, AuditEntry, TransitionRequest
from workflow.services import item_avvia, item_concludi

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 32
TIMEOUT = 60.0  # seconds, for the barrier and for joining each thread


@dataclass(frozen=True)
class Answer:
    """What one thread got back: which action it tried, the HTTP status and the JSON body."""

    action: str
    status: int
    body: dict[str, Any]


Shot = Callable[[], Answer]


def race(prepare: Callable[[int], Shot]) -> list[Answer]:
    """Run THREADS threads. Thread i calls `prepare(i)` on its own connection (loading users, building its
    client), waits at the barrier, then fires the shot it got. Exceptions raised in a thread are re-raised
    here; a thread still alive after TIMEOUT fails the test."""
    barrier = threading.Barrier(THREADS)
    answers: list[Answer | None] = [None] * THREADS
    errors: list[BaseException] = []
    errors_lock = threading.Lock()

    def run(index: int) -> None:
        try:
            shot = prepare(index)
            barrier.wait(timeout=TIMEOUT)
            answers[index] = shot()
        except BaseException as error:  # every failure in a thread must reach the test
            with errors_lock:
                errors.append(error)
            barrier.abort()  # the others must not wait forever for a thread that will never arrive
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index,), name=f"race-{index}", daemon=True) for index in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT)
    alive = [thread.name for thread in threads if thread.is_alive()]
    assert not alive, f"threads still running after {TIMEOUT} s: {alive}"
    # A broken barrier is only the consequence of another thread's failure: report the cause first.
    errors.sort(key=lambda error: isinstance(error, threading.BrokenBarrierError))
    if errors:
        raise errors[0]
    assert all(answer is not None for answer in answers)
    return [answer for answer in answers if answer is not None]


def poster(username: str, action: str, url: str, data: dict[str, Any]) -> Shot:
    """Prepared in the thread: the user, loaded on this thread's connection, and their API client."""
    client = APIClient()
    client.force_authenticate(User.objects.get(username=username))

    def shot() -> Answer:
        response = client.post(url, data, format="json")
        return Answer(action, response.status_code, response.json())

    return shot


def tally(answers: list[Answer]) -> Counter[tuple[int, str]]:
    """How many answers of each (status, error code or "-")."""
    return Counter((answer.status, str(answer.body.get("code", "-"))) for answer in answers)


def events_of(activity: Activity) -> list[tuple[str, str, str]]:
    entries = AuditEntry.objects.filter(activity=activity).order_by("at", "pk")
    return [(entry.event, entry.transition, entry.to_state) for entry in entries]


def pending_concludi(world: World) -> TransitionRequest:
    """Sara starts activity 1 (no approval needed) and asks to conclude it: the request waits for Anna."""
    assert item_avvia(actor=world.sara, item=world.activity).applied
    outcome = item_concludi(actor=world.sara, item=world.activity, comment="Sportelli mappati")
    assert not outcome.applied
    assert outcome.request.current_step == "area_head"
    return outcome.request


# Which decisions the 32 threads take: half and half, or all the same so that both outcomes are always tried.
SPLITS: dict[str, Callable[[int], str]] = {
    "half_approve_half_reject": lambda index: "approve" if index % 2 == 0 else "reject",
    "all_approve": lambda index: "approve",
    "all_reject": lambda index: "reject",
}


@pytest.mark.parametrize("split", SPLITS)
def test_many_deciders_at_once_exactly_one_decision_applies(world: World, split: str) -> None:
    request = pending_concludi(world)
    before = events_of(world.activity)
    assert [event for event, _, _ in before] == ["requested", "state_changed", "requested"]

    def prepare(index: int) -> Shot:
        action = SPLITS[split](index)
        data = {"comment": f"Decisione {index}"}  # a reject needs a comment; an approve takes one too
        return poster("anna", action, f"/api/approvals/{request.pk}/{action}", data)

    answers = race(prepare)

    assert tally(answers) == {(200, "-"): 1, (409, "request_closed"): THREADS - 1}, tally(answers)
    [winner] = [answer for answer in answers if answer.status == 200]
    decision = {"approve": Approval.Decision.APPROVED, "reject": Approval.Decision.REJECTED}[winner.action]
    assert winner.body["id"] == request.pk
    assert winner.body["status"] == decision  # the request's new status has the decision's name

    request.refresh_from_db()
    assert request.status == decision
    assert request.current_step == ""
    assert request.closed_at is not None
    approvals = list(Approval.objects.filter(request=request))
    assert len(approvals) == 1
    assert (approvals[0].decision, approvals[0].decided_by_id, approvals[0].step) == (
        decision,
        world.anna.pk,
        "area_head",
    )

    after = events_of(world.activity)
    assert after[: len(before)] == before  # nothing before the request was touched
    activity = Activity.objects.get(pk=world.activity.pk)
    if decision == Approval.Decision.APPROVED:
        assert after[len(before) :] == [("approved", "concludi", ""), ("state_changed", "concludi", "concluso")]
        assert activity.state == WorkState.CONCLUSO
        assert activity.actual_end is not None
    else:
        assert after[len(before) :] == [("rejected", "concludi", "")]
        assert activity.state == WorkState.AVVIATO
        assert activity.actual_end is None
    # Every row written by the race belongs to the request and to the one winner.
    race_rows = AuditEntry.objects.filter(activity=world.activity).order_by("pk")[len(before) :]
    assert {(row.request_id, row.actor_id) for row in race_rows} == {(request.pk, world.anna.pk)}
    assert sum(1 for event, _, _ in after if event == "state_changed") == (2 if decision == "approved" else 1)


def test_approve_and_withdraw_at_once_exactly_one_wins(world: World) -> None:
    request = pending_concludi(world)

    def prepare(index: int) -> Shot:
        if index % 2 == 0:
            return poster("anna", "approve", f"/api/approvals/{request.pk}/approve", {"comment": "Bene"})
        return poster("sara", "withdraw", f"/api/requests/{request.pk}/withdraw", {"comment": "Ci ho ripensato"})

    answers = race(prepare)

    assert tally(answers) == {(200, "-"): 1, (409, "request_closed"): THREADS - 1}, tally(answers)
    [winner] = [answer for answer in answers if answer.status == 200]
    request.refresh_from_db()
    activity = Activity.objects.get(pk=world.activity.pk)
    tail = [event for event, _, _ in events_of(world.activity)][3:]
    if winner.action == "approve":
        assert request.status == TransitionRequest.Status.APPROVED
        assert tail == ["approved", "state_changed"]
        assert activity.state == WorkState.CONCLUSO
        assert Approval.objects.filter(request=request).count() == 1
    else:
        assert request.status == TransitionRequest.Status.WITHDRAWN
        assert tail == ["withdrawn"]
        assert activity.state == WorkState.AVVIATO
        assert not Approval.objects.filter(request=request).exists()


def test_many_requests_at_once_exactly_one_is_opened(world: World) -> None:
    url = f"/api/activities/{world.activity.pk}/transitions/"
    data = {"transition": "rinvia", "reason": "Fornitore in ritardo", "new_planned_end": "2026-10-31"}

    answers = race(lambda index: poster("sara", "rinvia", url, data))

    assert tally(answers) == {(202, "-"): 1, (409, "request_open"): THREADS - 1}, tally(answers)
    [winner] = [answer for answer in answers if answer.status == 202]
    requests = list(TransitionRequest.objects.filter(activity=world.activity))
    assert len(requests) == 1
    [request] = requests
    assert winner.body["id"] == request.pk
    assert (request.status, request.transition, request.current_step) == ("pending", "rinvia", "area_head")
    assert request.steps == ["area_head", "director"]
    assert not Approval.objects.filter(request=request).exists()
    assert events_of(world.activity) == [("requested", "rinvia", "")]
    assert AuditEntry.objects.get(activity=world.activity).request_id == request.pk
    activity = Activity.objects.get(pk=world.activity.pk)
    assert activity.state == WorkState.PROGRAMMATO
    assert str(activity.planned_end) == "2026-06-30"  # unchanged until the request is approved


def test_many_direct_transitions_at_once_exactly_one_applies(world: World) -> None:
    url = f"/api/activities/{world.activity.pk}/transitions/"

    answers = race(lambda index: poster("anna", "avvia", url, {"transition": "avvia", "comment": f"Via {index}"}))

    assert tally(answers) == {(200, "-"): 1, (409, "transition_not_allowed"): THREADS - 1}, tally(answers)
    [winner] = [answer for answer in answers if answer.status == 200]
    assert winner.body["state"] == WorkState.AVVIATO
    assert Activity.objects.get(pk=world.activity.pk).state == WorkState.AVVIATO
    [request] = TransitionRequest.objects.filter(activity=world.activity)
    assert request.status == TransitionRequest.Status.APPROVED
    assert events_of(world.activity) == [("requested", "avvia", ""), ("state_changed", "avvia", "avviato")]
    state_changed = AuditEntry.objects.get(activity=world.activity, event="state_changed")
    assert (state_changed.from_state, state_changed.request_id) == (WorkState.PROGRAMMATO, request.pk)
