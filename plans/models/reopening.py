from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from plans.models.plan import Plan


class PlanReopening(models.Model):
    """A validated plan reopened (back to closed) by a superuser, with the motivation and the act that decides
    it. Written by workflow.services.plan_lifecycle.plan_reopen in the same transaction as the plan's change of
    state: the database lets a validated plan move only when such a row of the same transaction exists
    (workflow.trail.freeze), sets its time and transaction itself, and keeps it for good (append-only)."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="reopenings", verbose_name=_("piano"))
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("riaperto da")
    )
    motivation = models.TextField(_("motivazione"))
    act = models.CharField(_("atto"), max_length=300)
    # Set by the database, whatever the application sends.
    reopened_at = models.DateTimeField(_("riaperto il"), db_default=Now())
    txid = models.BigIntegerField(_("transazione"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("riapertura di un piano validato")
        verbose_name_plural = _("riaperture dei piani validati")
        ordering = ["plan", "reopened_at"]

    def __str__(self) -> str:
        return f"{self.plan.code}: {self.act}"
