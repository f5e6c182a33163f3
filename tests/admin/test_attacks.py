"""The attacks that found the admin open, one by one. Erica directs the Comune di Borgo and was given staff
access with every model permission through a group, as a careless IT office would."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.urls import reverse

from notifications.feeds import calendar_feed_for
from notifications.models import CalendarFeed
from plans.models import Area, Objective, Organization, OrganizationRole, Plan
from tests.admin.payloads import admin_url
from tests.admin.rows import Rows
from tests.workflow.world import World
from workflow.models import Delegation

pytestmark = pytest.mark.django_db


def test_a_director_cannot_rename_another_organization(world: World, erica_client: Client) -> None:
    url = admin_url(Organization, "change", world.aurelia.pk)
    response = erica_client.post(url, {"name": "Frazione di Borgo", "slug": "aurelia", "kind": "comune"})
    assert response.status_code == 404
    world.aurelia.refresh_from_db()
    assert world.aurelia.name == "Comune di Aurelia"


def test_a_director_reads_her_own_organization_and_only_the_platform_operator_renames_it(
    world: World, erica_client: Client, root_client: Client
) -> None:
    url = admin_url(Organization, "change", world.borgo.pk)
    page = erica_client.get(url)
    assert page.status_code == 200
    assert "Comune di Borgo" in page.content.decode() and 'name="_save"' not in page.content.decode()
    renamed = {"name": "Città di Borgo", "slug": "borgo", "kind": "comune"}
    assert erica_client.post(url, renamed).status_code == 403
    world.borgo.refresh_from_db()
    assert world.borgo.name == "Comune di Borgo"
    assert root_client.post(url, renamed).status_code == 302
    world.borgo.refresh_from_db()
    assert world.borgo.name == "Città di Borgo"


def test_a_director_cannot_make_herself_director_of_another_body_and_the_api_stays_closed(
    world: World, erica: User, erica_client: Client
) -> None:
    director = {"organization": world.aurelia.pk, "user": erica.pk, "role": OrganizationRole.Role.DIRECTOR}
    assert erica_client.post(admin_url(OrganizationRole, "add"), director).status_code == 403
    own_role = OrganizationRole.objects.get(user=erica)
    assert erica_client.post(admin_url(OrganizationRole, "change", own_role.pk), director).status_code == 403
    # Nor head of one of its areas, nor its director's substitute.
    head = {
        "organization": world.aurelia.pk,
        "code": "SOC",
        "slug": "sociale",
        "name": "Servizi sociali",
        "head": erica.pk,
    }
    assert erica_client.post(admin_url(Area, "change", world.social.pk), head).status_code == 404
    substitute = {
        "organization": world.aurelia.pk,
        "delegator": world.diana.pk,
        "substitute": erica.pk,
        "starts_on": "2026-05-15",
        "ends_on": "2026-06-15",
        "created_at_0": "2026-05-15",
        "created_at_1": "10:00",
    }
    refused = erica_client.post(admin_url(Delegation, "add"), substitute)
    assert refused.status_code == 200 and refused.context["adminform"].form.errors
    assert not OrganizationRole.objects.filter(user=erica, organization=world.aurelia).exists()
    assert not Delegation.objects.filter(substitute=erica).exists()
    world.social.refresh_from_db()
    assert world.social.head == world.anna
    assert erica_client.get(f"/api/objectives/{world.objective.pk}/").status_code == 404


def test_a_director_cannot_move_her_own_rows_into_another_organization(world: World, erica_client: Client) -> None:
    area = Area.objects.get(organization=world.borgo)
    plan = Plan.objects.create(
        organization=world.borgo, code="PEG-B", kind=Plan.Kind.PEG, title="PEG di Borgo", year_start=2026, year_end=2026
    )
    moved_area = {"organization": world.aurelia.pk, "code": area.code, "slug": area.slug, "name": area.name}
    response = erica_client.post(admin_url(Area, "change", area.pk), moved_area)
    assert response.status_code == 200 and "organization" in response.context["adminform"].form.errors
    objective = {"plan": world.plan.pk, "code": "BOR-1", "title": "Obiettivo di Borgo in Aurelia", "areas": [area.pk]}
    response = erica_client.post(
        admin_url(Objective, "add"), objective | {"reports-TOTAL_FORMS": "0", "reports-INITIAL_FORMS": "0"}
    )
    assert response.status_code == 200 and "plan" in response.context["adminform"].form.errors
    area.refresh_from_db()
    assert area.organization == world.borgo
    assert not world.plan.objectives.filter(code="BOR-1").exists() and not plan.objectives.exists()


def test_nobody_reads_a_calendar_token_in_the_admin_not_even_the_platform_operator(
    world: World, aurelia_rows: Rows, erica: User, erica_client: Client, root_client: Client
) -> None:
    feed = CalendarFeed.objects.get(user=world.sara)
    pages = [
        admin_url(CalendarFeed, "changelist"),
        admin_url(CalendarFeed, "change", feed.pk),
        admin_url(CalendarFeed, "history", feed.pk),
        admin_url(CalendarFeed, "delete", feed.pk),
    ]
    for url in pages:
        response = root_client.get(url)
        assert response.status_code == 200 and feed.token not in response.content.decode(), url
    # Nor one character at a time, through the changelist's filters or its search.
    listing = admin_url(CalendarFeed, "changelist")
    assert root_client.get(listing, {"token__startswith": feed.token[0]}).status_code == 400
    assert root_client.get(listing, {"token": feed.token}).status_code == 400
    assert root_client.get(listing, {"q": feed.token}).context["cl"].result_count == 0
    # A director does not read her own people's either.
    own = calendar_feed_for(erica)
    assert own.token not in erica_client.get(admin_url(CalendarFeed, "change", own.pk)).content.decode()
    # The operator can still renew a leaked address.
    renewed = root_client.post(listing, {"action": "rotate", "_selected_action": [feed.pk]}, follow=True)
    assert renewed.status_code == 200
    new_token = CalendarFeed.objects.get(user=world.sara).token
    assert new_token != feed.token and new_token not in renewed.content.decode()


def test_no_one_becomes_superuser_or_gains_power_through_the_user_admin(
    world: World, erica: User, erica_client: Client
) -> None:
    office = erica.groups.get()
    escalation = {
        "username": "erica",
        "email": "erica@borgo.example",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [office.pk],
        "user_permissions": [Permission.objects.get(codename="change_organization").pk],
        "date_joined_0": "2026-05-15",
        "date_joined_1": "10:00",
    }
    assert erica_client.post(admin_url(User, "change", erica.pk), escalation).status_code == 403
    erica.refresh_from_db()
    assert not erica.is_superuser and not erica.user_permissions.exists()
    accomplice = {
        "username": "complice",
        "usable_password": "true",
        "password1": "Una-Lunga-1",
        "password2": "Una-Lunga-1",
    }
    assert erica_client.post(admin_url(User, "add"), accomplice).status_code == 403
    assert not User.objects.filter(username="complice").exists()
    own_password = reverse("admin:auth_user_password_change", args=[erica.pk])
    password = {"password1": "Una-Lunga-2", "password2": "Una-Lunga-2", "usable_password": "true"}
    assert erica_client.post(own_password, password).status_code == 403
    colleague = reverse("admin:auth_user_password_change", args=[world.diana.pk])
    assert erica_client.post(colleague, password).status_code in {403, 404}
    world.diana.refresh_from_db()
    assert world.diana.check_password("segreta")
    more = {"name": office.name, "permissions": list(Permission.objects.values_list("pk", flat=True))}
    assert erica_client.post(admin_url(Group, "change", office.pk), more).status_code in {403, 404}
    other = Group.objects.create(name="Amministratori")
    assert erica_client.post(admin_url(Group, "change", other.pk), {"name": "Amministratori"}).status_code in {403, 404}


def test_a_director_reads_her_own_people_without_password_hashes(world: World, erica_client: Client) -> None:
    franco = User.objects.create_user("franco", "franco@borgo.example", "segreta")
    Area.objects.get(organization=world.borgo).members.add(franco)
    page = erica_client.get(admin_url(User, "change", franco.pk))
    assert page.status_code == 200
    content = page.content.decode()
    assert "franco@borgo.example" in content
    assert franco.password not in content
    assert "md5" not in content and 'name="password"' not in content and "/password/" not in content
    assert erica_client.get(admin_url(User, "change", world.sara.pk)).status_code == 404
    listing = erica_client.get(admin_url(User, "changelist"), {"password__startswith": "md5"})
    assert listing.status_code == 400


def test_autocomplete_offers_only_the_people_and_objectives_of_ones_own_body(
    world: World, erica: User, erica_client: Client
) -> None:
    area = Area.objects.get(organization=world.borgo)
    plan = Plan.objects.create(
        organization=world.borgo, code="PEG-B", kind=Plan.Kind.PEG, title="PEG di Borgo", year_start=2026, year_end=2026
    )
    objective = Objective.objects.create(plan=plan, code="BOR-1", title="Sportello di Borgo")
    objective.areas.add(area)

    def offered(model_name: str, field_name: str, term: str) -> set[str]:
        query = {"app_label": "plans", "model_name": model_name, "field_name": field_name, "term": term}
        response = erica_client.get(reverse("admin:autocomplete"), query)
        assert response.status_code == 200
        return {result["id"] for result in response.json()["results"]}

    assert offered("area", "head", "") == {str(erica.pk)}
    assert offered("activity", "owner", "a") == {str(erica.pk)}  # not anna, sara, diana…: Aurelia's
    assert offered("activity", "objective", "") == {str(objective.pk)}
    assert offered("objectivereport", "objective", "SOC") == set()


def test_no_filter_reaches_a_credential_through_a_relation(
    world: World, erica: User, erica_client: Client, root_client: Client
) -> None:
    """The people's changelist filtered through their tokens or their calendar would give a credential away one
    character at a time: refused (400), for the platform operator too."""
    from workflow.tokens import token_create

    token, _secret = token_create(user=erica)
    calendar_feed_for(erica)
    people = admin_url(User, "changelist")
    for lookup in (
        {"auth_token_set__digest__startswith": token.digest[:6], "id__exact": erica.pk},
        {"auth_token_set__token_key__startswith": token.token_key[:3]},
        {"calendar_feed__token__startswith": "a"},
    ):
        assert erica_client.get(people, lookup).status_code == 400, lookup
        assert root_client.get(people, lookup).status_code == 400, lookup
