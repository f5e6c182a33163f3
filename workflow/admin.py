"""Admin of the workflow. Requests, decisions and the trail are read-only evidence, written only by the
services; policies and delegations are configured here. Every admin is scoped to the user's organizations
(config/admin.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from config.admin import ScopedAdmin, ScopedTabularInline
from plans.rules import roles_of, visible_activities, visible_objectives
from workflow.errors import InvalidInput, NotAllowed, NotVisible, WorkflowError
from workflow.models import (
    Approval,
    ApprovalPolicy,
    AuditEntry,
    Delegation,
    SeparationPolicy,
    TransitionRequest,
    ValidationCriterion,
)
from workflow.services import delegation_check, delegation_create, delegation_revoke


def _on_visible_items[M: Model](model: type[M]) -> Any:
    """Non-superusers see the rows about the items the rules let them see."""

    def visible(user: Any) -> QuerySet[M]:
        activities, objectives = visible_activities(user).values("pk"), visible_objectives(user).values("pk")
        items = Q(activity__in=activities) | Q(objective__in=objectives)
        if model is TransitionRequest:  # a plan's step: its body's directors and OIV (plans.rules.can_view_item)
            roles = roles_of(user)
            items |= Q(plan__organization_id__in=roles.director_of | roles.auditor_of)
        return model._default_manager.filter(items)

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
    # The requests and decisions on a plan's steps (their subject is the plan) go with the body's data.
    body = Q(event__in=AuditEntry.DATA_EVENTS) | Q(subject="plans.plan", request__isnull=False)
    data = AuditEntry.objects.filter(body, organization__in=roles.director_of | roles.auditor_of)
    return AuditEntry.objects.filter(Q(pk__in=on_items.values("pk")) | Q(pk__in=data.values("pk")))


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin[AuditEntry]):
    show_full_result_count = False  # a region's table: no second count of every row on a search
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
    list_select_related = ("objective", "activity__objective", "actor", "on_behalf_of")


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
    show_full_result_count = False  # a region's table: no second count of every row on a search
    visible = staticmethod(_on_visible_items(TransitionRequest))
    list_display = (
        "requested_at",
        "transition",
        "plan",
        "objective",
        "activity",
        "status",
        "current_step",
        "requested_by",
    )
    list_filter = ("organization", "status", "transition", "current_step")
    search_fields = ("objective__code", "activity__description", "requested_by__username", "reason", "comment")
    list_select_related = ("plan", "objective", "activity__objective", "requested_by")
    inlines = (ApprovalInline,)


@admin.register(ApprovalPolicy)
class ApprovalPolicyAdmin(ScopedAdmin[ApprovalPolicy]):
    """Each organization can change who approves what; without a row the default chain applies. Who
    approves is the director's to decide: others do not even read it here."""

    organization_path = "organization"

    def organizations(self, request: HttpRequest) -> frozenset[int]:
        return roles_of(request.user).director_of

    list_display = ("organization", "target_kind", "transition", "chain")
    list_select_related = ("organization",)
    list_filter = ("organization", "target_kind", "transition")


class DelegationForm(forms.ModelForm[Delegation]):
    """A new delegation, checked by the service that the API uses (delegation_check): who may name whom, the
    separation of duties, the dates. A non-superuser names a substitute for themselves only."""

    actor: Any = None  # who delegates: the person logged in, or the delegator the platform operator chose

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        actor = self.actor or cleaned.get("delegator")
        fields = ("organization", "substitute", "starts_on", "ends_on")
        if actor is None or any(cleaned.get(name) is None for name in fields):
            return cleaned
        try:
            delegation_check(actor=actor, **{name: cleaned[name] for name in fields})
        except InvalidInput as error:  # each message with the service's code (sod_auditor, invalid...)
            for name, texts in error.fields.items():
                for text in texts:
                    self.add_error(name if name in self.fields else None, ValidationError(text, code=error.code))
        except (NotAllowed, NotVisible) as error:
            self.add_error(None, ValidationError(error.message, code=error.code))
        return cleaned


