"""The versions of a plan: named points in the audit trail, not parallel copies (DESIGN, "One history").

Version 1 is the plan as adopted (its adoption's row in the trail, when it has one), made when the first change
is approved; each approved rimodulazione makes the next one, pointing at the decision's row in the trail, after
which the trail holds the change's own data rows. Each keeps a snapshot of the plan's objectives, indicators,
targets and planned times, read from the rows in the same transaction, so that the difference between two
versions costs two rows. Versions are only ever inserted.
"""

from __future__ import annotations

import pgtrigger
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.models import Plan
from workflow.models.audit import AuditEntry
from workflow.models.people import person_field
from workflow.models.requests import TransitionRequest


class PlanVersion(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions", verbose_name=_("piano"))
    number = models.PositiveIntegerField(_("versione"))
    request = models.OneToOneField(
        TransitionRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="version",
        verbose_name=_("rimodulazione"),
    )
    trail_entry = models.ForeignKey(
        AuditEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("punto nel registro"),
    )
    made_at = models.DateTimeField(_("del"), default=timezone.now)
    made_by = person_field(_("approvata da"), optional=True)
    motivation = models.TextField(_("motivazione"), blank=True)
    act = models.CharField(_("atto di approvazione"), max_length=300, blank=True)
    act_date = models.DateField(_("data dell'atto"), null=True, blank=True)
    snapshot = models.JSONField(_("fotografia del piano"), default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("versione del piano")
        verbose_name_plural = _("versioni del piano")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_plan_version_per_number"),
            models.CheckConstraint(
                condition=models.Q(number=1, request__isnull=True) | models.Q(number__gt=1, request__isnull=False),
                name="plan_version_one_is_as_adopted",
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="plan_version_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · v{self.number}"
