"""Who decides what, for a whole batch of outbox rows at once: the reads behind the send-time check of
approval notices and directors' digests (notifications.staleness).

`deciders_by_request` answers, for many pending requests in three queries, what
`workflow.selectors.deciders_of` answers for one request in one query. Calling that selector for each
request would cost a query per approval notice in a run; the test
tests/notifications/test_staleness.py::test_the_batch_of_deciders_agrees_with_the_workflow_selector holds
the two to the same answers, so that a change of the workflow's rule shows up there.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from plans.models import Objective, OrganizationRole
from workflow.models import Delegation, Step, TransitionRequest


def directors_of(organizations: Iterable[int]) -> dict[int, dict[int, bool]]:
    """Each organization's directors, each with whether their account is active; one query."""
    ids = set(organizations)
    directors: dict[int, dict[int, bool]] = defaultdict(dict)
    if ids:
        roles = OrganizationRole.objects.filter(role=OrganizationRole.Role.DIRECTOR, organization_id__in=ids)
        for organization, user, active in roles.values_list("organization_id", "user_id", "user__is_active"):
            directors[organization][user] = active
    return directors


def heads_of(objectives: Iterable[int]) -> dict[int, dict[int, bool]]:
    """The heads of each objective's areas, each with whether their account is active; one query."""
    ids = set(objectives)
    heads: dict[int, dict[int, bool]] = defaultdict(dict)
    if ids:
        links = Objective.areas.through.objects.filter(objective_id__in=ids, area__head__isnull=False)
        for objective, head, active in links.values_list("objective_id", "area__head_id", "area__head__is_active"):
            heads[objective][head] = active
    return heads


def objective_id_of(request: TransitionRequest) -> int:
    """The objective whose areas' heads decide the request (its own, or its activity's)."""
    if request.activity_id:
        assert request.activity is not None
        return request.activity.objective_id
    assert request.objective_id is not None
    return request.objective_id


def _holders(
    request: TransitionRequest, heads: dict[int, dict[int, bool]], directors: dict[int, dict[int, bool]]
) -> dict[int, bool]:
    """Who holds the request's current step in their own right (as in deciders_of), active or not."""
    if request.current_step != Step.AREA_HEAD:
        return directors.get(request.organization_id, {})
    return heads.get(objective_id_of(request), {})


def deciders_by_request(requests: Iterable[TransitionRequest], day: dt.date) -> dict[int, set[int]]:
    """For each of these pending requests (with their activity loaded), the ids of the people who decide
    its current step on `day`: the active holders of the step and the active substitutes of the active
    holders who are away. Three queries however many requests."""
    requests = list(requests)
    heads = heads_of(objective_id_of(request) for request in requests if request.current_step == Step.AREA_HEAD)
    directors = directors_of(request.organization_id for request in requests if request.current_step != Step.AREA_HEAD)
    holders = {request.pk: _holders(request, heads, directors) for request in requests}
    active = {person for people in holders.values() for person, is_active in people.items() if is_active}
    substitutes: dict[tuple[int, int], set[int]] = defaultdict(set)  # (organization, delegator) → substitutes
    if active:
        delegations = Delegation.objects.active_on(day).filter(
            organization_id__in={request.organization_id for request in requests},
            delegator_id__in=active,
            substitute__is_active=True,
        )
        for organization, delegator, substitute in delegations.values_list(
            "organization_id", "delegator_id", "substitute_id"
        ):
            substitutes[organization, delegator].add(substitute)
    deciders = {}
    for request in requests:
        own = {person for person, is_active in holders[request.pk].items() if is_active}
        deciders[request.pk] = own.union(*(substitutes.get((request.organization_id, person), set()) for person in own))
    return deciders
