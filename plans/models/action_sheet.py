from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from plans.models.organization import Area
from plans.models.plan import Plan


class ActionSheet(models.Model):
    """An action sheet (scheda) of a Piano di Zona, e.g. one LIVEAS essential service level."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="action_sheets")
    area = models.ForeignKey(Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_sheets")
    code = models.CharField(_("codice"), max_length=60)
    number = models.PositiveIntegerField(_("numero"), null=True, blank=True)
    level = models.CharField(_("livello"), max_length=200, blank=True)
    goal = models.TextField(_("obiettivo"), blank=True)
    title = models.TextField(_("titolo azione"))
    objectives = models.TextField(_("obiettivi"), blank=True)
    strategy = models.TextField(_("strategia"), blank=True)
    planned_activities = models.TextField(_("attività previste"), blank=True)
    timing = models.TextField(_("tempistica"), blank=True)
    organisation = models.TextField(_("strutture organizzative e operative"), blank=True)
    participation = models.TextField(_("partecipazione, comunicazione, informazione"), blank=True)
    subsidiary_actions = models.TextField(_("azioni sussidiarie"), blank=True)
    evaluation_methods = models.TextField(_("metodologie di valutazione"), blank=True)
    risks = models.TextField(_("rischi e criticità"), blank=True)
    management_mode = models.TextField(_("modalità di gestione"), blank=True)
    cost = models.TextField(_("costo"), blank=True)

    class Meta:
        verbose_name = _("scheda del piano di zona")
        verbose_name_plural = _("schede del piano di zona")
        ordering = ["plan", "number", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="unique_action_sheet_code")]

    def __str__(self) -> str:
        return f"{self.code} – {self.title[:80]}"


class ActionSheetIndicator(models.Model):
    sheet = models.ForeignKey(ActionSheet, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveIntegerField(_("posizione"))
    text = models.TextField(_("indicatore"))

    class Meta:
        verbose_name = _("indicatore della scheda")
        verbose_name_plural = _("indicatori della scheda")
        ordering = ["sheet", "position"]
        constraints = [models.UniqueConstraint(fields=["sheet", "position"], name="unique_sheet_indicator_position")]

    def __str__(self) -> str:
        return self.text[:80]
