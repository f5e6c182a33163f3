"""Recording an indicator's actual value. Every measurement is a new row: the history is never rewritten."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from plans.limits import plan_window, value_digits, value_fits
from plans.models import Indicator, Measurement
from plans.parsing import parse_value
from plans.rules import can_record_measurement, can_view_item
from workflow.errors import InvalidInput, NotAllowed, NotVisible


def measurement_record(
    *,
    actor: Any,
    indicator: Indicator,
    year: int,
    value: str,
    measured_on: dt.date | None = None,
    note: str = "",
) -> Measurement:
    if not can_view_item(actor, indicator):
        raise NotVisible(_("Indicatore non trovato."))
    if not can_record_measurement(actor, indicator):
        raise NotAllowed(_("Non hai titolo per registrare valori di questo indicatore."))
    plan = indicator.objective.plan
    problems: dict[str, list[str]] = {}
    if not plan.year_start <= year <= plan.year_end:
        problems["year"] = [
            _("L'anno deve cadere nel piano, dal %(start)d al %(end)d.")
            % {"start": plan.year_start, "end": plan.year_end}
        ]
    spec = parse_value(value.strip())
    if not value.strip():
        problems["value"] = [_("Indica il valore rilevato, ad esempio «85%», «12» o «3/4».")]
    elif not value_fits(spec):
        problems["value"] = [
            _("Un numero del valore è troppo grande: al massimo %(digits)d cifre prima della virgola.")
            % {"digits": value_digits()}
        ]
    if measured_on and measured_on > timezone.localdate():
        problems["measured_on"] = [_("La data di rilevazione non può essere nel futuro.")]
    else:
        problems |= plan_window(plan.year_start, plan.year_end).check("measured_on", measured_on)
    if problems:
        raise InvalidInput(_("Il valore non è stato registrato: correggi i campi indicati."), fields=problems)
    return Measurement.objects.create(
        indicator=indicator,
        year=year,
        measured_on=measured_on,
        note=note,
        recorded_by=actor,
        **Measurement.spec_values(spec),
    )
