"""What each home page says to do, read in a fixed number of queries whatever the size of the plan:

- the director and an area head: the slipped deadlines by area (each a link to the dashboard filtered by it), the
  objectives likely to miss their target (the forecast), the requests awaiting them;
- the OIV: the closed plans of their bodies that await validation, each a link to its validation page;
- everyone who owns activities: the late ones first, with their days late, then the next deadlines.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from evaluation.forecasting import likely_miss_ids
from plans.freeze import live_q
from plans.models import OPEN_STATES, Activity, Plan, PlanState
from plans.rules import roles_of, visible_activities, visible_objectives
from web.dashboard import slipped_q

LATE_SHOWN = 10  # the late activities listed on the home; the rest are on «Le mie attività»
NEXT_SHOWN = 5


@dataclass(frozen=True)
class AreaCount:
    area_id: int | None
    name: str
    count: int


def slipped_by_area(user: Any, today: dt.date) -> list[AreaCount]:
    """The dashboard's slipped rows (one per item and area) counted by area, most first: two grouped queries."""
    activities = visible_activities(user).filter(slipped_q(today, "objective__plan__"), live_q("objective__plan__"))
    objectives = visible_objectives(user).filter(slipped_q(today, "plan__"), live_q("plan__"))
    counted: Counter[tuple[int | None, str]] = Counter()
    for items, path in ((activities, "objective__areas"), (objectives, "areas")):
        grouped = items.order_by().values(f"{path}__id", f"{path}__name").annotate(n=Count("pk"))
        for row in grouped:
            counted[row[f"{path}__id"], row[f"{path}__name"] or ""] += row["n"]
    rows = [AreaCount(area_id, name, count) for (area_id, name), count in counted.items()]
    return sorted(rows, key=lambda row: (-row.count, row.name))


def at_risk(user: Any) -> int:
    """How many open objectives of live plans the person sees are likely to miss their target (the dashboard's
    forecast section lists them)."""
    return likely_miss_ids(visible_objectives(user).filter(live_q("plan__"))).count()


def awaiting_validation(user: Any) -> list[Plan]:
    """The closed plans of the bodies the person audits: the OIV's work of the moment."""
    bodies = roles_of(user).auditor_of
    if not bodies:
        return []
    plans = Plan.objects.filter(organization_id__in=bodies, state=PlanState.CLOSED).select_related("organization")
    return list(plans.order_by("-year_end", "code"))


@dataclass(frozen=True)
class OwnWork:
    open_count: int
    late: list[Activity]  # late first, most late first
    late_count: int
    next_deadlines: list[Activity]


def own_work(user: Any, today: dt.date) -> OwnWork:
    """The person's open activities of live plans: how many, the late ones first, then the next due."""
    mine = Activity.objects.filter(live_q("objective__plan__"), owner=user, state__in=OPEN_STATES)
    late = mine.filter(planned_end__lt=today).select_related("objective").order_by("planned_end", "pk")
    upcoming = mine.filter(planned_end__gte=today).select_related("objective").order_by("planned_end", "pk")
    return OwnWork(
        open_count=mine.count(),
        late=list(late[:LATE_SHOWN]),
        late_count=late.count(),
        next_deadlines=list(upcoming[:NEXT_SHOWN]),
    )
