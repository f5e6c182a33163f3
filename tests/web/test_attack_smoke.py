"""Every new page and endpoint of issue 17, asked by every persona (another body's director, staff, an area head,
the director, the OIV) on a validated plan: never a 500; another body's director never sees it (404)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.plan_life import close_year
from tests.workflow.world import World, build_world
from workflow.services.validation import CheckInput, validation_open, validation_record


@pytest.fixture
def world(db: None, frozen_today: dt.date) -> World:
    return build_world(live=False)


def _urls(world: World, validation_id: int) -> list[str]:
    plan, objective = world.plan.pk, world.objective.pk
    return [
        f"/piani/{plan}/validazione/",
        f"/piani/{plan}/validazione/{validation_id}.pdf",
        f"/piani/{plan}/validazione/{validation_id}.docx",
        f"/piani/{plan}/validazione/{validation_id}.xyz",
        f"/piani/{plan}/versioni/",
        f"/piani/{plan}/versioni/differenze/?da=1&a=2",
        f"/piani/{plan}/anno-successivo/",
        f"/piani/{plan}/riapri/",
        f"/piani/{plan}/piao/",
        f"/piani/{plan}/piao/sezione-performance.docx",
        f"/piani/{plan}/pacchetto-probatorio/2026/",
        f"/piani/{plan}/pacchetto-probatorio/2019/",
        f"/piani/{plan}/pacchetto-probatorio/scarica/999999/",
        f"/obiettivi/{objective}/rimodulazione/",
        "/scadenze-di-legge/",
        "/scadenze-di-legge/?anno=1999",
        f"/api/plans/{plan}/validation/",
        f"/api/changes/?plan={plan}",
        f"/api/plan-versions/?plan={plan}",
        "/api/changes/999999/",
    ]


@pytest.mark.parametrize("name", ["erica", "sara", "anna", "bruno", "diana", "otto"])
def test_no_new_page_answers_500_and_another_body_sees_nothing(world: World, name: str) -> None:
    plan = close_year(world.plan, world.diana)
    draft = validation_open(actor=world.otto, plan=plan)
    checks = {check.pk: CheckInput(result="met") for check in draft.checks.all()}
    validation = validation_record(actor=world.otto, plan=plan, outcome="validata", checks=checks)
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username=name))
    for url in _urls(world, validation.pk):
        status = client.get(url).status_code
        assert status < 500, (url, status)
        if name == "erica" and url.startswith(("/piani/", "/obiettivi/")):
            assert status == 404, (url, status)
    for url in (f"/piani/{plan.pk}/passi/close/", f"/piani/{plan.pk}/validazione/salva/", f"/piani/{plan.pk}/riapri/"):
        status = client.post(url, {"motivation": "x" * 5000, "act": "\x00"}).status_code
        assert status < 500, (url, status)


GARBAGE = [
    {},
    {"outcome": 5},
    {"outcome": "validata", "checks": "tutti"},
    {"outcome": "validata", "checks": [{"id": "uno", "result": "met"}]},
    {"outcome": "validata", "checks": [{"id": 2**70, "result": "met"}]},
    {"outcome": "validata", "checks": [None, 5]},
    {"outcome": "validata_con_osservazioni", "observations": "x" * 30_000},
    {"outcome": "non_validata", "motivation": "a\x00b"},
    {"outcome": "validata", "observations": ["x"], "motivation": {"a": 1}},
]


@pytest.mark.parametrize("body", GARBAGE)
def test_garbage_to_the_validation_api_is_a_clear_400_and_records_nothing(world: World, body: object) -> None:
    from plans.models import Plan, PlanState
    from workflow.models import Validation

    plan = close_year(world.plan, world.diana)
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username="otto"))
    answer = client.put(f"/api/plans/{plan.pk}/validation/", body, content_type="application/json")
    assert answer.status_code in (200, 400), (body, answer.status_code, answer.content[:200])  # {} saves the draft
    answer = client.post(f"/api/plans/{plan.pk}/validation/outcome/", body, content_type="application/json")
    assert answer.status_code == 400, (body, answer.status_code, answer.content[:200])
    assert answer.json()["message"]
    assert not Validation.objects.exclude(outcome="").exists()
    assert Plan.objects.get(pk=plan.pk).state == PlanState.CLOSED


@pytest.mark.parametrize(
    "body",
    [
        {"act": 5},
        {"act": "x" * 400, "act_date": "2026-05-01"},
        {"act": "Decreto", "act_date": "31/12/2026"},
        {"act": "Decreto", "act_date": "99999-01-01"},
        {"act": "Decreto\x00", "act_date": "2026-05-01"},
        {"act": "Decreto", "act_date": "2027-01-01"},
    ],
)
def test_garbage_to_a_rimodulazione_s_approval_is_a_clear_400_and_writes_nothing(world: World, body: object) -> None:
    from tests.plan_life import put_in_execution
    from workflow.models import AuditEntry, TransitionRequest
    from workflow.services.changes import change_request

    put_in_execution(world.plan, world.diana)
    change = change_request(
        actor=User.objects.get(username="anna"),
        objective=world.objective,
        changes={"title": "Nuovo titolo"},
        motivation="Nuova norma",
    ).request
    before = AuditEntry.objects.count()
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username="diana"))
    answer = client.post(f"/api/changes/{change.pk}/approve/", body, content_type="application/json")
    assert answer.status_code == 400, (body, answer.status_code, answer.content[:200])
    change.refresh_from_db()
    assert change.status == TransitionRequest.Status.PENDING
    assert AuditEntry.objects.count() == before


def test_another_body_s_rimodulazione_is_not_there_whatever_the_body(world: World) -> None:
    from tests.plan_life import put_in_execution
    from workflow.services.changes import change_request

    put_in_execution(world.plan, world.diana)
    change = change_request(
        actor=User.objects.get(username="anna"),
        objective=world.objective,
        changes={"title": "Nuovo titolo"},
        motivation="Nuova norma",
    ).request
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username="erica"))
    for body in ({"act": "Decreto n. 1"}, {"act_date": "2026-05-01"}, {"act": "Decreto", "act_date": "2030-01-01"}):
        for action in ("approve", "reject"):
            answer = client.post(f"/api/changes/{change.pk}/{action}/", body, content_type="application/json")
            assert answer.status_code == 404, (action, body, answer.status_code, answer.content[:200])
