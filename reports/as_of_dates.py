"""The date a monitoring report is asked for, checked once for the page and the command.

A report describes what had already happened: a date after today is refused, and so is one outside the plan's
years. Dates are written as on the web form (2026-06-30) or the Italian way (30/06/2026).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from plans.models import Plan
from workflow.errors import InvalidInput

FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
# The intermediate checks the OIV and the Giunta receive, as (month, day).
CHECKPOINTS = ((6, 30), (9, 30))


def first_day(plan: Plan) -> dt.date:
    return dt.date(plan.year_start, 1, 1)


def last_day(plan: Plan, today: dt.date | None = None) -> dt.date:
    """The latest date a report of `plan` can be asked for: the plan's last day, or today if earlier."""
    return min(dt.date(plan.year_end, 12, 31), today or timezone.localdate())


def suggested_day(plan: Plan, today: dt.date | None = None) -> dt.date | None:
    """The latest 30 June or 30 September already passed within the plan; else its latest possible date;
    None when the plan has not started yet."""
    last = last_day(plan, today)
    if last < first_day(plan):
        return None
    passed = [
        dt.date(year, month, day)
        for year in range(plan.year_start, plan.year_end + 1)
        for month, day in CHECKPOINTS
        if dt.date(year, month, day) <= last
    ]
    return max(passed, default=last)


def parse_as_of(value: str, plan: Plan, today: dt.date | None = None) -> dt.date:
    """The date in `value`, if a report of `plan` can be made at it; InvalidInput saying what to write otherwise."""
    text = value.strip()
    if not text:
        raise InvalidInput(_("Indica la data del monitoraggio, ad es. 2026-06-30 o 30/06/2026."), code="date_missing")
    day = _parse(text)
    if day is None:
        raise InvalidInput(
            _("La data «%(value)s» non è valida: scrivila come AAAA-MM-GG (ad es. 2026-06-30) o GG/MM/AAAA.")
            % {"value": text[:40]},
            code="date_invalid",
        )
    today = today or timezone.localdate()
    if day > today:
        raise InvalidInput(
            _(
                "La data %(date)s è nel futuro: il monitoraggio descrive ciò che è già accaduto. "
                "Scegli una data fino a oggi, %(today)s."
            )
            % {"date": f"{day:%d/%m/%Y}", "today": f"{today:%d/%m/%Y}"},
            code="date_future",
        )
    if not plan.year_start <= day.year <= plan.year_end:
        raise InvalidInput(
            _(
                "La data %(date)s non cade negli anni del piano %(code)s: "
                "scegli una data tra il %(first)s e il %(last)s."
            )
            % {
                "date": f"{day:%d/%m/%Y}",
                "code": plan.code,
                "first": f"{first_day(plan):%d/%m/%Y}",
                "last": f"{dt.date(plan.year_end, 12, 31):%d/%m/%Y}",
            },
            code="date_outside_plan",
        )
    return day


def _parse(text: str) -> dt.date | None:
    for pattern in FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None
