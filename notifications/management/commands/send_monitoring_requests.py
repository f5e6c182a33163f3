"""Run the monthly monitoring by hand for a month: plan its requests (once) as on the month's first
working day, plan the follow-ups due by then, and send."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from notifications.calendar import first_working_day_of_month
from notifications.dispatch import dispatch
from notifications.monitoring import plan_followups, plan_round
from plans.models import Organization


def parse_month(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(f"{value}-01")
    except ValueError:
        raise CommandError(f"--month {value!r}: scrivi il mese come AAAA-MM, ad esempio 2026-06.") from None


class Command(BaseCommand):
    help = "Pianifica e invia le richieste di monitoraggio mensile di un mese (predefinito: il mese corrente)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="Il mese, AAAA-MM (predefinito: il mese corrente).")
        parser.add_argument("--no-send", action="store_true", help="Pianifica soltanto, senza inviare.")

    def handle(self, *args: Any, **options: Any) -> None:
        month = parse_month(options["month"]) if options["month"] else timezone.localdate().replace(day=1)
        planned = 0
        last_day = month
        for organization in Organization.objects.all():
            day = first_working_day_of_month(month.year, month.month, organization.patron_saint_day)
            last_day = max(last_day, day)
            planned += plan_round(organization, month, day) + plan_followups(organization, day)
        self.stdout.write(f"{month:%m/%Y}: {planned} richieste pianificate.")
        if not options["no_send"]:
            result = dispatch(now=timezone.make_aware(dt.datetime.combine(last_day, dt.time(9))))
            self.stdout.write(f"Inviate {result.mails} e-mail ({result.messages} messaggi).")
