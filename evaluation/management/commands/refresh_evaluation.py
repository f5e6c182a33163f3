"""`manage.py refresh_evaluation`: what beat does every morning (evaluation.tasks), now: the scores of the plans
that changed since the last run, then the forecast of every open objective of the plans running this year. `make
demo` runs it after loading the demo, so that the homes' objectives at risk and indicators below target are there
from the first page, not after the next morning. The forecast is that of the latest working day: beat stores one on
working days only, and a demo started on a Sunday or on 8 December had none (the homes' objectives at risk empty)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from evaluation.forecasting import latest_working_day
from evaluation.tasks import refresh_scores, store_forecasts


class Command(BaseCommand):
    help = "Refresh the scores and store the latest working day's forecasts now, as beat does every morning."

    def handle(self, *args: Any, **options: Any) -> None:
        scores = refresh_scores()
        forecasts = store_forecasts(latest_working_day(timezone.localdate()).isoformat())
        if options["verbosity"]:
            self.stdout.write(f"scores: {scores}; forecasts: {forecasts}")
