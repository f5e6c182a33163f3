"""What the daily tasks keep stored in a running installation, stored on the bench dataset before the pages are
timed: the score snapshots of every plan of this year (evaluation.tasks.refresh_scores) and the objectives'
forecasts of the latest working day (evaluation.tasks.store_forecasts).

The generator copies its rows past the audit trail, so the trail-driven refresh would find nothing to do: the
plans are recomputed directly, as the refresh does for an organization it meets for the first time. The pages
read these rows instead of recomputing (web.dashboard_scores, web.forecasts); without them a benchmark would time
a state no installation is in after its first night. Done once per dataset: a run finds them and skips."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bench.common import stopwatch


def ensure_daily_results() -> dict[str, Any]:
    """Store the snapshots and forecasts unless every plan of this year has its snapshot; what was done."""
    from django.utils import timezone

    from evaluation.forecasting import forecasts_store_all
    from evaluation.models import ObjectiveForecast, ScoreSnapshot
    from evaluation.refresh import Stale, chain_heads, recompute
    from notifications.calendar import is_working_day
    from plans.models import Organization, Plan

    today = timezone.localdate()
    running = Plan.objects.filter(year_start__lte=today.year, year_end__gte=today.year)
    # A snapshot stored without its place in the audit chain (by an earlier bench) is one the pages cannot trust.
    missing = (
        running.exclude(score_snapshots__year=today.year).exists()
        or ScoreSnapshot.objects.filter(plan__in=running, year=today.year, trail_seq__isnull=True).exists()
    )
    done: dict[str, Any] = {"stored_now": missing}
    if missing:
        stale = Stale(today.year)
        stale.organization_years = {(pk, today.year) for pk in Organization.objects.values_list("pk", flat=True)}
        stale.resolve_organizations()
        with stopwatch() as scores:
            # With the chain's heads, as the daily task stores them (evaluation.stored: the pages read them then).
            done["plans"], done["snapshots"] = recompute(stale, chain_heads(), set())
        done["scores_seconds"] = round(scores["seconds"], 1)
    day = today
    while not is_working_day(day):  # the forecast is stored on working days only
        day -= dt.timedelta(days=1)
    if not ObjectiveForecast.objects.filter(date=day).exists():
        with stopwatch() as forecasts:
            done["forecasts"] = forecasts_store_all(day=day)
        done["forecasts_seconds"] = round(forecasts["seconds"], 1)
    done["snapshots_stored"] = ScoreSnapshot.objects.count()
    return done
