"""Approvers hear of a request awaiting them (substitutes too), requesters of the decision. Unit level:
the task runs eagerly here; test_delivery.py runs the real worker."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings

from config.celery import app
from notifications import events, tasks
from notifications.models import Message
from plans.models import Area, Objective
from tests.workflow.world import World
from workflow.models import Delegation
from workflow.services import approval_approve, approval_reject, item_avvia, item_concludi, item_rinvia

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def eager_tasks_and_memory_mail(settings: Settings) -> Iterator[None]:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def kinds() -> list[tuple[str, str]]:
    return sorted(Message.objects.values_list("kind", "recipient__username"))


def test_the_area_head_hears_of_a_request_and_the_requester_of_the_decision(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    item_avvia(actor=world.sara, item=world.activity)
    with django_capture_on_commit_callbacks(execute=True):
        pending = item_concludi(actor=world.sara, item=world.activity, actual_end=dt.date(2026, 5, 14)).request
    assert kinds() == [("approval_needed", "anna")]
    [to_anna] = mail.outbox
    assert to_anna.to == ["anna@aurelia.example"]
    assert "Richieste che attendono la tua decisione" in to_anna.subject
    assert f"/approvazioni/#richiesta-{pending.pk}" in to_anna.body
    with django_capture_on_commit_callbacks(execute=True):
        approval_reject(actor=world.anna, request=pending, comment="Manca il verbale")
    assert ("request_decided", "sara") in kinds()
    assert "Manca il verbale" in mail.outbox[-1].body
    assert mail.outbox[-1].to == ["sara@aurelia.example"]


def test_each_step_of_a_chain_tells_its_own_approver_and_a_substitute(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    Delegation.objects.create(
        organization=world.aurelia,
        delegator=world.diana,
        substitute=world.bruno,
        starts_on=dt.date(2026, 5, 1),
        ends_on=dt.date(2026, 5, 31),
    )
    with django_capture_on_commit_callbacks(execute=True):
        pending = item_rinvia(
            actor=world.sara, item=world.activity, reason="Fornitore", new_planned_end=dt.date(2026, 9, 30)
        ).request
    with django_capture_on_commit_callbacks(execute=True):
        approval_approve(actor=world.anna, request=pending)
    assert kinds() == [("approval_needed", "anna"), ("approval_needed", "bruno"), ("approval_needed", "diana")]


def test_nothing_is_said_to_whoever_decided_alone(world: World, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        item_avvia(actor=world.anna, item=world.activity)
        item_concludi(actor=world.anna, item=world.activity)
    assert kinds() == []
    assert mail.outbox == []


@pytest.fixture
def woken(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """The recipients of each dispatch task asked for (notifications.events), instead of publishing it."""
    asked: list[list[int]] = []
    monkeypatch.setattr(tasks.dispatch_messages, "delay", lambda recipient_ids: asked.append(recipient_ids))
    return asked


def test_the_outbox_rows_commit_with_the_request_and_the_worker_hears_only_after_commit(
    world: World, woken: list[list[int]], django_capture_on_commit_callbacks: Any
) -> None:
    item_avvia(actor=world.sara, item=world.activity)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        item_concludi(actor=world.sara, item=world.activity)
        assert kinds() == [("approval_needed", "anna")]  # written in the request's transaction
        assert woken == []
        raise RuntimeError("the transaction fails after the request")
    assert (kinds(), woken) == ([], [])  # rolled back with it; no worker woken
    with django_capture_on_commit_callbacks(execute=False) as pending:
        item_concludi(actor=world.sara, item=world.activity)
    assert (kinds(), woken) == ([("approval_needed", "anna")], [])
    for callback in pending:
        callback()
    assert woken == [[world.anna.pk]]


def test_telling_the_approvers_costs_as_many_queries_however_many_areas_the_organization_has(
    world: World, woken: list[list[int]], django_capture_on_commit_callbacks: Any
) -> None:
    item_avvia(actor=world.sara, item=world.activity)
    pending = item_concludi(actor=world.sara, item=world.activity).request  # its worker is not woken here

    def announce() -> int:
        Message.objects.all().delete()
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
            events.request_awaiting(pending)
        assert kinds() == [("approval_needed", "anna")]
        return len(queries)

    small = announce()
    for index in range(40):
        head, substitute = (User.objects.create_user(f"{role}{index}") for role in ("head", "substitute"))
        area = Area.objects.create(organization=world.aurelia, code=f"X{index}", slug=f"x{index}", name="X", head=head)
        Objective.objects.create(plan=world.plan, code=f"X{index}-1", title="Altro").areas.add(area)
        Delegation.objects.create(
            organization=world.aurelia,
            delegator=head,
            substitute=substitute,
            starts_on=dt.date(2026, 5, 1),
            ends_on=dt.date(2026, 5, 31),
        )
    assert announce() == small
    assert woken == [[world.anna.pk], [world.anna.pk]]
