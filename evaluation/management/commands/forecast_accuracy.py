"""`manage.py forecast_accuracy`: how well the forecast foresaw the misses of seed 002's year (the Relazione
sulla Performance 2021, plans/demo/relazione-2021.yaml), at 30 June and 30 September.

The plan is imported into an organization of its own inside a transaction that is rolled back: the command
changes nothing and can run on any database, the demo's included."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from evaluation.accuracy import Accuracy, plan_accuracy
from evaluation.forecast import Band
from plans.demo import DEMO_DIR
from plans.importing import PlanImportError, import_plan_file
from plans.models import Organization

SEED_002 = DEMO_DIR / "relazione-2021.yaml"


def measure(path: Path, days: list[tuple[int, int]]) -> Accuracy:
    """Import `path` into a throwaway organization, measure the forecast at `days` ((month, day) of the plan's
    first year) and roll everything back."""
    with transaction.atomic():
        slug = f"previsione-{uuid.uuid4().hex[:12]}"
        Organization.objects.create(slug=slug, name="Verifica della previsione")
        # Read at today: the year as it ended, with every Consuntivo in it.
        plan = import_plan_file(path, organization_slug=slug).plan
        result = plan_accuracy(plan, [dt.date(plan.year_start, month, day) for month, day in days])
        transaction.set_rollback(True)
    return result


def report(result: Accuracy) -> list[str]:
    """The result as the lines of a Markdown table, in Italian."""
    lines = [
        f"Piano {result.plan_code}, anno {result.year}: {result.objectives} obiettivi, "
        f"{len(result.missed)} mancati a fine anno.",
        "",
        "| data | probabile mancato | a rischio | probabile raggiungimento | non prevedibile "
        "| mancati previsti | mancati non previsti | falsi allarmi "
        "| previsti (anche «a rischio») | non previsti (anche «a rischio») | falsi allarmi (anche «a rischio») |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for day in result.days:
        bands = day.bands
        lines.append(
            f"| {day.day:%d/%m/%Y} | {bands[Band.LIKELY_MISSED]} | {bands[Band.AT_RISK]} "
            f"| {bands[Band.LIKELY_REACHED]} | {bands[Band.UNKNOWN]} "
            f"| {day.strict.foreseen} | {day.strict.not_foreseen} | {day.strict.false_alarms} "
            f"| {day.wide.foreseen} | {day.wide.not_foreseen} | {day.wide.false_alarms} |"
        )
    return lines


def _month_day(text: str) -> tuple[int, int]:
    try:
        day, month = (int(part) for part in text.split("/"))
        dt.date(2000, month, day)  # a valid day of a leap year
    except ValueError as error:
        raise CommandError(f"Data non valida «{text}»: scrivi giorno/mese, ad esempio 30/06.") from error
    return month, day


class Command(BaseCommand):
    help = (
        "Misura la previsione sul seed 002 (Relazione 2021): obiettivi mancati previsti al 30/06 e al 30/09, "
        "mancati non previsti, falsi allarmi. Non modifica il database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=SEED_002, help="Il piano da usare (predefinito: seed 002).")
        parser.add_argument(
            "--day",
            action="append",
            metavar="GG/MM",
            help="Il giorno dell'anno del piano a cui prevedere (ripetibile; predefiniti 30/06 e 30/09).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = [_month_day(text) for text in options["day"] or ["30/06", "30/09"]]
        try:
            result = measure(options["file"], days)
        except (PlanImportError, OSError) as error:
            raise CommandError(f"Impossibile importare {options['file']}: {error}") from error
        self.stdout.write("\n".join(report(result)))
