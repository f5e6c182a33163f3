"""Substitutes during an absence: an area head or the director names someone to decide in their place."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.models import Organization


class DelegationQuerySet(models.QuerySet["Delegation"]):
    def active_on(self, day: dt.date) -> DelegationQuerySet:
        return self.filter(starts_on__lte=day, ends_on__gte=day, revoked_at__isnull=True)


class Delegation(models.Model):
    """While it is active, `substitute` decides what `delegator` could decide in `organization`; each
    decision is recorded as taken on behalf of the delegator."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="delegations")
    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delegations_given",
        verbose_name=_("delegante"),
    )
    substitute = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delegations_received",
        verbose_name=_("sostituto"),
    )
    starts_on = models.DateField(_("dal"))
    ends_on = models.DateField(_("al"))
    reason = models.CharField(_("motivo"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("creata il"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revocata il"), null=True, blank=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = _("delega")
        verbose_name_plural = _("deleghe")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="delegation_dates"),
            models.CheckConstraint(
                condition=~models.Q(substitute=models.F("delegator")), name="delegation_to_someone_else"
            ),
        ]
        # The auditor is never a substitute, checked by the database too: workflow/trail/guards.py.

    def __str__(self) -> str:
        return f"{self.delegator} → {self.substitute} ({self.starts_on:%d/%m/%Y}–{self.ends_on:%d/%m/%Y})"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("La fine dell'assenza non può precedere l'inizio.")})
        if self.delegator_id and self.delegator_id == self.substitute_id:
            raise ValidationError({"substitute": _("Il sostituto deve essere un'altra persona.")})
        if self.organization_id and self.delegator_id and self.substitute_id:
            # The admin's check is the service's (workflow.separation reads delegations: imported here, not
            # at the top, where it would import this module back).
            from workflow.separation import delegation_refusal

            refusal = delegation_refusal(self.organization_id, self.delegator, self.substitute)
            if refusal is not None:
                raise ValidationError({refusal.field: ValidationError(refusal.message, code=refusal.code)})
