"""Who decides what, for the outbox rows of a chunk: the reads behind the send-time check of approval notices
and directors' digests (notifications.staleness)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from plans.models import OrganizationRole
from workflow.models import TransitionRequest
from workflow.selectors import deciders_of


def directors_of(organizations: Iterable[int]) -> dict[int, dict[int, bool]]:
    """Each organization's directors, each with whether their account is active; one query."""
    ids = set(organizations)
    directors: dict[int, dict[int, bool]] = defaultdict(dict)
    if ids:
        roles = OrganizationRole.objects.filter(role=OrganizationRole.Role.DIRECTOR, organization_id__in=ids)
        for organization, user, active in roles.values_list("organization_id", "user_id", "user__is_active"):
            directors[organization][user] = active
    return directors


def deciders_by_request(requests: Iterable[TransitionRequest], day: dt.date) -> dict[int, set[int]]:
    """For each of these pending requests, the ids of the people who decide its current step on `day`: the
    workflow's own answer (workflow.selectors.deciders_of, which applies the separation of duties), one
    compiled query per request announced in the chunk, not per row."""
    return {request.pk: set(deciders_of(request, on=day)) for request in requests}
