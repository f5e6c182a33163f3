"""Separation of duties, on the substitutes' side (issue 14), written as the attacks that found the holes:
the auditor (OIV) is never named substitute and never decides, even holding an old delegation; a substitute
must be able to hold the absent person's role, as the organization's policy says, when named (API, service,
admin) and again at every decision.

Comune di Aurelia (tests/workflow/world.py): Diana directs, Anna and Bruno head the social and technical
areas, Sara and Tommaso are their staff, Otto sits on the OIV. Mid-May 2026.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client

from plans.models import Activity, Area, OrganizationRole, WorkState
from plans.rules import roles_of
from tests.roles import triggers_off
from tests.workflow.test_api import assert_error, client_for
from tests.workflow.world import World
from workflow.errors import InvalidInput
from workflow.models import (
    AreaHeadSubstitutes,
    Delegation,
    DirectorSubstitutes,
    SeparationPolicy,
    TransitionRequest,
)
from workflow.selectors import count_awaiting, deciders_of, requests_awaiting
from workflow.services import delegation_create, delegation_revoke, item_avvia, item_concludi, item_rinvia

pytestmark = pytest.mark.django_db


def deciders(request: TransitionRequest) -> list[int]:
    """Whom the notifications would tell (deciders_of) of the request as it is now in the database."""
    return deciders_of(TransitionRequest.objects.get(pk=request.pk))


DELEGATIONS = "/api/delegations/"
START, END = dt.date(2026, 5, 15), dt.date(2026, 5, 29)


def absence(world: World, substitute: User) -> dict[str, Any]:
    return {"organization": world.aurelia.pk, "substitute": substitute.pk, "starts_on": f"{START}", "ends_on": f"{END}"}


def loaded(user: User) -> User:
    """The user as a new request loads them: roles read afresh (they are cached on the object)."""
    return User.objects.get(pk=user.pk)


def make_auditor(world: World, user: User) -> None:
    OrganizationRole.objects.create(organization=world.aurelia, user=user, role=OrganizationRole.Role.AUDITOR)


def directors_step_pending(world: World) -> TransitionRequest:
    """Anna asks to postpone activity 1: her own area-head step is approved with it, the director's waits."""
    later = dt.date(2026, 9, 30)
    request = item_rinvia(actor=world.anna, item=world.activity, reason="Fornitore", new_planned_end=later).request
    assert request.current_step == "director"
    return request


def assert_cannot_approve(world: World, user: User, request: TransitionRequest, code: str) -> None:
    """Refused with `code`, nothing changed, and nowhere is the request said to await `user`."""
    state = Activity.objects.get(pk=world.activity.pk).state
    response = client_for(loaded(user)).post(f"/api/approvals/{request.pk}/approve", {}, format="json")
    assert_error(response, 403, code)
    assert Activity.objects.get(pk=world.activity.pk).state == state
    assert TransitionRequest.objects.get(pk=request.pk).status == TransitionRequest.Status.PENDING
    assert client_for(loaded(user)).get("/api/approvals/").json()["count"] == 0
    assert not requests_awaiting(loaded(user)).exists()
    assert count_awaiting(loaded(user)) == 0
    assert user.pk not in deciders(request)


# The auditor.


def test_the_oiv_named_substitute_through_the_api_is_refused(world: World) -> None:
    response = client_for(world.diana).post(DELEGATIONS, absence(world, world.otto), format="json")
    body = assert_error(response, 400, "sod_auditor")
    assert "OIV" in body["message"] and "substitute" in body["fields"]
    assert not Delegation.objects.exists()


def test_the_oiv_named_substitute_through_the_service_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        delegation_create(
            actor=world.anna, organization=world.aurelia, substitute=world.otto, starts_on=START, ends_on=END
        )
    assert refused.value.code == "sod_auditor"
    assert not Delegation.objects.exists()


def test_the_database_refuses_a_delegation_row_naming_the_oiv(world: World) -> None:
    row = {"organization": world.aurelia, "delegator": world.diana, "starts_on": START, "ends_on": END}
    with pytest.raises(IntegrityError, match="sod_auditor"), transaction.atomic():
        Delegation.objects.create(substitute=world.otto, **row)
    legit = Delegation.objects.create(substitute=world.bruno, **row)
    with pytest.raises(IntegrityError, match="sod_auditor"), transaction.atomic():
        Delegation.objects.filter(pk=legit.pk).update(substitute=world.otto)
    # A substitute made the auditor since can still be revoked: only the substitute and body are checked.
    make_auditor(world, world.bruno)
    assert delegation_revoke(actor=world.diana, delegation=legit).revoked_at is not None


