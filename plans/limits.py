"""The bounds of what Traguardi accepts as input, defined once for the services, the forms and the importer.

Dates: a date tied to a plan (a completion date, a new deadline, when a value was measured, a monthly
answer's completion date, an imported deadline or report date) falls between 1 January of the year before
the plan's first year and 31 December of the year after its last; the current year always counts as one of
the plan's years, so that work on an old plan can still be recorded today. A delegation's dates, tied to no
plan, fall between 1 January of last year and 31 December of next year. Everything else (0001-01-01, 2062
for 2026) is a typing mistake or an attack, refused with the bounds in the message.

Numbers: a parsed indicator value, a weight or an amount must fit the database column that keeps it
(`max_digits`, `decimal_places`), after the rounding the column applies; PostgreSQL would otherwise refuse
the row with an error instead of a message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from plans.models import Measurement
from plans.parsing import ValueSpec

MARGIN_YEARS = 1
Column = models.DecimalField[Any, Any]


@dataclass(frozen=True)
class DateWindow:
    first: dt.date
    last: dt.date
    why: str  # what the bounds are, for the message

    def __contains__(self, day: dt.date) -> bool:
        return self.first <= day <= self.last

    def problem(self) -> str:
        """The message for a date outside the window, in the active language."""
        return _("La data deve cadere tra il %(first)s e il %(last)s (%(why)s).") % {
            "first": date_format(self.first, "SHORT_DATE_FORMAT"),
            "last": date_format(self.last, "SHORT_DATE_FORMAT"),
            "why": self.why,
        }

    def check(self, field: str, day: dt.date | None) -> dict[str, list[str]]:
        """{field: [message]} when `day` is given and outside the window, for a service's `problems`."""
        return {field: [self.problem()]} if day is not None and day not in self else {}


def plan_window(year_start: int, year_end: int, today: dt.date | None = None) -> DateWindow:
    """The dates a plan running from `year_start` to `year_end` may carry."""
    this_year = (today or timezone.localdate()).year
    first, last = min(year_start, this_year) - MARGIN_YEARS, max(year_end, this_year) + MARGIN_YEARS
    years = str(year_start) if year_start == year_end else f"{year_start}–{year_end}"
    why = _("dall'anno prima all'anno dopo gli anni del piano, %(years)s, e l'anno in corso") % {"years": years}
    return DateWindow(dt.date(first, 1, 1), dt.date(last, 12, 31), why)


def current_window(today: dt.date | None = None) -> DateWindow:
    """The dates of something tied to no plan, such as a delegation: last year to next year."""
    this_year = (today or timezone.localdate()).year
    first, last = this_year - MARGIN_YEARS, this_year + MARGIN_YEARS
    return DateWindow(dt.date(first, 1, 1), dt.date(last, 12, 31), _("dall'anno scorso al prossimo"))


def column(model: type[models.Model], name: str) -> Column:
    """The decimal column `name` of `model`, whose digits bound the numbers it takes."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.DecimalField), f"{model.__name__}.{name} is not a decimal column"
    return field


def integer_digits(field: Column) -> int:
    """How many digits before the decimal point the column keeps."""
    return int(field.max_digits or 0) - int(field.decimal_places or 0)


def fits(field: Column, number: Decimal | None) -> bool:
    """Whether the column can store `number` once rounded to its decimal places (as PostgreSQL rounds)."""
    if number is None:
        return True
    if not number.is_finite():
        return False
    limit = Decimal(10) ** integer_digits(field)
    if abs(number) >= limit:  # before rounding: quantize needs more precision than a huge number allows
        return False
    step = Decimal(1).scaleb(-int(field.decimal_places or 0))
    return abs(number.quantize(step, rounding=ROUND_HALF_UP)) < limit


def value_fits(spec: ValueSpec) -> bool:
    """Whether the numbers of a parsed indicator value fit the columns of a target or a measurement."""
    numbers = {"value": spec.value, "numerator": spec.numerator, "denominator": spec.denominator}
    return all(fits(column(Measurement, name), number) for name, number in numbers.items())


def value_digits() -> int:
    """The digits before the decimal point that an indicator value may have, for messages."""
    return integer_digits(column(Measurement, "value"))
