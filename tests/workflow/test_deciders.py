"""Who may decide a request's current step, all at once (deciders_of, for the approvers' notifications),
agrees with asking decider_for person by person, substitutes included, in a constant number of queries.

Mid-May 2026 in the Comune di Aurelia: Anna (social area) is away and Diana (director) stands in; Diana is
away and Bruno (area head) stands in. Bruno's delegation to Anna ended in April, Anna's to Bruno was revoked,
Diana's to Anna starts in June, and Bruno's delegation to Erica is for the Comune di Borgo. Two delegations
were written past the services: Anna's to Sara (staff of her area: a substitute only where the policy lets
the area's staff stand in) and Diana's to Tommaso (staff: never the director's substitute). Every test runs
under the default separation policy and under one that lets an area head's staff stand in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from plans.models import Activity, Area, Objective, WorkItem
from tests.workflow.world import World
from workflow.models import (
    Approval,
    AreaHeadSubstitutes,
    Delegation,
    SeparationPolicy,
    Step,
    TransitionName,
    TransitionRequest,
)
from workflow.selectors import deciders_of
from workflow.separation import Decider, decider_for
from workflow.services.core import Payload, create_request, hold_approvals, lock_item, record_decision

pytestmark = pytest.mark.django_db


def _delegate(world: World, delegator: User, substitute: User, days: tuple[int, int], **fields: Any) -> None:
    Delegation.objects.create(
        organization=fields.pop("organization", world.aurelia),
        delegator=delegator,
        substitute=substitute,
        starts_on=dt.date(2026, days[0], 1) if days[0] else dt.date(2026, 5, 10),
        ends_on=dt.date(2026, days[1], 28) if days[1] else dt.date(2026, 5, 20),
        **fields,
    )


@pytest.fixture(params=[AreaHeadSubstitutes.HEADS_OR_DIRECTOR, AreaHeadSubstitutes.WITH_AREA_STAFF])
def absences(world: World, request: pytest.FixtureRequest) -> World:
    SeparationPolicy.objects.create(organization=world.aurelia, area_head_substitutes=request.param)
    _delegate(world, world.anna, world.diana, (0, 0))
    _delegate(world, world.diana, world.bruno, (0, 0))
    _delegate(world, world.bruno, world.anna, (4, 4))  # ended
    _delegate(world, world.anna, world.bruno, (0, 0), revoked_at=timezone.now())
    _delegate(world, world.diana, world.anna, (6, 7))  # not yet
    _delegate(world, world.bruno, world.erica, (0, 0), organization=world.borgo)
    _delegate(world, world.anna, world.sara, (0, 0))  # staff of her area: only where the policy says so
    _delegate(world, world.diana, world.tommaso, (0, 0))  # staff: never the director's substitute
    return world


def _staff_stand_in(world: World) -> bool:
    policy = SeparationPolicy.objects.get(organization=world.aurelia)
    return policy.area_head_substitutes == AreaHeadSubstitutes.WITH_AREA_STAFF


def _request(item: WorkItem, step: str, world: World) -> TransitionRequest:
    target = {"objective": item} if isinstance(item, Objective) else {"activity": item}
    return TransitionRequest(organization=world.aurelia, current_step=step, **target)


def _one_by_one(item: WorkItem, step: str) -> list[int]:
    """Every active person decider_for accepts: what the notification used to compute, a query or more each."""
    return [user.pk for user in User.objects.filter(is_active=True).order_by("pk") if decider_for(user, item, step)]


def _names(ids: list[int]) -> list[str]:
    return sorted(User.objects.filter(pk__in=ids).values_list("username", flat=True))


@pytest.mark.parametrize("step", [Step.AREA_HEAD, Step.DIRECTOR])
@pytest.mark.parametrize("target", ["activity", "second_activity", "objective", "transversal"])
def test_all_at_once_agrees_with_one_by_one(absences: World, target: str, step: Step) -> None:
    item = getattr(absences, target)
    assert deciders_of(_request(item, step, absences)) == _one_by_one(item, step)


def test_the_heads_of_the_items_areas_and_their_substitutes_decide(absences: World) -> None:
    staff = ["sara"] if _staff_stand_in(absences) else []
    social = _request(absences.activity, Step.AREA_HEAD, absences)
    assert _names(deciders_of(social)) == sorted(["anna", "diana", *staff])
    shared = _request(absences.transversal, Step.AREA_HEAD, absences)
    assert _names(deciders_of(shared)) == sorted(["anna", "bruno", "diana", *staff])


def test_the_director_and_her_substitute_decide_the_directors_step(absences: World) -> None:
    assert _names(deciders_of(_request(absences.objective, Step.DIRECTOR, absences))) == ["bruno", "diana"]


def test_inactive_people_decide_nothing_nor_do_their_substitutes(absences: World) -> None:
    _delegate(absences, absences.bruno, absences.tommaso, (0, 0))  # staff of his area
    ivo = User.objects.create_user("ivo", "ivo@aurelia.example", is_active=False)
    Area.objects.create(organization=absences.aurelia, code="CUL", slug="cultura", name="Cultura", head=ivo)
    _delegate(absences, absences.anna, ivo, (0, 0))
    User.objects.filter(pk=absences.bruno.pk).update(is_active=False)
    request = _request(absences.transversal, Step.AREA_HEAD, absences)
    staff = ["sara"] if _staff_stand_in(absences) else []
    assert _names(deciders_of(request)) == sorted(["anna", "diana", *staff])
    assert deciders_of(request) == _one_by_one(absences.transversal, Step.AREA_HEAD)


def test_the_director_and_her_substitute_take_the_step_of_an_area_without_a_head(absences: World) -> None:
    culture = Area.objects.create(organization=absences.aurelia, code="CUL", slug="cultura", name="Cultura")
    objective = Objective.objects.create(plan=absences.plan, code="CUL-1", title="Biblioteca aperta")
    objective.areas.add(culture)
    request = _request(objective, Step.AREA_HEAD, absences)
    assert _names(deciders_of(request)) == ["bruno", "diana"]
    assert deciders_of(request) == _one_by_one(objective, Step.AREA_HEAD)


def test_the_deciders_take_one_query_however_many_areas_the_organization_has(
    absences: World, django_assert_num_queries: Any
) -> None:
    for index in range(40):
        head, substitute = (User.objects.create_user(f"{role}{index}") for role in ("head", "substitute"))
        area = Area.objects.create(
            organization=absences.aurelia, code=f"X{index}", slug=f"x{index}", name=f"Area {index}", head=head
        )
        Objective.objects.create(plan=absences.plan, code=f"X{index}-1", title="Altro").areas.add(area)
        _delegate(absences, head, substitute, (0, 0))
    for step in (Step.AREA_HEAD, Step.DIRECTOR):
        with django_assert_num_queries(1):
            deciders_of(_request(absences.transversal, step, absences))


def _saved_request(item: WorkItem, step: str, requester: User) -> TransitionRequest:
    """A postponement awaiting `step`, recorded as the services record one (its row in the trail)."""
    steps = [Step.AREA_HEAD, Step.DIRECTOR]
    return create_request(requester, item, TransitionName.RINVIA, steps, Payload(reason="Fornitore"), waiting=step)


def _as_the_services_hold_it(request: TransitionRequest, item: WorkItem) -> list[int]:
    """deciders_of as the services' announcement asks it: the item locked with its areas, the approvals held."""
    locked = lock_item(Activity(pk=item.pk) if isinstance(item, Activity) else Objective(pk=item.pk))
    held = TransitionRequest.objects.get(pk=request.pk)
    hold_approvals(held)
    return deciders_of(held, item=locked)


