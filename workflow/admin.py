"""Admin of the workflow. Requests, decisions and the trail are read-only evidence, written only by the
services; policies and delegations are configured here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from plans.models import Organization, OrganizationRole
from plans.rules import visible_activities, visible_objectives
from workflow.models import Approval, ApprovalPolicy, AuditEntry, Delegation, SeparationPolicy, TransitionRequest


class ReadOnlyAdmin[M: Any](admin.ModelAdmin[M]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _on_visible_items(queryset: QuerySet[Any], request: HttpRequest) -> QuerySet[Any]:
    """Non-superusers see the rows about the items the rules let them see."""
    if request.user.is_superuser:
        return queryset
    user = request.user
    return queryset.filter(
        Q(activity__in=visible_activities(user).values("pk")) | Q(objective__in=visible_objectives(user).values("pk"))
    )


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin[AuditEntry]):
    list_display = (
        "at",
        "event",
        "transition",
        "from_state",
        "to_state",
        "objective",
        "activity",
        "actor",
        "on_behalf_of",
    )
    list_filter = ("organization", "event", "transition", "to_state")
    search_fields = ("comment", "objective__code", "activity__description", "actor__username")
    list_select_related = ("objective", "activity", "actor", "on_behalf_of")

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEntry]:
        return _on_visible_items(super().get_queryset(request), request)


class ApprovalInline(admin.TabularInline[Approval, TransitionRequest]):
    model = Approval
    extra = 0
    can_delete = False
    fields = ("step", "decision", "decided_by", "on_behalf_of", "comment", "decided_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TransitionRequest)
class TransitionRequestAdmin(ReadOnlyAdmin[TransitionRequest]):
    list_display = ("requested_at", "transition", "objective", "activity", "status", "current_step", "requested_by")
    list_filter = ("organization", "status", "transition", "current_step")
    search_fields = ("objective__code", "activity__description", "requested_by__username", "reason", "comment")
    list_select_related = ("objective", "activity", "requested_by")
    inlines = (ApprovalInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[TransitionRequest]:
        return _on_visible_items(super().get_queryset(request), request)


@admin.register(ApprovalPolicy)
class ApprovalPolicyAdmin(admin.ModelAdmin[ApprovalPolicy]):
    """Each organization can change who approves what; without a row the default chain applies."""

    list_display = ("organization", "target_kind", "transition", "chain")
    list_filter = ("organization", "target_kind", "transition")


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin[Delegation]):
    """Absences can be recorded here too; a delegation is ended by revoking it, never deleted."""

    list_display = ("delegator", "substitute", "organization", "starts_on", "ends_on", "revoked_at")
    list_filter = ("organization",)
    search_fields = ("delegator__username", "substitute__username", "reason")
    autocomplete_fields = ("delegator", "substitute")
    readonly_fields = ("created_at",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SeparationPolicy)
class SeparationPolicyAdmin(admin.ModelAdmin[SeparationPolicy]):
    """Who may stand in for whom, and whether the director covers the area head (workflow.separation). A
    non-superuser sees and writes only the rows of the organizations they direct."""

    list_display = ("organization", "area_head_substitutes", "director_substitutes", "director_covers_area_head")

    def get_queryset(self, request: HttpRequest) -> QuerySet[SeparationPolicy]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(organization__in=_directed(request))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "organization" and not request.user.is_superuser:
            kwargs["queryset"] = Organization.objects.filter(pk__in=_directed(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _directed(request: HttpRequest) -> QuerySet[OrganizationRole, Any]:
    roles = OrganizationRole.objects.filter(user_id=request.user.pk or 0, role=OrganizationRole.Role.DIRECTOR)
    return roles.values("organization_id")
