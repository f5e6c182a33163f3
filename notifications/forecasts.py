"""The weekly warning of the objectives likely to miss their year-end target (evaluation.forecast), planned
after the daily forecast is stored, for the objectives of live plans only (plans.freeze): to each director,
every such objective of the organization; to each area head, those of their areas. One row per person and ISO
week, so a person is warned at most once a week however often the forecast runs; at send time the row keeps
only the objectives still likely to miss and still theirs (notifications.staleness), and goes out only if one
is left.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from evaluation.forecasting import likely_misses, open_objectives
from notifications.calendar import is_working_day
from notifications.models import Message
from notifications.scans import directors, heads_by_objective, plan
from plans.freeze import live_q
from plans.models import Organization


def recipients_of(organization: Organization, objective_ids: list[int]) -> dict[int, list[int]]:
    """Who is warned about which of these objectives: the directors of all, the area heads of their areas'."""
    warned: dict[int, set[int]] = defaultdict(set)
    for director in directors(organization):
        warned[director].update(objective_ids)
    for objective, heads in heads_by_objective(objective_ids).items():
        for head in heads:
            warned[head].add(objective)
    return {person: sorted(ids) for person, ids in warned.items()}


def plan_forecast_warnings(today: dt.date) -> int:
    """Plan this week's warnings from the latest forecasts, on the organizations' working days. Four queries
    per organization, whatever the number of objectives."""
    year, week, _weekday = today.isocalendar()
    planned = 0
    for organization in Organization.objects.order_by("pk"):
        if not is_working_day(today, organization.patron_saint_day):
            continue
        misses = list(
            likely_misses(open_objectives(organization.pk, today.year).filter(live_q("plan__"))).values_list(
                "objective_id", flat=True
            )
        )
        if not misses:
            continue
        planned += plan(
            Message(
                kind=Message.Kind.FORECAST,
                organization=organization,
                recipient_id=person,
                target=f"organization:{organization.pk}",
                period=f"{year}-W{week:02d}",
                context={"objectives": ids},
                due_on=today,
            )
            for person, ids in recipients_of(organization, misses).items()
        )
    return planned
