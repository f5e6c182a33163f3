"""Requests for a transition and the decisions on them.

A request targets an objective, an activity or, for the plan's steps that an organization puts under an
approval chain (adopt, start, close: PlanTransition), the plan itself.

Every transition is a request, even one that needs no approval (it is approved at once): the trail then
always says who asked for what. A request snapshots its approval chain when it is made, so a later
change of policy does not move the goalposts of a pending request.
"""

from __future__ import annotations

from typing import Any

import pgtrigger
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.models import Activity, Objective, Organization, Plan, PlanState, WorkState
from workflow.models.people import person_field
from workflow.models.policy import TRANSITION_CHOICES, TRANSITION_NOUNS, Step, TargetKind

# A rimodulazione (workflow.services.changes) is a request too, on an objective, through the same chain, decisions
# and trail as the transitions; it changes the plan's data instead of the objective's state.
RIMODULA = "rimodula"
REQUEST_KINDS = [*TRANSITION_CHOICES, (RIMODULA, _("rimodulazione"))]
# The state an item (objective, activity) or a plan was in when the request was made.
FROM_STATES = [*WorkState.choices, *PlanState.choices]


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
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="step_requests")
    transition = models.CharField(_("transizione"), max_length=10, choices=REQUEST_KINDS)
    from_state = models.CharField(_("stato di partenza"), max_length=20, choices=FROM_STATES)
    steps = models.JSONField(_("approvazioni richieste"), default=list, blank=True)
    current_step = models.CharField(_("in attesa di"), max_length=20, choices=Step.choices, blank=True)
    status = models.CharField(_("esito"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = person_field(_("richiesta da"))
    requested_at = models.DateTimeField(_("richiesta il"), default=timezone.now)
    comment = models.TextField(_("commento"), blank=True)
    reason = models.TextField(_("motivazione"), blank=True)
    new_planned_end = models.DateField(_("nuova scadenza"), null=True, blank=True)
    actual_end = models.DateField(_("conclusione effettiva"), null=True, blank=True)
    # The act and its date: for a plan's adoption, the act that adopts it, applied when the request is approved;
    # for a rimodulazione, the act that approves it when the requester already has it (otherwise the last
    # approver gives it).
    act = models.CharField(_("atto"), max_length=300, blank=True)
    act_date = models.DateField(_("data dell'atto"), null=True, blank=True)
    closed_at = models.DateTimeField(_("chiusa il"), null=True, blank=True)
    # A rimodulazione: what changes, each field with its value when asked and the new one (workflow.changes).
    changes = models.JSONField(_("modifiche"), default=dict, blank=True)

    # What a request's life changes after it is made; the application's database role may update nothing else
    # (workflow.trail.install), so that a request cannot be rewritten after the fact.
    UPDATABLE_FIELDS = ("status", "current_step", "closed_at")

    class Meta:
        verbose_name = _("richiesta di transizione")
        verbose_name_plural = _("richieste di transizione")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(objective__isnull=False, activity__isnull=True, plan__isnull=True)
                | models.Q(objective__isnull=True, activity__isnull=False, plan__isnull=True)
                | models.Q(objective__isnull=True, activity__isnull=True, plan__isnull=False),
                name="transition_request_has_one_target",
            ),
            # One open request per item: a second one fails here even when two arrive at the same instant.
            models.UniqueConstraint(
                fields=["activity"], condition=models.Q(status="pending"), name="one_open_request_per_activity"
            ),
            models.UniqueConstraint(
                fields=["objective"], condition=models.Q(status="pending"), name="one_open_request_per_objective"
            ),
            models.UniqueConstraint(
                fields=["plan"], condition=models.Q(status="pending"), name="one_open_request_per_plan"
            ),
        ]
        indexes = [models.Index(fields=["status", "current_step"], name="request_awaiting")]

    def __str__(self) -> str:
        return f"{self.get_transition_display()} · {self.target} ({self.get_status_display()})"

    @property
    def transition_noun(self) -> str:
        """What the request asks, as a noun: "rinvio", "adozione del piano"."""
        return str(TRANSITION_NOUNS[self.transition][0])

    @property
    def transition_with_article(self) -> str:
        """The same with its article, for a sentence: "il rinvio", "l'adozione del piano"."""
        return str(TRANSITION_NOUNS[self.transition][1])

    @property
    def target(self) -> Any:
        """The objective, the activity or the plan (WorkItem | Plan)."""
        target = self.activity if self.activity_id else self.objective if self.objective_id else self.plan
        assert target is not None  # the check constraint: exactly one target
        return target

    @property
    def target_kind(self) -> TargetKind:
        if self.plan_id:
            return TargetKind.PLAN
        return TargetKind.ACTIVITY if self.activity_id else TargetKind.OBJECTIVE

    @property
    def is_change(self) -> bool:
        return self.transition == RIMODULA

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PENDING


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
        ]
        # The separation of duties, a closed request's staying closed and the evidence in the trail are checked
        # by the database too: workflow/trail/guards.py.

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.get_step_display()}) – {self.decided_by}"
