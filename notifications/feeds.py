"""The private calendar feed: each person's address, and the deadlines it publishes.

The address holds a random token and needs no login, because calendar programs cannot log in. Renewing the
token is the only way to revoke an address that leaked, so the old one stops working at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import DateTimeField, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from notifications.legal_calendar import CycleDeadline, cycle_years_around, deadlines_of
from notifications.models import CalendarFeed, new_calendar_token
from plans.models import Activity, Objective, Organization, OrganizationRole, WorkItem
from workflow.models import AuditEntry

LEGAL_ROLES = (OrganizationRole.Role.DIRECTOR, OrganizationRole.Role.AUDITOR)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class Deadline:
    """An activity or objective a person owns, due on its planned end."""

    item: WorkItem
    # The last event of the audit trail (request, decision, state change); None when nothing happened yet.
    changed_at: dt.datetime | None

    @property
    def due(self) -> dt.date:
        assert self.item.planned_end is not None  # deadlines_for() reads only items with a planned end
        return self.item.planned_end

    @property
    def is_activity(self) -> bool:
        return isinstance(self.item, Activity)

    @property
    def objective(self) -> Objective:
        return self.item.objective if isinstance(self.item, Activity) else self.item


def calendar_feed_for(user: User) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def calendar_feed_rotate(*, actor: User) -> CalendarFeed:
    """Give `actor`'s feed a new token: the old address stops working, the new one starts now."""
    feed, _created = CalendarFeed.objects.update_or_create(
        user=actor, defaults={"token": new_calendar_token(), "created_at": timezone.now()}
    )
    return feed


def feed_url(feed: CalendarFeed) -> str:
    return settings.SITE_URL + reverse("notifications:calendar-feed", kwargs={"token": feed.token})


def calendar_feed_by_token(token: str) -> CalendarFeed | None:
    """The feed of an active person with this token. A deactivated person's address stops working too."""
    return (
        CalendarFeed.objects.select_related("user__mail_preference").filter(token=token, user__is_active=True).first()
    )


def _last_audit_event(target: str) -> Subquery:
    latest = AuditEntry.objects.filter(**{target: OuterRef("pk")}).order_by("-at").values("at")[:1]
    return Subquery(latest, output_field=DateTimeField())


def deadlines_for(user: User) -> list[Deadline]:
    """The activities and objectives `user` owns that have a planned end, in every organization and every
    state (the calendar says the state), soonest first. Two queries, however many there are."""
    activities = (
        Activity.objects.filter(owner=user, planned_end__isnull=False)
        .select_related("objective__plan__organization")
        .annotate(changed_at=_last_audit_event("activity"))
    )
    objectives = (
        Objective.objects.filter(owner=user, planned_end__isnull=False)
        .select_related("plan__organization")
        .annotate(changed_at=_last_audit_event("objective"))
    )
    deadlines = [Deadline(activity, activity.changed_at) for activity in activities]
    deadlines += [Deadline(objective, objective.changed_at) for objective in objectives]
    return sorted(deadlines, key=lambda deadline: (deadline.due, not deadline.is_activity, deadline.item.pk))


def legal_deadlines_for(user: User, today: dt.date) -> list[CycleDeadline]:
    """The legal deadlines of the cycle (notifications.legal_calendar) of the bodies `user` directs or sits
    on the OIV of, for the years of the cycle around `today`. A fixed number of queries."""
    roles = OrganizationRole.objects.filter(user=user, role__in=LEGAL_ROLES)
    bodies = list(Organization.objects.filter(pk__in=roles.values("organization")).order_by("pk"))
    return deadlines_of(bodies, cycle_years_around(today)) if bodies else []
