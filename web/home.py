"""What each home page says to do, read in a fixed number of queries whatever the size of the plan:

- the director and an area head: the slipped deadlines by area (each a link to the dashboard filtered by it) with
  their trend (the deadlines of the last 30 days missed, against the 30 days before), the objectives likely to
  miss their target (the forecast), the indicators below their target (the scores last computed, each plan a
  link to its indicators so filtered), the requests awaiting them;
- the OIV: the closed plans of their bodies that await validation, each a link to its validation page;
- everyone who owns activities: the late ones first, with their days late, then the next deadlines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from evaluation.forecasting import likely_miss_ids
from evaluation.models import ScoreSnapshot
from plans.freeze import live_q
from plans.models import OPEN_STATES, Activity, Plan, PlanState
from plans.rules import roles_of, visible_activities, visible_indicators, visible_objectives, visible_plans
from web.dashboard import slipped_q

LATE_SHOWN = 10  # the late activities listed on the home; the rest are on «Le mie attività»
NEXT_SHOWN = 5


TREND_DAYS = 30


@dataclass(frozen=True)
class AreaCount:
    area_id: int | None
    name: str
    count: int
    recent: int = 0  # of them, due in the last TREND_DAYS days
    before: int = 0  # due in the TREND_DAYS days before those

    @property
    def trend(self) -> str:
        """ "up", "down" or "same": more, fewer or as many deadlines missed lately as in the month before."""
        return "up" if self.recent > self.before else "down" if self.recent < self.before else "same"


def slipped_by_area(user: Any, today: dt.date) -> list[AreaCount]:
    """The dashboard's slipped rows (one per item and area) counted by area, most first, with how many of them
    fell due in the last TREND_DAYS days and in the TREND_DAYS before: two grouped queries."""
    activities = visible_activities(user).filter(slipped_q(today, "objective__plan__"), live_q("objective__plan__"))
    objectives = visible_objectives(user).filter(slipped_q(today, "plan__"), live_q("plan__"))
    window = dt.timedelta(days=TREND_DAYS)
    recent = Q(planned_end__gte=today - window, planned_end__lt=today)
    before = Q(planned_end__gte=today - 2 * window, planned_end__lt=today - window)
    counted: dict[tuple[int | None, str], list[int]] = {}
    for items, path in ((activities, "objective__areas"), (objectives, "areas")):
        grouped = (
            items.order_by()
            .values(f"{path}__id", f"{path}__name")
            .annotate(n=Count("pk"), recent=Count("pk", filter=recent), before=Count("pk", filter=before))
        )
        for row in grouped:
            sums = counted.setdefault((row[f"{path}__id"], row[f"{path}__name"] or ""), [0, 0, 0])
            sums[0] += row["n"]
            sums[1] += row["recent"]
            sums[2] += row["before"]
    rows = [AreaCount(area_id, name, *sums) for (area_id, name), sums in counted.items()]
    return sorted(rows, key=lambda row: (-row.count, row.name))


@dataclass(frozen=True)
class PlanBelow:
    plan: Plan
    count: int
    computed_at: dt.datetime


def below_target(user: Any, today: dt.date) -> list[PlanBelow]:
    """For each live plan of this year the person sees, the indicators they see that the scores last computed found
    below their target: three queries (the plans, their snapshots' lists, the visible indicators among them)."""
    plans = {
        plan.pk: plan
        for plan in visible_plans(user).filter(live_q(), year_start__lte=today.year, year_end__gte=today.year)
    }
    stored = list(
        ScoreSnapshot.objects.filter(plan_id__in=plans, year=today.year).values_list(
            "plan_id", "below_target", "computed_at"
        )
    )
    computed = {plan_id: when for plan_id, _ids, when in stored}
    ids = [indicator for _plan, listed, _when in stored for indicator in listed]
    if not ids:
        return []
    listed = visible_indicators(user).filter(
        pk__in=ids, objective__plan__in=plans
    )  # an indicator since moved: not here
    counts = listed.order_by().values("objective__plan").annotate(n=Count("pk"))
    found = [PlanBelow(plans[row["objective__plan"]], row["n"], computed[row["objective__plan"]]) for row in counts]
    return sorted(found, key=lambda row: (-row.count, row.plan.code))


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
