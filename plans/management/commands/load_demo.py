from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from plans.demo import load_demo
from plans.importing import PlanImportError
from workflow.trail.context import Source, recorded_as


class Command(BaseCommand):
    help = "Carica i piani dimostrativi (i tre documenti di esempio) e gli utenti demo. Si può ripetere."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reference-date",
            metavar="AAAA-MM-GG",
            type=dt.date.fromisoformat,
            default=None,
            help="La data a cui gli stati seguono il consuntivo dei documenti (predefinita: DEMO_REFERENCE_DATE).",
        )
        parser.add_argument(
            "--no-live-year",
            action="store_true",
            help="Senza il piano dell'anno in corso (gli obiettivi del seed 002 spostati a quest'anno, stati a oggi).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        reference_date = options["reference_date"] or dt.date.fromisoformat(settings.DEMO_REFERENCE_DATE)
        today = timezone.localdate()
        try:
            with recorded_as(Source.IMPORT):
                result = load_demo(reference_date=reference_date, today=None if options["no_live_year"] else today)
        except PlanImportError as error:
            raise CommandError(f"I dati demo non sono stati caricati:\n{error}") from None
        for imported in result.imports:
            self.stdout.write(imported.summary())
        created = ", ".join(result.users_created) or "nessuno (esistevano già)"
        self.stdout.write(f"Utenti demo creati: {created}")
        self.stdout.write("Password degli utenti demo: quella di DEMO_PASSWORD (predefinita «demo»).")
