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

from plans.models import Area, Objective, WorkItem
from tests.workflow.world import World
from workflow.models import AreaHeadSubstitutes, Delegation, SeparationPolicy, Step, TransitionRequest
from workflow.selectors import deciders_of
from workflow.separation import decider_for

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