@pytest.mark.parametrize("covers", [False, True])
@pytest.mark.parametrize("decided_by", ["nobody", "anna", "bruno", "diana"])
@pytest.mark.parametrize("step", [Step.AREA_HEAD, Step.DIRECTOR])
@pytest.mark.parametrize("target", ["activity", "second_activity", "objective", "transversal"])
def test_the_services_ids_give_the_deciders_the_subqueries_give(
    absences: World, target: str, step: Step, decided_by: str, covers: bool
) -> None:
    """The services' form (the heads of the locked item's areas, the held decisions and the requester as lists
    of ids) names the same people as the form that reads them all in the database: with or without a decision
    taken already, in one's own right on the area-head step, where the director covers the area head or not."""
    SeparationPolicy.objects.filter(organization=absences.aurelia).update(director_covers_area_head=covers)
    item = getattr(absences, target)
    request = _saved_request(item, step, absences.sara)
    if decided_by != "nobody" and step == Step.DIRECTOR:  # the area-head step is behind it
        decider = Decider(getattr(absences, decided_by))
        record_decision(request, Step.AREA_HEAD, decider, Approval.Decision.APPROVED, "")
    expected = deciders_of(TransitionRequest.objects.get(pk=request.pk))
    assert _as_the_services_hold_it(request, item) == expected


def test_the_services_ids_leave_out_the_requester_and_the_auditor(absences: World) -> None:
    """Anna asks on her own area's activity: neither she nor Otto (OIV, named head of a new area of the
    objective) decides, in either form; Diana, her substitute, does."""
    otto_area = Area.objects.create(
        organization=absences.aurelia, code="OIV", slug="oiv", name="Controlli", head=absences.otto
    )
    absences.activity.objective.areas.add(otto_area)
    request = _saved_request(absences.activity, Step.AREA_HEAD, absences.anna)
    expected = deciders_of(TransitionRequest.objects.get(pk=request.pk))
    assert _as_the_services_hold_it(request, absences.activity) == expected
    assert absences.anna.pk not in expected and absences.otto.pk not in expected
    assert absences.diana.pk in expected


def test_the_services_ids_take_one_query(absences: World, django_assert_num_queries: Any) -> None:
    request = _saved_request(absences.transversal, Step.AREA_HEAD, absences.sara)
    locked = lock_item(absences.transversal)
    hold_approvals(request)
    with django_assert_num_queries(1):
        deciders_of(request, item=locked)
