"""Celery tasks of the evaluation: the daily refresh of the score snapshots and the daily forecast. They take
dates as text (for operators and tests) only, and are safe to run twice."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from evaluation.forecasting import forecasts_store_all
from evaluation.refresh import refresh_scores as refresh


@shared_task
def store_forecasts(day: str | None = None) -> dict[str, int]:
    """Beat's daily job: forecast every open objective of the plans running this year (on the organizations'
    working days), then plan the weekly warnings of the objectives likely to miss."""
    from notifications.forecasts import plan_forecast_warnings

    today = dt.date.fromisoformat(day) if day else timezone.localdate()
    stored = forecasts_store_all(day=today)
    return {"stored": stored, "planned": plan_forecast_warnings(today)}


@shared_task
def refresh_scores(today: str | None = None) -> dict[str, int]:
    """Beat's daily job: recompute the scores of the plans that changed since the last run (evaluation.refresh).
    `today` (ISO date) is for operators and tests; by default the current year is today's."""
    return refresh(dt.date.fromisoformat(today) if today else None).as_dict()
