"""Every change to plan data is in the trail, with who, when, from where, before and after: made in the admin,
by an import, by a service through the API, or by anyone with the database's ear."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from evaluation.models import ObjectiveForecast, ScoreSnapshot, ScoreWatermark
from plans.models import Activity, OrganizationRole
from reports.models import PiaoUpload, RelazioneChapter
from tests.plans.test_import_plan import run_import, small_plan, write
from tests.workflow.world import World
from workflow.models import (
    ApprovalPolicy,
    AuditEntry,
    Delegation,
    SeparationPolicy,
    Validation,
    ValidationCheck,
    ValidationCriterion,
)
from workflow.selectors import history_of
from workflow.services import delegation_create
from workflow.trail.tracking import TRACKED, function_name

pytestmark = pytest.mark.django_db

# Computed from the tracked data, again every day: not data of their own.
DERIVED: set[type[Model]] = {ObjectiveForecast, ScoreSnapshot, ScoreWatermark}


def changes_of(instance: Model) -> list[AuditEntry]:
    label = instance._meta.label_lower
    return list(AuditEntry.objects.data_changes().filter(subject=label, subject_id=instance.pk).order_by("pk"))


def test_every_plan_model_policy_and_delegation_is_tracked_by_installed_triggers() -> None:
    policies = {ApprovalPolicy, SeparationPolicy, Delegation, RelazioneChapter, PiaoUpload}
    # The OIV's validation of the Relazione: the body's criteria, each attempt and its checks.
    validation = {ValidationCriterion, Validation, ValidationCheck}
    plan_data: set[type[Model]] = {
        *apps.get_app_config("plans").get_models(),
        *(set(apps.get_app_config("evaluation").get_models()) - DERIVED),
        *policies,
        *validation,
    }
    for model in list(plan_data):
        plan_data |= {getattr(model, field.name).through for field in model._meta.many_to_many}
    assert {tracked.model for tracked in TRACKED} == plan_data
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        installed = {name for (name,) in cursor.fetchall()}
    for tracked in TRACKED:
        assert {f"{function_name(tracked)}_write", f"{function_name(tracked)}_change"} <= installed, tracked.table


def test_an_admin_edit_is_recorded_with_who_before_and_after_and_shown_in_the_timeline(
    world: World, client: Client
) -> None:
    root = User.objects.create_superuser("root", "root@aurelia.example", "x")
    client.force_login(root)
    activity = world.activity
    response = client.post(
        reverse("admin:plans_activity_change", args=[activity.pk]),
        {
            "objective": activity.objective_id,
            "position": activity.position,
            "description": "Mappatura di tutti gli sportelli",
            "owner": world.tommaso.pk,
            "planned_raw": "Luglio",
            "actual_raw": "",
        },
    )
    assert response.status_code == 302
    [change] = [row for row in changes_of(activity) if row.event == "changed"]
    assert (change.actor, change.source) == (root, "admin")
    assert change.before is not None and change.after is not None
    assert change.before["description"] == "Mappatura degli sportelli"
    assert change.after["description"] == "Mappatura di tutti gli sportelli"
    assert (change.before["owner_id"], change.after["owner_id"]) == (world.sara.pk, world.tommaso.pk)
    assert (change.before["planned_end"], change.after["planned_end"]) == ("2026-06-30", "2026-07-31")
    assert change.organization == world.aurelia

    client.force_login(world.anna)
    page = client.get(reverse("web:activity", args=[activity.pk])).content.decode()
    assert "Modifica</strong> (amministrazione)" in page
    assert "Attività: «Mappatura degli sportelli» → «Mappatura di tutti gli sportelli»" in page


def test_a_reimport_is_recorded_as_an_import(tmp_path: Path) -> None:
    run_import(write(tmp_path, small_plan()), "--reference-date", "2026-05-15")
    first = set(AuditEntry.objects.data_changes().values_list("source", flat=True))
    assert first == {"import"}
    edited = small_plan()
    edited["objectives"][0]["title"] = "Cartella sociale: seconda fase"
    edited["objectives"][0]["areas"] = ["SOC"]
    run_import(write(tmp_path, edited))
    title = AuditEntry.objects.data_changes().get(subject="plans.objective", event="changed")
    assert title.before == {"title": "Cartella sociale informatizzata"}
    assert title.after == {"title": "Cartella sociale: seconda fase"}
    assert title.source == "import" and title.actor is None
    removed_area = AuditEntry.objects.data_changes().get(subject="plans.objective_areas", event="deleted")
    assert removed_area.before is not None and removed_area.after is None


def test_a_transition_through_the_api_records_the_data_change_beside_the_state_change(world: World) -> None:
    api = APIClient()
    api.force_authenticate(world.anna)
    response = api.post(f"/api/activities/{world.activity.pk}/transitions/", {"transition": "avvia"}, format="json")
    assert response.status_code == 200, response.content
    state_change = AuditEntry.objects.workflow().get(activity=world.activity, event="state_changed")
    data = [row for row in changes_of(world.activity) if row.event == "changed"]
    assert [(row.after, row.actor, row.source) for row in data] == [({"state": "avviato"}, world.anna, "api")]
    assert data[0].txid == state_change.txid
    # The timeline says it once: the state change, not its twin.
    timeline = list(history_of(world.activity))
    assert state_change in timeline and data[0] not in timeline


def test_policies_delegations_and_roles_are_recorded(world: World) -> None:
    policy = ApprovalPolicy.objects.create(
        organization=world.aurelia, target_kind="activity", transition="avvia", chain="area_head"
    )
    delegation = delegation_create(
        actor=world.anna,
        organization=world.aurelia,
        substitute=world.bruno,
        starts_on=dt.date(2026, 5, 15),
        ends_on=dt.date(2026, 5, 30),
    )
    role = OrganizationRole.objects.create(organization=world.borgo, user=world.otto, role="auditor")
    assert [row.event for row in changes_of(policy)] == ["created"]
    assert changes_of(delegation)[0].after["substitute_id"] == world.bruno.pk  # type: ignore[index]
    [granted] = changes_of(role)
    assert (granted.organization, granted.after["role"]) == (world.borgo, "auditor")  # type: ignore[index]
    role_id = role.pk
    role.delete()
    events = AuditEntry.objects.data_changes().filter(subject="plans.organizationrole", subject_id=role_id)
    assert list(events.order_by("pk").values_list("event", flat=True)) == ["created", "deleted"]


def test_a_deleted_activity_keeps_its_trail(world: World) -> None:
    activity, pk = world.second_activity, world.second_activity.pk
    activity.delete()
    deleted = AuditEntry.objects.data_changes().get(subject="plans.activity", subject_id=pk, event="deleted")
    assert deleted.before is not None and deleted.before["description"] == "Formazione degli operatori"
    assert deleted.after is None and not Activity.objects.filter(pk=pk).exists()


def test_the_reminder_scans_bookkeeping_is_not_plan_data(world: World) -> None:
    before = AuditEntry.objects.count()
    Activity.objects.filter(pk=world.activity.pk).update(next_reminder_on=dt.date(2026, 6, 1))
    assert AuditEntry.objects.count() == before
