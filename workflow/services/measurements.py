"""Recording an indicator's actual value, with its evidence, and the area head's confirmation of it. Every
measurement is a new row: the history is never rewritten."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.limits import plan_window, value_digits, value_fits

# Re-exported: the pages read them here too.
from plans.measured import counts_as_confirmed as counts_as_confirmed
from plans.measured import value_that_counts as value_that_counts
from plans.models import Indicator, Measurement, MeasurementEvidence
from plans.parsing import parse_value
from plans.rules import can_confirm_measurement, can_record_measurement, can_view_item
from workflow.errors import Conflict, InvalidInput, NotAllowed, NotVisible
from workflow.separation import separation_policy
from workflow.services.evidence import check_files, discard_files, store_evidence
from workflow.services.freeze import ensure_open, ensure_plan_open, hold_plan

NOTE_CHARS = 4000


def measurement_record(
    *,
    actor: Any,
    indicator: Indicator,
    year: int,
    value: str,
    measured_on: dt.date | None = None,
    note: str = "",
    files: Sequence[UploadedFile] = (),
) -> Measurement:
    """A new value of the indicator with its evidence files, in one transaction: a refused file refuses the
    value too, and nothing is kept."""
    if not can_view_item(actor, indicator):
        raise NotVisible(_("Indicatore non trovato."))
    if not can_record_measurement(actor, indicator):
        raise NotAllowed(_("Non hai titolo per registrare valori di questo indicatore."))
    plan = indicator.objective.plan
    ensure_open(plan)
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
    if len(note) > NOTE_CHARS:
        problems["note"] = [_("La nota è troppo lunga: al massimo %(count)d caratteri.") % {"count": NOTE_CHARS}]
    checked, refused = check_files(files)
    if refused:
        problems["evidence"] = refused
    if problems:
        raise InvalidInput(_("Il valore non è stato registrato: correggi i campi indicati."), fields=problems)
    kept: list[MeasurementEvidence] = []
    try:
        with transaction.atomic():
            ensure_plan_open(indicator)  # held: a validation waits for this value, or is seen
            measurement = Measurement.objects.create(
                indicator=indicator,
                year=year,
                measured_on=measured_on,
                note=note,
                recorded_by=actor,
                **Measurement.spec_values(spec),
            )
            kept = store_evidence(measurement, checked, actor)
    except BaseException:
        discard_files(kept)  # the rows are gone with the transaction: so are their files
        raise
    return measurement


def needs_confirmation(indicator: Indicator) -> bool:
    """Whether the indicator's organization wants its values confirmed (SeparationPolicy)."""
    return separation_policy(indicator.objective.plan.organization_id).measurements_need_confirmation


def confirmation_refusal(actor: Any, measurement: Measurement) -> str | None:
    """Why `actor` may not confirm `measurement` (which they see), or None."""
    if not can_confirm_measurement(actor, measurement.indicator):
        return _("Un valore lo conferma il responsabile d'area dell'obiettivo o il direttore.")
    if measurement.recorded_by_id == actor.pk:
        return _(
            "Hai registrato tu questo valore: lo conferma un'altra persona (il responsabile d'area o il direttore), "
            "come vuole la separazione dei compiti."
        )
    return None


def measurement_confirm(*, actor: Any, measurement: Measurement) -> Measurement:
    """The area head of the objective's area, or the director, confirms a value someone else recorded."""
    with transaction.atomic():
        plan = hold_plan(Indicator(pk=measurement.indicator_id))
        # Locked: two people confirming at once confirm once.
        locked = (
            Measurement.objects.select_for_update(of=("self",))
            .select_related("indicator__objective__plan")
            .filter(pk=measurement.pk)
            .first()
        )
        if locked is None or not can_view_item(actor, locked.indicator):
            raise NotVisible(_("Valore non trovato."))
        ensure_open(plan)
        refusal = confirmation_refusal(actor, locked)
        if refusal:
            raise NotAllowed(refusal, code="sod_own_request" if locked.recorded_by_id == actor.pk else None)
        if not needs_confirmation(locked.indicator):
            raise Conflict(_("L'ente non chiede di confermare i valori: non c'è nulla da confermare."))
        if locked.confirmed_at is not None:
            raise Conflict(_("Il valore è già stato confermato."), code="already_confirmed")
        locked.confirmed_by = actor
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["confirmed_by", "confirmed_at"])
    return locked
