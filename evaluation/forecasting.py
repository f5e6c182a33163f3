"""Storing the daily forecast: on each working day of an organization, one row per open objective of its plans
running this year (evaluation.models.ObjectiveForecast), and reading the latest ones back.

Safe to run twice on a day: the row of (objective, day) is written again with the same values. Nothing is
stored on a Saturday, a Sunday, a national holiday or the organization's patron saint's day.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery

from evaluation.forecast import forecast_objectives
from evaluation.models import ObjectiveForecast
from notifications.calendar import is_working_day
from plans.models import OPEN_STATES, Objective, Organization

logger = logging.getLogger(__name__)
_WRITTEN = ["band", "expected_score", "explanation"]


def open_objectives(organization_id: int, year: int) -> QuerySet[Objective]:
    """The open objectives of the organization's plans running in `year`."""
    return Objective.objects.filter(
        plan__organization_id=organization_id,
        plan__year_start__lte=year,
        plan__year_end__gte=year,
        state__in=OPEN_STATES,
    )


def latest_working_day(day: dt.date) -> dt.date:
    """`day` when it is a working day (the national calendar), otherwise the last one before it."""
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def forecasts_store(*, organization: Organization, day: dt.date) -> int:
    """Forecast and store every open objective of `organization` at `day`; how many rows were written (none on
    a day that is not a working day there). A fixed number of queries, whatever the number of objectives."""
    if not is_working_day(day, organization.patron_saint_day):
        return 0
    forecasts = forecast_objectives(open_objectives(organization.pk, day.year), day, organization_id=organization.pk)
    rows = [
        ObjectiveForecast(
            objective_id=item.objective_id,
            date=day,
            band=item.band,
            expected_score=item.expected_score,
            explanation=item.explanation,
        )
        for item in forecasts
    ]
    with transaction.atomic():
        ObjectiveForecast.objects.bulk_create(
            rows, batch_size=1000, update_conflicts=True, unique_fields=["objective", "date"], update_fields=_WRITTEN
        )
    return len(rows)


def forecasts_store_all(*, day: dt.date) -> int:
    """`forecasts_store` for every organization; an organization that fails is logged and does not stop the
    others (its forecast is simply missing for the day, and tomorrow's run tries again)."""
    written = 0
    for organization in Organization.objects.order_by("pk"):
        try:
            written += forecasts_store(organization=organization, day=day)
        except Exception:
            logger.exception("forecast of %s on %s failed", organization.slug, day)
    return written


def latest_forecasts(objectives: QuerySet[Objective]) -> QuerySet[ObjectiveForecast]:
    """The latest forecast of each of these objectives (those that have one)."""
    # Each objective's latest row found by its id, from the objective: one backward step on (objective, date)
    # each. Matched on the date instead, the planner may read a partial index on (date, objective) by its second
    # column, all of it once per objective (seconds for a body's thousand objectives).
    latest = ObjectiveForecast.objects.filter(objective=OuterRef("pk")).order_by("-date").values("pk")[:1]
    return ObjectiveForecast.objects.filter(pk__in=objectives.order_by().values(latest_id=Subquery(latest)))


def likely_miss_ids(objectives: QuerySet[Objective]) -> QuerySet[Objective, int]:
    """The ids of `likely_misses(objectives)`, in its order, read from the objectives: each open objective's latest
    forecast looked up once, then kept or not by its band (2-3 times faster than likely_misses on a body's plan,
    where the ids of the latest forecasts are gathered, then the forecasts read again with their objectives)."""
    latest = ObjectiveForecast.objects.filter(objective=OuterRef("pk")).order_by("-date")[:1]
    return (
        objectives.filter(state__in=OPEN_STATES)
        .annotate(
            latest_forecast=Subquery(latest.values("pk")),
            latest_band=Subquery(latest.values("band")),
            latest_expected=Subquery(latest.values("expected_score")),
        )
        .filter(latest_band=ObjectiveForecast.Band.LIKELY_MISSED)
        .order_by("latest_expected", "code", "pk")
        .values_list("latest_forecast", flat=True)
    )


def likely_misses(objectives: QuerySet[Objective]) -> QuerySet[ObjectiveForecast]:
    """Of these objectives, the open ones whose latest forecast says they will likely miss, worst first."""
    still_open = objectives.filter(state__in=OPEN_STATES)
    return (
        latest_forecasts(still_open)
        .filter(band=ObjectiveForecast.Band.LIKELY_MISSED)
        .order_by("expected_score", "objective__code", "objective_id")
    )
