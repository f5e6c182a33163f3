"""Celery tasks of the evaluation: the daily refresh of the score snapshots."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from evaluation.refresh import refresh_scores as refresh


@shared_task
def refresh_scores(today: str | None = None) -> dict[str, int]:
    """Beat's daily job: recompute the scores of the plans that changed since the last run (evaluation.refresh).
    `today` (ISO date) is for operators and tests; by default the current year is today's."""
    return refresh(dt.date.fromisoformat(today) if today else None).as_dict()
