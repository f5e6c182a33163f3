"""The chapters of the Relazione that the director writes in the application. Writing again replaces the text; the
audit trail keeps every earlier version (workflow.trail), which the chapters' page shows as the history."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plans.models import Plan
from plans.rules import can_view_organization_object, can_write_relazione_chapter
from reports.models import RelazioneChapter
from workflow.errors import InvalidInput, NotAllowed, NotVisible
from workflow.services.consuntivo import text_problems, year_problems
from workflow.services.freeze import ensure_open, ensure_plan_open


def relazione_chapter_write(*, actor: Any, plan: Plan, year: int, kind: str, text: str) -> RelazioneChapter:
    """The chapter `kind` (presentation, context, process) of the plan's Relazione for `year`: created, or its
    text replaced. The body's director alone writes it."""
    if not can_view_organization_object(actor, plan):
        raise NotVisible(_("Piano non trovato."))
    if not can_write_relazione_chapter(actor, plan):
        raise NotAllowed(_("I capitoli della Relazione li scrive il direttore."))
    ensure_open(plan)
    problems: dict[str, list[str]] = {}
    if kind not in RelazioneChapter.Kind.values:
        problems["kind"] = [
            _("Capitolo sconosciuto: scegli tra %(kinds)s.")
            % {"kinds": ", ".join(str(label) for label in RelazioneChapter.Kind.labels)}
        ]
    if found := year_problems(plan, year):
        problems["year"] = found
    if found := text_problems(text, _("il capitolo")):
        problems["text"] = found
    if problems:
        raise InvalidInput(_("Il capitolo non è stato salvato: correggi i campi indicati."), fields=problems)
    with transaction.atomic():
        ensure_plan_open(plan)  # held: a validation waits for this text, or is seen
        chapter, _created = RelazioneChapter.objects.select_for_update().update_or_create(
            plan=plan,
            year=year,
            kind=kind,
            defaults={"text": text, "written_by": actor, "written_at": timezone.now()},
        )
    return chapter
