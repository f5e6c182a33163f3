"""Run the deadline scan by hand for a day: plan the reminders, overdue notices, escalations and the
director's digest due that day, then send what is due (as at 09:00 of that day)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from notifications.dispatch import dispatch
from notifications.scans import plan_deadline_reminders, plan_director_digests


def parse_day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date {value!r}: scrivi la data come AAAA-MM-GG, ad esempio 2026-05-29.") from None


class Command(BaseCommand):
    help = "Pianifica e invia i promemoria di scadenza di un giorno (predefinito: oggi)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Il giorno, AAAA-MM-GG (predefinito: oggi).")
        parser.add_argument("--no-send", action="store_true", help="Pianifica soltanto, senza inviare.")

    def handle(self, *args: Any, **options: Any) -> None:
        day = parse_day(options["date"]) if options["date"] else timezone.localdate()
        planned = plan_deadline_reminders(day) + plan_director_digests(day)
        self.stdout.write(f"{day:%d/%m/%Y}: {planned} messaggi pianificati.")
        if not options["no_send"]:
            at_nine = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
            result = dispatch(now=timezone.now() if day == timezone.localdate() else at_nine)
            self.stdout.write(
                f"Inviate {result.mails} e-mail ({result.messages} messaggi); "
                f"{result.retried} da ritentare, {result.failed} non recapitabili."
            )
