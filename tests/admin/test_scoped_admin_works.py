"""The scoped admin still does its job: a director runs her own body in it, the platform operator runs
everything, an area head sees what the rules let them see, and nobody saves a row out of their own reach."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.test import Client

from config.admin import ScopedAdmin
from notifications.models import Message
from plans.models import ActionSheet, Area, Objective, Organization, OrganizationRole, Plan
from tests.admin.payloads import admin_request, admin_url
from tests.admin.rows import Rows
from tests.workflow.world import World
from workflow.models import ApprovalPolicy

pytestmark = pytest.mark.django_db


def test_a_director_adds_an_area_to_her_own_body_and_is_offered_no_other(
    world: World, erica: User, erica_client: Client
) -> None:
    form = erica_client.get(admin_url(Area, "add")).context["adminform"].form
    assert list(form.fields["organization"].queryset) == [world.borgo]
    assert list(form.fields["head"].queryset) == [erica]
    area = {"organization": world.borgo.pk, "code": "TEC", "slug": "tecnica", "name": "Area tecnica", "head": erica.pk}
    assert erica_client.post(admin_url(Area, "add"), area).status_code == 302
    assert Area.objects.get(organization=world.borgo, code="TEC").head == erica


def test_the_filters_list_only_ones_own_organizations(world: World, erica: User, erica_client: Client) -> None:
    cervia = Organization.objects.create(slug="cervia", name="Comune di Cervia", kind=Organization.Kind.COMUNE)
    OrganizationRole.objects.create(organization=cervia, user=erica, role=OrganizationRole.Role.AUDITOR)
    Area.objects.create(organization=cervia, code="AMM", slug="amministrativa", name="Area amministrativa")
    listing = erica_client.get(admin_url(Area, "changelist"))
    changelist = listing.context["cl"]
    offered = {choice["display"] for spec in changelist.filter_specs for choice in spec.choices(changelist)}
    assert {"Comune di Borgo", "Comune di Cervia"} <= offered
    assert "Comune di Aurelia" not in offered


def test_the_platform_operator_sees_and_changes_every_organization(world: World, root_client: Client) -> None:
    listing = root_client.get(admin_url(Area, "changelist"))
    assert {area.organization for area in listing.context["cl"].result_list} == {world.aurelia, world.borgo}
    role = world.diana.organization_roles.get()
    moved = {"organization": world.borgo.pk, "user": world.diana.pk, "role": role.role}
    assert root_client.post(admin_url(role._meta.model, "change", role.pk), moved).status_code == 302
    role.refresh_from_db()
    assert role.organization == world.borgo


def test_a_row_that_is_not_there_answers_404_as_one_out_of_reach_does(root_client: Client) -> None:
    for view in ("change", "delete", "history"):
        assert root_client.get(admin_url(Organization, view, 999_999)).status_code == 404


def test_an_area_head_cannot_save_an_objective_out_of_their_own_reach(world: World) -> None:
    bruno = world.bruno
    bruno.is_staff = True
    bruno.save()
    bruno.user_permissions.add(*Permission.objects.filter(codename__in=["view_objective", "change_objective"]))
    client = Client()
    client.force_login(bruno)
    transversal = world.transversal
    only_social = {
        "plan": transversal.plan_id,
        "code": transversal.code,
        "title": transversal.title,
        "areas": [world.social.pk],
        "reports-TOTAL_FORMS": "0",
        "reports-INITIAL_FORMS": "0",
    }
    response = client.post(admin_url(Objective, "change", transversal.pk), only_social)
    assert response.status_code == 403
    assert set(transversal.areas.all()) == {world.social, world.technical}


def test_an_action_needs_the_permission_to_change_not_only_to_view(world: World, aurelia_rows: Rows) -> None:
    otto = world.otto
    otto.is_staff = True
    otto.save()
    otto.user_permissions.add(Permission.objects.get(codename="view_message"))
    client = Client()
    client.force_login(otto)
    failed = aurelia_rows[Message][0]
    client.post(admin_url(Message, "changelist"), {"action": "queue_again", "_selected_action": [failed.pk]})
    assert Message.objects.get(pk=failed.pk).status == Message.Status.FAILED


def test_approval_policies_are_the_directors_alone(world: World, aurelia_rows: Rows) -> None:
    policy = aurelia_rows[ApprovalPolicy][0]
    for person in (world.otto, world.diana):
        person.is_staff = True
        person.save()
        person.user_permissions.add(*Permission.objects.filter(content_type__model="approvalpolicy"))
    auditor, director = Client(), Client()
    auditor.force_login(world.otto)
    director.force_login(world.diana)
    assert list(auditor.get(admin_url(ApprovalPolicy, "changelist")).context["cl"].result_list) == []
    assert auditor.get(admin_url(ApprovalPolicy, "change", policy.pk)).status_code == 404
    form = auditor.get(admin_url(ApprovalPolicy, "add")).context["adminform"].form
    assert list(form.fields["organization"].queryset) == []
    assert list(director.get(admin_url(ApprovalPolicy, "changelist")).context["cl"].result_list) == [policy]


def test_a_filter_of_values_across_a_relation_lists_only_ones_own(world: World, erica: User) -> None:
    """No admin filters on such a path today: this one, on a site of its own, shows the next one is safe."""

    class SheetAdmin(ScopedAdmin[ActionSheet]):
        organization_path = "plan__organization"
        list_filter = ("plan__year_start",)

    site = admin.AdminSite(name="prova")
    site.register(ActionSheet, SheetAdmin)
    borgo_plan = Plan.objects.create(
        organization=world.borgo, code="PEG-B", kind=Plan.Kind.PEG, title="PEG di Borgo", year_start=2030, year_end=2030
    )
    ActionSheet.objects.create(plan=world.plan, code="AZ-1", title="Sportello di Aurelia")
    ActionSheet.objects.create(plan=borgo_plan, code="AZ-1", title="Sportello di Borgo")
    request = admin_request(erica)
    changelist = site.get_model_admin(ActionSheet).get_changelist_instance(request)
    offered = {choice["display"] for spec in changelist.filter_specs for choice in spec.choices(changelist)}
    assert "2030" in offered and "2026" not in offered
