from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkState(models.TextChoices):
    """The lifecycle shared by objectives and activities (transitions live in workflow/)."""

    PROGRAMMATO = "programmato", _("Programmato")
    AVVIATO = "avviato", _("Avviato")
    CONCLUSO = "concluso", _("Concluso")
    RINVIATO = "rinviato", _("Rinviato")


OPEN_STATES = (WorkState.PROGRAMMATO, WorkState.AVVIATO, WorkState.RINVIATO)


def work_state_label(value: str) -> str:
    """The label of a state, or the value as stored when it is none of them: what Django's get_state_display()
    gives, without building a dict of every choice, each label translated to be hashed, at every call (a fifth of
    the plan tree's activity rows)."""
    try:
        return str(WorkState(value).label)
    except ValueError:
        return value


class PlanState(models.TextChoices):
    """The plan's own life (transitions in workflow.services.plan_lifecycle): drafted, adopted by its act, in
    execution during the year, closed with the consuntivo, validated by the OIV."""

    DRAFT = "draft", _("Bozza")
    ADOPTED = "adopted", _("Adottato")
    IN_EXECUTION = "in_execution", _("In esecuzione")
    CLOSED = "closed", _("Chiuso")
    VALIDATED = "validated", _("Validato")
