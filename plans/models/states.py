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
