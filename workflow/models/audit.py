"""The evidence the body shows its OIV: one append-only trail, hash-chained per organization.

Two kinds of rows share it. The workflow's services write the requests, decisions and state changes; triggers
in PostgreSQL write every change to plan data (objectives, activities, indicators, targets, policies,
delegations, roles...), whoever makes it: the admin, an import, a service (`workflow.trail`). The database sets
each row's time, and at commit chains it to the previous row of its organization with a SHA-256 hash; the
application's database role may only insert here (see workflow/trail/ and README, "The audit trail").
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from plans.models import Activity, Objective, Organization, WorkState
from workflow.models.people import person_field
from workflow.trail.context import Source

WORKFLOW_EVENTS = ("requested", "approved", "rejected", "withdrawn", "state_changed")
DATA_EVENTS = ("created", "changed", "deleted")


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def workflow(self) -> AuditEntryQuerySet:
        """Requests, decisions and state changes."""
        return self.filter(event__in=WORKFLOW_EVENTS)

    def data_changes(self) -> AuditEntryQuerySet:
        """Rows written by the triggers on plan data."""
        return self.filter(event__in=DATA_EVENTS)


class AuditEntry(models.Model):
    """One event. Rows are only ever inserted: the database refuses UPDATE and DELETE, but for the one update
    that seals a new row into the chain. Foreign keys PROTECT, so neither a workflow item nor a person who
    acted on it can be deleted while the evidence exists (deactivate users instead). Data rows name their
    subject by label and id, with no foreign key: the row of a deleted subject stays."""

    class Event(models.TextChoices):
        REQUESTED = "requested", _("richiesta")
        APPROVED = "approved", _("approvazione")
        REJECTED = "rejected", _("rifiuto")
        WITHDRAWN = "withdrawn", _("ritiro")
        STATE_CHANGED = "state_changed", _("cambio di stato")
        CREATED = "created", _("inserimento")
        CHANGED = "changed", _("modifica")
        DELETED = "deleted", _("eliminazione")

    Source = Source

    WORKFLOW_EVENTS = WORKFLOW_EVENTS
    DATA_EVENTS = DATA_EVENTS

    # Indexed by the composite and partial indexes of Meta: sealing rewrites every new row into each index, and the
    # data rows (all of an import's) have no objective, activity, request, and often no actor.
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", db_index=False)
    objective = models.ForeignKey(
        Objective, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries", db_index=False
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries", db_index=False
    )
    request = models.ForeignKey(
        "workflow.TransitionRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("richiesta"),
        db_index=False,
    )
    event = models.CharField(_("evento"), max_length=20, choices=Event.choices)
    transition = models.CharField(_("transizione"), max_length=20, blank=True)
    from_state = models.CharField(_("da"), max_length=20, choices=WorkState.choices, blank=True)
    to_state = models.CharField(_("a"), max_length=20, choices=WorkState.choices, blank=True)
    # Data rows: what changed ("plans.activity" and its id), and its columns before and after (only those that
    # changed, for a change).
    subject = models.CharField(_("oggetto"), max_length=60, blank=True)
    subject_id = models.BigIntegerField(_("id dell'oggetto"), null=True, blank=True)
    before = models.JSONField(_("prima"), null=True, blank=True)
    after = models.JSONField(_("dopo"), null=True, blank=True)
    actor = person_field(_("chi"), optional=True, indexed=False)  # a command's or a task's data row names nobody
    on_behalf_of = person_field(_("per conto di"), optional=True, indexed=False)
    source = models.CharField(_("da dove"), max_length=20, choices=Source.choices, blank=True)
    comment = models.TextField(_("commento"), blank=True)
    # Set by the database, whatever the application sends: the time of the insert, its transaction, and at
    # commit the row's place in its organization's chain.
    at = models.DateTimeField(_("quando"), db_default=Now())
    txid = models.BigIntegerField(_("transazione"), null=True, blank=True, editable=False)
    seq = models.BigIntegerField(_("numero nel registro"), null=True, blank=True, editable=False)
    prev_hash = models.CharField(_("impronta precedente"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("impronta"), max_length=64, blank=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("voce del registro")
        verbose_name_plural = _("registro delle operazioni")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(event__in=WORKFLOW_EVENTS)
                    & models.Q(actor__isnull=False)
                    & (
                        models.Q(objective__isnull=False, activity__isnull=True)
                        | models.Q(objective__isnull=True, activity__isnull=False)
                        # A request on a plan's step names the plan as its subject (no column of its own: the
                        # chain's hash covers the subject already).
                        | models.Q(
                            objective__isnull=True,
                            activity__isnull=True,
                            request__isnull=False,
                            subject="plans.plan",
                            subject_id__isnull=False,
                        )
                    )
                )
                | (
                    models.Q(event__in=DATA_EVENTS, subject_id__isnull=False)
                    & ~models.Q(subject="")
                    & models.Q(objective__isnull=True, activity__isnull=True, request__isnull=True)
                ),
                name="audit_entry_is_workflow_or_data",
            ),
            models.UniqueConstraint(fields=["organization", "seq"], name="audit_entry_one_place_in_chain"),
        ]
        indexes = [
            models.Index(fields=["organization", "at"]),
            models.Index(fields=["subject", "subject_id"], name="audit_entry_subject"),
            # The commit-time sealing looks for its organization's rows not yet in the chain.
            models.Index(fields=["organization"], name="audit_entry_unsealed", condition=models.Q(seq__isnull=True)),
            *(
                models.Index(fields=[name], name=f"audit_entry_{name}", condition=~models.Q(**{name: None}))
                for name in ("objective", "activity", "request", "actor", "on_behalf_of")
            ),
        ]

    def __str__(self) -> str:
        if self.objective_id:
            target = f"obiettivo {self.objective_id}"
        elif self.activity_id:
            target = f"attività {self.activity_id}"
        else:
            target = f"{self.subject} {self.subject_id}"
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_event_display()} {target}"

    @property
    def is_data_change(self) -> bool:
        return self.event in self.DATA_EVENTS

    def changes(self) -> list[tuple[str, Any, Any]]:
        """(field label, before, after) of a data row, for people: each changed column under its field's name."""
        try:
            fields = {field.column: field for field in apps.get_model(self.subject)._meta.concrete_fields}
        except (LookupError, ValueError):
            fields = {}
        before, after = self.before or {}, self.after or {}
        shown = []
        for column in sorted(set(before) | set(after)):
            field = fields.get(column)
            if field is not None and (field.primary_key or (not field.editable and column != "state")):
                continue
            label = str(field.verbose_name) if field is not None else column
            shown.append((label, before.get(column), after.get(column)))
        return shown
