"""Requests for a transition and the decisions on them.

Every transition is a request, even one that needs no approval (it is approved at once): the trail then
always says who asked for what. A request snapshots its approval chain when it is made, so a later
change of policy does not move the goalposts of a pending request.
"""

from __future__ import annotations

import pgtrigger
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.models import Activity, Objective, Organization, WorkItem, WorkState
from workflow.models.people import person_field
from workflow.models.policy import Step, TargetKind, TransitionName


class TransitionRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("in attesa")
        APPROVED = "approved", _("approvata")
        REJECTED = "rejected", _("rifiutata")
        WITHDRAWN = "withdrawn", _("ritirata")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    objective = models.ForeignKey(
        Objective, on_delete=models.PROTECT, null=True, blank=True, related_name="transition_requests"
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, null=True, blank=True, related_name="transition_requests"
    )
    transition = models.CharField(_("transizione"), max_length=10, choices=TransitionName.choices)
    from_state = models.CharField(_("stato di partenza"), max_length=20, choices=WorkState.choices)
    steps = models.JSONField(_("approvazioni richieste"), default=list, blank=True)
    current_step = models.CharField(_("in attesa di"), max_length=20, choices=Step.choices, blank=True)
    status = models.CharField(_("esito"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = person_field(_("richiesta da"))
    requested_at = models.DateTimeField(_("richiesta il"), default=timezone.now)
    comment = models.TextField(_("commento"), blank=True)
    reason = models.TextField(_("motivazione"), blank=True)
    new_planned_end = models.DateField(_("nuova scadenza"), null=True, blank=True)
    actual_end = models.DateField(_("conclusione effettiva"), null=True, blank=True)
    closed_at = models.DateTimeField(_("chiusa il"), null=True, blank=True)

    # What a request's life changes after it is made; the application's database role may update nothing else
    # (workflow.trail.install), so that a request cannot be rewritten after the fact.
    UPDATABLE_FIELDS = ("status", "current_step", "closed_at")

    class Meta:
        verbose_name = _("richiesta di transizione")
        verbose_name_plural = _("richieste di transizione")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(objective__isnull=False, activity__isnull=True)
                | models.Q(objective__isnull=True, activity__isnull=False),
                name="transition_request_has_one_target",
            ),
            # One open request per item: a second one fails here even when two arrive at the same instant.
            models.UniqueConstraint(
                fields=["activity"], condition=models.Q(status="pending"), name="one_open_request_per_activity"
            ),
            models.UniqueConstraint(
                fields=["objective"], condition=models.Q(status="pending"), name="one_open_request_per_objective"
            ),
        ]
        indexes = [models.Index(fields=["status", "current_step"], name="request_awaiting")]

    def __str__(self) -> str:
        return f"{self.get_transition_display()} · {self.target} ({self.get_status_display()})"

    @property
    def target(self) -> WorkItem:
        target = self.activity if self.activity_id else self.objective
        assert target is not None  # the check constraint: exactly one target
        return target

    @property
    def target_kind(self) -> TargetKind:
        return TargetKind.ACTIVITY if self.activity_id else TargetKind.OBJECTIVE

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PENDING


# The database's own check of what workflow.separation enforces, for writes that bypass the services. Each
# message starts with the error code the services use (workflow.separation.DATABASE_REFUSALS reads it back).
_SEPARATION_OF_DUTIES = """
SELECT requested_by_id, organization_id INTO requester, body
  FROM workflow_transitionrequest WHERE id = NEW.{columns.request};
IF EXISTS (SELECT 1 FROM plans_organizationrole
           WHERE organization_id = body AND user_id = NEW.{columns.decided_by} AND role = 'auditor') THEN
  RAISE EXCEPTION 'sod_auditor: the auditor of the organization decides nothing' USING ERRCODE = 'check_violation';
END IF;
IF NEW.{columns.on_behalf_of} IS NOT NULL AND NEW.{columns.decided_by} = requester THEN
  RAISE EXCEPTION 'sod_own_request: a substitute never decides a request they made'
    USING ERRCODE = 'check_violation';
END IF;
IF NEW.{columns.director_covers_area_head} THEN
  IF NEW.{columns.on_behalf_of} IS NOT NULL OR NEW.{columns.step} <> 'director'
     OR NOT EXISTS (SELECT 1 FROM workflow_separationpolicy
                    WHERE organization_id = body AND director_covers_area_head)
     OR NOT EXISTS (SELECT 1 FROM plans_organizationrole
                    WHERE organization_id = body AND user_id = NEW.{columns.decided_by} AND role = 'director')
     OR EXISTS (SELECT 1 FROM {meta.db_table}
                WHERE {columns.request} = NEW.{columns.request} AND {columns.decided_by} = NEW.{columns.decided_by}
                  AND ({columns.on_behalf_of} IS NOT NULL OR {columns.step} <> 'area_head')) THEN
    RAISE EXCEPTION 'sod_one_step: the policy of the organization documents no such exception'
      USING ERRCODE = 'check_violation';
  END IF;
ELSIF EXISTS (SELECT 1 FROM {meta.db_table}
              WHERE {columns.request} = NEW.{columns.request} AND {columns.decided_by} = NEW.{columns.decided_by}) THEN
  RAISE EXCEPTION 'sod_one_step: one person decides at most one step of a request' USING ERRCODE = 'check_violation';
END IF;
RETURN NEW;
"""


class Approval(models.Model):
    """One decision on one step of a request. Like the audit trail, decisions are never changed."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("approvata")
        REJECTED = "rejected", _("rifiutata")

    request = models.ForeignKey(TransitionRequest, on_delete=models.PROTECT, related_name="approvals")
    step = models.CharField(_("in qualità di"), max_length=20, choices=Step.choices)
    decision = models.CharField(_("decisione"), max_length=10, choices=Decision.choices)
    decided_by = person_field(_("decisa da"))
    on_behalf_of = person_field(_("per conto di"), optional=True)
    comment = models.TextField(_("commento"), blank=True)
    decided_at = models.DateTimeField(_("decisa il"), default=timezone.now)
    # The documented exception to "one person, one step": the director, who decided the area-head step in
    # their own right, decides the director's step too (SeparationPolicy.director_covers_area_head).
    director_covers_area_head = models.BooleanField(_("il direttore copre il responsabile d'area"), default=False)

    class Meta:
        verbose_name = _("decisione")
        verbose_name_plural = _("decisioni")
        ordering = ["request", "decided_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["request", "step"], name="one_decision_per_step")]
        triggers = [
            pgtrigger.Protect(name="approval_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
            pgtrigger.Trigger(
                name="approval_separation_of_duties",
                operation=pgtrigger.Insert,
                when=pgtrigger.Before,
                declare=[("requester", "bigint"), ("body", "bigint")],
                func=pgtrigger.Func(_SEPARATION_OF_DUTIES),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.get_step_display()}) – {self.decided_by}"
