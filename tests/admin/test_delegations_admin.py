"""The admin names substitutes through the API's own service: for oneself only, with the separation of duties and
the date bounds; a delegation is never edited there, only revoked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from tests.workflow.world import World
from workflow.models import Delegation

pytestmark = pytest.mark.django_db


def staff_with_delegation_permissions(user: User) -> User:
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__endswith="_delegation"))
    return user


def add(client: Client, world: World, **fields: object) -> int:
    data = {"organization": world.aurelia.pk, "starts_on": "2026-05-18", "ends_on": "2026-05-29", "reason": ""}
    return client.post(reverse("admin:workflow_delegation_add"), data | fields).status_code


def test_an_area_head_cannot_write_a_delegation_in_the_directors_name(client: Client, world: World) -> None:
    client.force_login(staff_with_delegation_permissions(world.anna))
    # The reviewer's attack: the director as delegator, herself as substitute. The form has no delegator field for
    # her: she delegates for herself, and cannot be her own substitute.
    assert add(client, world, delegator=world.diana.pk, substitute=world.anna.pk) == 200
    assert not Delegation.objects.exists()
    assert add(client, world, delegator=world.diana.pk, substitute=world.bruno.pk) == 302
    [delegation] = Delegation.objects.all()
    assert (delegation.delegator, delegation.substitute) == (world.anna, world.bruno)


@pytest.mark.parametrize(("starts_on", "ends_on"), [("0001-01-01", "9999-12-31"), ("2001-01-01", "2001-02-01")])
def test_dates_the_api_refuses_are_refused_in_the_admin_too(
    client: Client, world: World, starts_on: str, ends_on: str
) -> None:
    client.force_login(staff_with_delegation_permissions(world.anna))
    assert add(client, world, substitute=world.bruno.pk, starts_on=starts_on, ends_on=ends_on) == 200
    assert not Delegation.objects.exists()


def test_a_delegation_is_not_edited_in_the_admin_only_revoked(client: Client, world: World) -> None:
    delegation = Delegation.objects.create(
        organization=world.aurelia,
        delegator=world.anna,
        substitute=world.bruno,
        starts_on=dt.date(2026, 5, 18),
        ends_on=dt.date(2026, 5, 29),
    )
    client.force_login(staff_with_delegation_permissions(world.anna))
    url = reverse("admin:workflow_delegation_change", args=[delegation.pk])
    data = {"organization": world.aurelia.pk, "substitute": world.diana.pk, "starts_on": "2026-05-18"}
    assert client.post(url, data | {"ends_on": "2026-12-31"}).status_code == 403
    changelist = reverse("admin:workflow_delegation_changelist")
    response = client.post(changelist, {"action": "revoke", "_selected_action": [delegation.pk]})
    assert response.status_code == 302
    delegation.refresh_from_db()
    assert delegation.substitute == world.bruno and delegation.ends_on == dt.date(2026, 5, 29)
    assert delegation.revoked_at is not None


def test_staff_with_admin_access_cannot_make_themselves_area_head(client: Client, world: World) -> None:
    """Heads decide requests: only the director (and the platform operator) sets them."""
    sara = world.sara
    sara.is_staff = True
    sara.save()
    sara.user_permissions.add(*Permission.objects.filter(codename__in=["view_area", "change_area"]))
    client.force_login(sara)
    url = reverse("admin:plans_area_change", args=[world.social.pk])
    data = {"organization": world.aurelia.pk, "code": "SOC", "slug": "sociale", "name": "Servizi sociali"}
    assert client.post(url, data | {"head": sara.pk, "members": [sara.pk]}).status_code == 403
    world.social.refresh_from_db()
    assert world.social.head == world.anna