def test_an_oiv_holding_a_delegation_written_before_the_check_cannot_approve(world: World) -> None:
    # A row as a database of before this check may hold it: written with the trigger switched off.
    with triggers_off():
        Delegation.objects.create(
            organization=world.aurelia, delegator=world.diana, substitute=world.otto, starts_on=START, ends_on=END
        )
    pending = directors_step_pending(world)
    assert_cannot_approve(world, world.otto, pending, "sod_auditor")
    assert deciders(pending) == [world.diana.pk]


def test_an_area_head_made_oiv_after_being_named_cannot_approve(world: World) -> None:
    delegation_create(
        actor=world.diana, organization=world.aurelia, substitute=world.bruno, starts_on=START, ends_on=END
    )
    make_auditor(world, world.bruno)
    pending = directors_step_pending(world)
    assert_cannot_approve(world, world.bruno, pending, "sod_auditor")
    response = client_for(loaded(world.bruno)).post(f"/api/approvals/{pending.pk}/reject", {"comment": "No"})
    assert_error(response, 403, "sod_auditor")


def test_a_substitute_made_oiv_while_being_named_is_caught_by_the_database(world: World) -> None:
    bruno = loaded(world.bruno)
    assert not roles_of(bruno).auditor_of  # his roles, read once, as at the start of the request naming him
    make_auditor(world, world.bruno)  # meanwhile, in another transaction
    with pytest.raises(InvalidInput) as refused:
        delegation_create(actor=world.diana, organization=world.aurelia, substitute=bruno, starts_on=START, ends_on=END)
    assert (refused.value.code, list(refused.value.fields)) == ("sod_auditor", ["substitute"])
    assert not Delegation.objects.exists()


# Who may stand in for whom.


@pytest.mark.parametrize(
    ("delegator", "substitute", "code"),
    [
        ("anna", "bruno", None),  # another area head
        ("anna", "diana", None),  # the director
        ("anna", "sara", "sod_substitute_role"),  # staff, even of her own area
        ("anna", "tommaso", "sod_substitute_role"),
        ("diana", "anna", None),  # an area head
        ("diana", "sara", "sod_substitute_role"),
        ("diana", "otto", "sod_auditor"),
        ("bruno", "otto", "sod_auditor"),
    ],
)
def test_the_default_policy_says_who_may_stand_in(world: World, delegator: str, substitute: str, code: str) -> None:
    client = client_for(world.users[delegator])
    response = client.post(DELEGATIONS, absence(world, world.users[substitute]), format="json")
    if code is None:
        assert response.status_code == 201, response.content
    else:
        assert "substitute" in assert_error(response, 400, code)["fields"]
        assert not Delegation.objects.exists()


@pytest.mark.parametrize(
    ("policy", "delegator", "substitute", "code"),
    [
        ({"area_head_substitutes": AreaHeadSubstitutes.WITH_AREA_STAFF}, "anna", "sara", None),
        ({"area_head_substitutes": AreaHeadSubstitutes.WITH_AREA_STAFF}, "anna", "tommaso", "sod_substitute_role"),
        ({"area_head_substitutes": AreaHeadSubstitutes.WITH_AREA_STAFF}, "anna", "otto", "sod_auditor"),
        ({"area_head_substitutes": AreaHeadSubstitutes.DIRECTOR}, "anna", "bruno", "sod_substitute_role"),
        ({"area_head_substitutes": AreaHeadSubstitutes.DIRECTOR}, "anna", "diana", None),
        ({"director_substitutes": DirectorSubstitutes.NOBODY}, "diana", "anna", "sod_substitute_role"),
    ],
)
def test_a_changed_policy_changes_who_may_stand_in(
    world: World, policy: dict[str, str], delegator: str, substitute: str, code: str | None
) -> None:
    SeparationPolicy.objects.create(organization=world.aurelia, **policy)
    client = client_for(world.users[delegator])
    response = client.post(DELEGATIONS, absence(world, world.users[substitute]), format="json")
    if code is None:
        assert response.status_code == 201, response.content
    else:
        body = assert_error(response, 400, code)
        assert body["fields"]["substitute"] == [body["message"]]


