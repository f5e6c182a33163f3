"""The rows of a validated plan in the admin, enumerated: shown read-only, even to the platform operator, with
«Piano validato … sola lettura» and why; a save, a deletion, a bulk deletion or a new row pointing into the plan
is refused with the reason and changes nothing (the database would refuse it too, workflow.trail.freeze)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import Model
from django.forms.models import model_to_dict
from django.test import Client

from config.admin_freeze import plan_of
from tests.admin.payloads import add_payload, admin_url, object_id
from tests.admin.rows import Rows
from tests.workflow.world import World, build_world
from workflow.models import AuditEntry
from workflow.services.plan_lifecycle import plan_adopt, plan_close, plan_start, plan_validate


@pytest.fixture
def world(db: None, frozen_today: dt.date) -> World:
    """The world with its plan still a draft: these tests adopt it themselves."""
    return build_world(live=False)


pytestmark = pytest.mark.django_db

FROZEN = "è stato validato dall&#x27;OIV"


@pytest.fixture
def frozen_rows(world: World, aurelia_rows: Rows) -> dict[type[Model], Model]:
    """One row of each registered model that belongs to the plan, the plan then validated."""
    plan = plan_adopt(actor=world.diana, plan=world.plan, act="Delibera n. 1", adopted_on=dt.date(2026, 1, 20))
    plan = plan_close(actor=world.diana, plan=plan_start(actor=world.diana, plan=plan))
    plan_validate(actor=world.otto, plan=plan)
    rows = {}
    for model, found in aurelia_rows.items():
        if admin.site.is_registered(model) and found and plan_of(found[0]) is not None:
            found[0].refresh_from_db()
            rows[model] = found[0]
    return rows


PLAN_MODELS = [
    "plans.Plan",
    "plans.Objective",
    "plans.Activity",
    "plans.Indicator",
    "plans.IndicatorTarget",
    "plans.IndicatorBaseline",
    "plans.Measurement",
    "plans.MeasurementEvidence",
    "plans.IndicatorMotivation",
    "plans.ObjectiveReport",
    "plans.ActionSheet",
    "plans.ActionSheetIndicator",
    "workflow.TransitionRequest",
]


def _row(frozen_rows: dict[type[Model], Model], label: str) -> tuple[type[Model], Model]:
    model = next(model for model in frozen_rows if model._meta.label == label)
    return model, frozen_rows[model]


def test_every_plan_model_of_the_admin_is_enumerated(frozen_rows: dict[type[Model], Model]) -> None:
    assert {model._meta.label for model in frozen_rows} >= set(PLAN_MODELS)


@pytest.mark.parametrize("label", PLAN_MODELS)
def test_a_validated_plans_row_is_read_only_with_the_reason(
    frozen_rows: dict[type[Model], Model], root_client: Client, label: str
) -> None:
    model, row = _row(frozen_rows, label)
    page = root_client.get(admin_url(model, "change", object_id(row)))
    assert page.status_code == 200
    text = page.content.decode()
    assert "sola lettura" in text and FROZEN in text
    assert 'name="_save"' not in text and 'name="_continue"' not in text
    assert admin_url(model, "delete", object_id(row)) not in text


@pytest.mark.parametrize("label", PLAN_MODELS)
def test_a_save_or_a_deletion_is_refused_and_changes_nothing(
    frozen_rows: dict[type[Model], Model], root_client: Client, root: User, label: str
) -> None:
    model, row = _row(frozen_rows, label)
    before, trail = model_to_dict(row), AuditEntry.objects.count()
    payload = add_payload(admin.site.get_model_admin(model), root, row)
    change = admin_url(model, "change", object_id(row))

    saved = root_client.post(change, payload, follow=True)
    deleted = root_client.post(admin_url(model, "delete", object_id(row)), {"post": "yes"}, follow=True)

    for answer in (saved, deleted):
        assert answer.redirect_chain[-1][0] == change
        text = answer.content.decode()
        assert "Nulla è cambiato: il piano di questa riga è validato." in text and FROZEN in text
    row.refresh_from_db()
    assert model_to_dict(row) == before
    assert AuditEntry.objects.count() == trail


def test_a_bulk_deletion_with_a_validated_plans_rows_is_refused(
    frozen_rows: dict[type[Model], Model], root_client: Client, world: World
) -> None:
    model, row = _row(frozen_rows, "plans.Activity")
    answer = root_client.post(
        admin_url(model, "changelist"), {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
    )
    assert "PEG-2026" in answer.content.decode() and "sola lettura" in answer.content.decode()
    assert model._default_manager.filter(pk=row.pk).exists()


@pytest.mark.parametrize(
    ("label", "changes"),
    [
        ("plans.Objective", {"code": "SOC-NUOVO"}),
        ("plans.Activity", {"position": 9}),
        ("plans.IndicatorTarget", {"year": 2027}),
        ("plans.Measurement", {"raw": "99"}),
        ("plans.ObjectiveReport", {"date": "2026-12-31"}),
        ("plans.ActionSheet", {"code": "AZ-NUOVA"}),
    ],
)
def test_a_new_row_in_a_validated_plan_is_refused(
    frozen_rows: dict[type[Model], Model], root_client: Client, root: User, label: str, changes: dict[str, Any]
) -> None:
    model, row = _row(frozen_rows, label)
    count = model._default_manager.count()
    payload = add_payload(admin.site.get_model_admin(model), root, row, **changes)
    answer = root_client.post(admin_url(model, "add"), payload)
    assert answer.status_code == 200
    assert FROZEN in answer.content.decode()
    assert model._default_manager.count() == count


def test_a_director_with_admin_access_sees_the_same_refusal(
    frozen_rows: dict[type[Model], Model], world: World
) -> None:
    from django.contrib.auth.models import Group, Permission

    office = Group.objects.create(name="Ufficio informatico di Aurelia")
    office.permissions.set(Permission.objects.all())
    world.diana.is_staff = True
    world.diana.save()
    world.diana.groups.add(office)
    client = Client()
    client.force_login(world.diana)
    model, row = _row(frozen_rows, "plans.Objective")
    page = client.get(admin_url(model, "change", object_id(row)))
    assert "sola lettura" in page.content.decode() and 'name="_save"' not in page.content.decode()
    answer = client.post(admin_url(model, "change", object_id(row)), {"title": "Riscritto"}, follow=True)
    assert "Nulla è cambiato" in answer.content.decode()
    row.refresh_from_db()
    assert row.title != "Riscritto"  # type: ignore[attr-defined]