@admin.register(Delegation)
class DelegationAdmin(ScopedAdmin[Delegation]):
    """Absences can be recorded here too, through the same service as the API; a delegation is never changed
    nor deleted, only ended early with the action below."""

    organization_path = "organization"
    form = DelegationForm
    list_display = ("delegator", "substitute", "organization", "starts_on", "ends_on", "revoked_at")
    list_select_related = ("delegator", "substitute", "organization")
    list_filter = ("organization",)
    search_fields = ("delegator__username", "substitute__username", "reason")
    autocomplete_fields = ("delegator", "substitute")
    readonly_fields = ("created_at", "revoked_at")
    actions = ("revoke",)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = ["organization", "delegator", "substitute", "starts_on", "ends_on", "reason"]
        if not request.user.is_superuser:
            fields.remove("delegator")  # one delegates for oneself
        return fields if obj is None else [*fields, "created_at", "revoked_at"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": None if request.user.is_superuser else request.user})

    def save_model(self, request: HttpRequest, obj: Delegation, form: Any, change: bool) -> None:
        delegator = obj.delegator if request.user.is_superuser else request.user
        created = delegation_create(
            actor=delegator,
            organization=obj.organization,
            substitute=obj.substitute,
            starts_on=obj.starts_on,
            ends_on=obj.ends_on,
            reason=obj.reason,
        )
        obj.pk, obj.delegator, obj.created_at = created.pk, created.delegator, created.created_at

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The changelist's action needs the change permission; a delegation itself is never edited.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Revoca le deleghe scelte (restano come storia)"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[Delegation]) -> None:
        revoked = 0
        for delegation in queryset.filter(revoked_at__isnull=True):
            try:
                delegation_revoke(actor=request.user, delegation=delegation)
            except WorkflowError as error:
                self.message_user(request, f"{delegation}: {error.message}", messages.WARNING)
            else:
                revoked += 1
        self.message_user(
            request,
            ngettext("%(count)d delega revocata.", "%(count)d deleghe revocate.", revoked) % {"count": revoked},
            messages.SUCCESS,
        )


@admin.register(SeparationPolicy)
class SeparationPolicyAdmin(ScopedAdmin[SeparationPolicy]):
    """Who may stand in for whom, and whether the director covers the area head (workflow.separation): the
    director's to decide, like the approval policy."""

    organization_path = "organization"

    def organizations(self, request: HttpRequest) -> frozenset[int]:
        return roles_of(request.user).director_of

    list_display = (
        "organization",
        "area_head_substitutes",
        "director_substitutes",
        "director_covers_area_head",
        "measurements_need_confirmation",
    )
    list_select_related = ("organization",)


@admin.register(ValidationCriterion)
class ValidationCriterionAdmin(ScopedAdmin[ValidationCriterion]):
    """The body's checklist for the OIV's validation of the Relazione, seeded with the criteria of the Funzione
    Pubblica's guidelines n. 3/2018: its director (or the platform operator) adapts it; a criterion no longer
    in use is switched off rather than deleted. Validations already recorded keep the words they were given."""

    organization_path = "organization"
    list_display = ("position", "title", "active", "organization")
    list_select_related = ("organization",)
    list_display_links = ("title",)
    list_filter = ("organization", "active")
    search_fields = ("title", "guidance")
    ordering = ("organization", "position", "pk")

    def _directs(self, request: HttpRequest, obj: ValidationCriterion | None) -> bool:
        directed = roles_of(request.user).director_of
        return request.user.is_superuser or (obj.organization_id in directed if obj is not None else bool(directed))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and self._directs(request, None)

    def has_change_permission(self, request: HttpRequest, obj: ValidationCriterion | None = None) -> bool:
        return super().has_change_permission(request, obj) and self._directs(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: ValidationCriterion | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self._directs(request, obj)
