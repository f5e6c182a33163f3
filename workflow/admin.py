from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from workflow.models import ApprovalPolicy, AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    """Read-only: the trail is evidence, written only by the workflow's services."""

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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False


@admin.register(ApprovalPolicy)
class ApprovalPolicyAdmin(admin.ModelAdmin[ApprovalPolicy]):
    """Each organization can change who approves what; without a row the default chain applies."""

    list_display = ("organization", "target_kind", "transition", "chain")
    list_filter = ("organization", "target_kind", "transition")
