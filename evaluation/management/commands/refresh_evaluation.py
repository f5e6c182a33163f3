"""`manage.py refresh_evaluation`: what beat does every morning (evaluation.tasks), now: the scores of the plans
that changed since the last run, then the forecast of every open objective of the plans running this year. `make
demo` runs it after loading the demo, so that the homes' objectives at risk and indicators below target are there
from the first page, not after the next morning."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from evaluation.tasks import refresh_scores, store_forecasts


class Command(BaseCommand):
    help = "Refresh the scores and store today's forecasts now, as beat does every morning."

    def handle(self, *args: Any, **options: Any) -> None:
        scores = refresh_scores()
        forecasts = store_forecasts()
        if options["verbosity"]:
            self.stdout.write(f"scores: {scores}; forecasts: {forecasts}")
