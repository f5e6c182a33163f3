"""Admin of the workflow. Requests, decisions and the trail are read-only evidence, written only by the
services; policies and delegations are configured here. Every admin is scoped to the user's organizations
(config/admin.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest

from config.admin import ScopedAdmin, ScopedTabularInline
from plans.rules import roles_of, visible_activities, visible_objectives
from workflow.models import Approval, ApprovalPolicy, AuditEntry, Delegation, SeparationPolicy, TransitionRequest


def _on_visible_items[M: Model](model: type[M]) -> Any:
    """Non-superusers see the rows about the items the rules let them see."""

    def visible(user: Any) -> QuerySet[M]:
        activities, objectives = visible_activities(user).values("pk"), visible_objectives(user).values("pk")
        return model._default_manager.filter(Q(activity__in=activities) | Q(objective__in=objectives))

    return visible


class ReadOnlyAdmin[M: Model](ScopedAdmin[M]):
    organization_path = "organization"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _visible_trail(user: Any) -> QuerySet[AuditEntry]:
    """The workflow's rows about the items the rules let the user see, and the changes to plan data of the
    organizations the user directs or audits (the whole body's data: nobody narrower oversees it)."""
    roles = roles_of(user)
    on_items = _on_visible_items(AuditEntry)(user)
    data = AuditEntry.objects.data_changes().filter(organization__in=roles.director_of | roles.auditor_of)
    return AuditEntry.objects.filter(Q(pk__in=on_items.values("pk")) | Q(pk__in=data.values("pk")))


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin[AuditEntry]):
    visible = staticmethod(_visible_trail)
    list_display = (
        "at",
        "seq",
        "event",
        "source",
        "transition",
        "from_state",
        "to_state",
        "objective",
        "activity",
        "subject",
        "subject_id",
        "actor",
        "on_behalf_of",
    )
    list_filter = ("organization", "event", "source", "subject", "transition", "to_state")
    search_fields = ("comment", "objective__code", "activity__description", "actor__username")
    list_select_related = ("objective", "activity", "actor", "on_behalf_of")


class ApprovalInline(ScopedTabularInline[Approval, TransitionRequest]):
    model = Approval
    extra = 0
    can_delete = False
    fields = ("step", "decision", "decided_by", "on_behalf_of", "comment", "decided_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TransitionRequest)
class TransitionRequestAdmin(ReadOnlyAdmin[TransitionRequest]):
    visible = staticmethod(_on_visible_items(TransitionRequest))
    list_display = ("requested_at", "transition", "objective", "activity", "status", "current_step", "requested_by")
    list_filter = ("organization", "status", "transition", "current_step")
    search_fields = ("objective__code", "activity__description", "requested_by__username", "reason", "comment")
    list_select_related = ("objective", "activity", "requested_by")
    inlines = (ApprovalInline,)


@admin.register(ApprovalPolicy)
class ApprovalPolicyAdmin(ScopedAdmin[ApprovalPolicy]):
    """Each organization can change who approves what; without a row the default chain applies. Who
    approves is the director's to decide: others do not even read it here."""

    organization_path = "organization"

    def organizations(self, request: HttpRequest) -> frozenset[int]:
        return roles_of(request.user).director_of

    list_display = ("organization", "target_kind", "transition", "chain")
    list_filter = ("organization", "target_kind", "transition")


@admin.register(Delegation)
class DelegationAdmin(ScopedAdmin[Delegation]):
    """Absences can be recorded here too; a delegation is ended by revoking it, never deleted."""

    organization_path = "organization"
    list_display = ("delegator", "substitute", "organization", "starts_on", "ends_on", "revoked_at")
    list_filter = ("organization",)
    search_fields = ("delegator__username", "substitute__username", "reason")
    autocomplete_fields = ("delegator", "substitute")
    readonly_fields = ("created_at",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SeparationPolicy)
class SeparationPolicyAdmin(ScopedAdmin[SeparationPolicy]):
    """Who may stand in for whom, and whether the director covers the area head (workflow.separation): the
    director's to decide, like the approval policy."""

    organization_path = "organization"

    def organizations(self, request: HttpRequest) -> frozenset[int]:
        return roles_of(request.user).director_of

    list_display = ("organization", "area_head_substitutes", "director_substitutes", "director_covers_area_head")