def test_a_substitute_who_lost_the_role_no_longer_decides(world: World) -> None:
    delegation_create(
        actor=world.anna, organization=world.aurelia, substitute=world.bruno, starts_on=START, ends_on=END
    )
    item_avvia(actor=world.sara, item=world.activity)
    pending = item_concludi(actor=world.sara, item=world.activity).request
    assert world.bruno.pk in deciders(pending)
    Area.objects.filter(pk=world.technical.pk).update(head=world.tommaso)  # Bruno heads no area any more
    assert_cannot_approve(world, world.bruno, pending, "sod_substitute_role")
    assert deciders(pending) == [world.anna.pk]


def test_a_stricter_policy_applies_to_the_delegations_already_made(world: World) -> None:
    policy = SeparationPolicy.objects.create(
        organization=world.aurelia, area_head_substitutes=AreaHeadSubstitutes.WITH_AREA_STAFF
    )
    delegation_create(actor=world.anna, organization=world.aurelia, substitute=world.sara, starts_on=START, ends_on=END)
    item_avvia(actor=world.diana, item=world.second_activity)
    pending = item_concludi(actor=world.diana, item=world.second_activity).request  # Anna's step
    assert deciders(pending) == [world.anna.pk, world.sara.pk]
    policy.area_head_substitutes = AreaHeadSubstitutes.HEADS_OR_DIRECTOR
    policy.save()
    response = client_for(loaded(world.sara)).post(f"/api/approvals/{pending.pk}/approve", {}, format="json")
    assert_error(response, 403, "sod_substitute_role")
    assert Activity.objects.get(pk=world.second_activity.pk).state == WorkState.AVVIATO
    assert deciders(pending) == [world.anna.pk]
    assert not requests_awaiting(loaded(world.sara)).exists()


# The admin.


@pytest.mark.parametrize(("substitute", "code"), [("otto", "sod_auditor"), ("sara", "sod_substitute_role")])
def test_the_delegations_admin_refuses_the_oiv_and_a_substitute_without_the_role(
    world: World, client: Client, substitute: str, code: str
) -> None:
    delegation = Delegation(
        organization=world.aurelia,
        delegator=world.anna,
        substitute=world.users[substitute],
        starts_on=START,
        ends_on=END,
    )
    with pytest.raises(ValidationError) as refused:
        delegation.full_clean()
    assert [error.code for error in refused.value.error_dict["substitute"]] == [code]
    client.force_login(User.objects.create_superuser("piattaforma", "ops@example.org", "x"))
    form = {
        "organization": world.aurelia.pk,
        "delegator": world.anna.pk,
        "substitute": world.users[substitute].pk,
        "starts_on": "15/05/2026",
        "ends_on": "29/05/2026",
        "reason": "Ferie",
    }
    response = client.post("/admin/workflow/delegation/add/", form)
    assert response.status_code == 200  # the form again, with the error
    errors = response.context["adminform"].form.errors.as_data()
    assert [error.code for error in errors["substitute"]] == [code]
    assert not Delegation.objects.exists()


def test_a_director_sees_and_changes_only_the_separation_policy_of_her_organization(
    world: World, client: Client
) -> None:
    own = SeparationPolicy.objects.create(organization=world.aurelia)
    other = SeparationPolicy.objects.create(organization=world.borgo)
    diana = world.diana
    diana.is_staff = True
    diana.save()
    diana.user_permissions.add(*Permission.objects.filter(codename__endswith="_separationpolicy"))
    client.force_login(diana)
    listing = client.get("/admin/workflow/separationpolicy/")
    assert listing.status_code == 200
    assert list(listing.context["cl"].queryset) == [own]
    assert client.get(f"/admin/workflow/separationpolicy/{other.pk}/change/").status_code == 404
    changed = client.post(
        f"/admin/workflow/separationpolicy/{other.pk}/change/",
        {"organization": world.borgo.pk, "area_head_substitutes": "director", "director_substitutes": "nobody"},
    )
    assert changed.status_code == 404
    assert SeparationPolicy.objects.get(pk=other.pk).area_head_substitutes == AreaHeadSubstitutes.HEADS_OR_DIRECTOR
    choices = client.get("/admin/workflow/separationpolicy/add/").context["adminform"].form.fields["organization"]
    assert list(choices.queryset) == [world.aurelia]
