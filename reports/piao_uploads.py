"""«Segna come caricato sul portale»: the director records that the PIAO's performance section of a plan was
uploaded to the Funzione Pubblica's portal (piao.dfp.gov.it), on what day and with what note or protocol. The row
is in the audit trail (workflow.trail.tracking), written with who and from where."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from plans.freeze import PlanFrozen, ensure_writable
from plans.limits import plan_window
from plans.models import Plan, PlanState
from plans.rules import roles_of, visible_plans
from reports.models import PiaoUpload
from workflow.errors import Conflict, InvalidInput, NotAllowed, NotVisible
from workflow.trail.context import Source, recorded_as

NOTE_CHARS = 2000


def may_see_piao(user: Any, plan: Plan) -> bool:
    """The section and its uploads are the director's work, which the OIV reads."""
    roles = roles_of(user)
    return plan.organization_id in roles.director_of or plan.organization_id in roles.auditor_of


def may_record_upload(user: Any, plan: Plan) -> bool:
    return plan.organization_id in roles_of(user).director_of


def uploads_of(plan: Plan) -> QuerySet[PiaoUpload]:
    return plan.piao_uploads.select_related("recorded_by").order_by("-uploaded_on", "-pk")


def piao_upload_record(
    *, actor: Any, plan: Plan, uploaded_on: dt.date | None, note: str = "", source: Source = Source.WEB
) -> PiaoUpload:
    if not visible_plans(actor).filter(pk=plan.pk).exists():
        raise NotVisible(_("Piano non trovato."))
    if not may_record_upload(actor, plan):
        raise NotAllowed(_("Il caricamento sul portale del PIAO lo registra il direttore dell'ente."))
    note = note.strip()
    problems: dict[str, list[str]] = {}
    today = timezone.localdate()
    if uploaded_on is None:
        problems["uploaded_on"] = [_("Indica il giorno del caricamento sul portale (AAAA-MM-GG).")]
    elif uploaded_on > today:
        problems["uploaded_on"] = [
            _("Il caricamento non può essere futuro: indica un giorno fino a oggi, %(today)s.")
            % {"today": date_format(today, "SHORT_DATE_FORMAT")}
        ]
    else:
        problems |= plan_window(plan.year_start, plan.year_end).check("uploaded_on", uploaded_on)
    if len(note) > NOTE_CHARS or "\x00" in note:
        problems["note"] = [_("La nota si scrive in al più %(n)s caratteri.") % {"n": NOTE_CHARS}]
    if problems:
        raise InvalidInput(_("Il caricamento non è stato registrato: correggi i campi indicati."), fields=problems)
    with transaction.atomic(), recorded_as(source, user=actor):
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if locked.state == PlanState.DRAFT:
            raise Conflict(
                _("Il piano «%(code)s» è in bozza: si carica sul portale il PIAO adottato. Adotta prima il piano.")
                % {"code": plan.code},
                code="plan_not_adopted",
            )
        try:
            ensure_writable(locked)
        except PlanFrozen as frozen:
            raise Conflict(frozen.message, code=frozen.code) from frozen
        assert uploaded_on is not None
        return PiaoUpload.objects.create(plan=locked, uploaded_on=uploaded_on, note=note, recorded_by=actor)
