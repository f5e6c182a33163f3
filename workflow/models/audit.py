"""The evidence the body shows its OIV: an append-only trail of every request, decision and state change."""

from __future__ import annotations

import pgtrigger
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.models import Activity, Objective, Organization, WorkState
from workflow.models.people import person_field


class AuditEntry(models.Model):
    """One event in the life of an objective or an activity. Rows are only ever inserted: the database
    refuses UPDATE and DELETE on this table. Foreign keys PROTECT, so neither the item nor a person who
    acted on it can be deleted while the evidence exists (deactivate users instead)."""

    class Event(models.TextChoices):
        REQUESTED = "requested", _("richiesta")
        APPROVED = "approved", _("approvazione")
        REJECTED = "rejected", _("rifiuto")
        WITHDRAWN = "withdrawn", _("ritiro")
        STATE_CHANGED = "state_changed", _("cambio di stato")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    objective = models.ForeignKey(
        Objective, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries"
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries"
    )
    request = models.ForeignKey(
        "workflow.TransitionRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("richiesta"),
    )
    event = models.CharField(_("evento"), max_length=20, choices=Event.choices)
    transition = models.CharField(_("transizione"), max_length=20, blank=True)
    from_state = models.CharField(_("da"), max_length=20, choices=WorkState.choices, blank=True)
    to_state = models.CharField(_("a"), max_length=20, choices=WorkState.choices, blank=True)
    actor = person_field(_("chi"))
    on_behalf_of = person_field(_("per conto di"), optional=True)
    comment = models.TextField(_("commento"), blank=True)
    at = models.DateTimeField(_("quando"), default=timezone.now)

    class Meta:
        verbose_name = _("voce del registro")
        verbose_name_plural = _("registro delle operazioni")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(objective__isnull=False, activity__isnull=True)
                | models.Q(objective__isnull=True, activity__isnull=False),
                name="audit_entry_has_one_target",
            ),
        ]
        indexes = [models.Index(fields=["organization", "at"])]
        triggers = [
            pgtrigger.Protect(name="audit_entry_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        target = f"obiettivo {self.objective_id}" if self.objective_id else f"attività {self.activity_id}"
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_event_display()} {target}"
