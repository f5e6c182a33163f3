"""Serializers of the workflow: transition input, requests, decisions, history, delegations."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.base import ModelSerializer
from api.serializers.dates import DateField
from api.serializers.inputs import InputSerializer
from api.serializers.people import PersonSerializer
from api.serializers.text import TextField
from plans.models import WorkState
from workflow.models import Approval, AuditEntry, Delegation, Step, TransitionName, TransitionRequest


@extend_schema_field({"type": "object", "additionalProperties": True})
class ColumnsField(serializers.JSONField):
    """A row's columns as an object, or null: said so to the schema (a bare JSONField is "anything", and "anything
    or null" matches null twice, which a strict validator refuses under oneOf)."""


class TransitionInputSerializer(InputSerializer):
    transition = serializers.ChoiceField(choices=TransitionName.choices)
    comment = TextField(required=False, allow_blank=True, max_length=4000, default="")
    reason = TextField(
        required=False, allow_blank=True, max_length=4000, default="", help_text="Required by rinvia and riapri."
    )
    new_planned_end = DateField(required=False, allow_null=True, help_text="Required by rinvia.")
    actual_end = DateField(required=False, allow_null=True, help_text="concludi; today if omitted.")


class AvailableTransitionSerializer(serializers.Serializer[Any]):
    transition = serializers.ChoiceField(choices=TransitionName.choices)
    label = TextField()
    target_state = serializers.ChoiceField(choices=WorkState.choices)
    needs_approval = serializers.BooleanField()
    steps = serializers.ListField(child=serializers.ChoiceField(choices=Step.choices))


class ApprovalSerializer(ModelSerializer[Approval]):
    decided_by = PersonSerializer(read_only=True)
    on_behalf_of = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Approval
        fields = [
            "step",
            "decision",
            "decided_by",
            "on_behalf_of",
            "director_covers_area_head",
            "comment",
            "decided_at",
        ]


class RequestSerializer(ModelSerializer[TransitionRequest]):
    target_kind = TextField(read_only=True)
    requested_by = PersonSerializer(read_only=True)
    approvals = ApprovalSerializer(many=True, read_only=True)
    steps = serializers.ListField(child=serializers.ChoiceField(choices=Step.choices), read_only=True)

    class Meta:
        model = TransitionRequest
        fields = [
            "id",
            "target_kind",
            "objective",
            "activity",
            "plan",
            "transition",
            "status",
            "from_state",
            "steps",
            "current_step",
            "requested_by",
            "requested_at",
            "comment",
            "reason",
            "new_planned_end",
            "actual_end",
            "act",
            "act_date",
            "closed_at",
            "approvals",
        ]


def with_approvals(transition_request: TransitionRequest) -> TransitionRequest:
    """The request a service answered, with its approvals and who decided them, for the RequestSerializer:
    the ones the service held (workflow.services.core.hold_approvals: prefetch_related_objects leaves a relation
    already prefetched as it is), or else read in one query."""
    approvals = Approval.objects.select_related("decided_by", "on_behalf_of").order_by("decided_at", "pk")
    prefetch_related_objects([transition_request], Prefetch("approvals", queryset=approvals))
    return transition_request


class TransitionResultSerializer(serializers.Serializer[Any]):
    """The answer when the transition was applied at once (200)."""

    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=WorkState.choices)
    planned_end = serializers.DateField(allow_null=True)
    actual_end = serializers.DateField(allow_null=True)
    request = RequestSerializer()


class PlanAdoptInputSerializer(InputSerializer):
    act = TextField(max_length=300, help_text="The act that adopts the plan, e.g. «Delibera di Giunta n. 12».")
    adopted_on = DateField(help_text="The act's date (YYYY-MM-DD).")


class PlanReopenInputSerializer(InputSerializer):
    motivation = TextField(max_length=4000, help_text="Why the validated plan is reopened.")
    act = TextField(max_length=300, help_text="The act that decides the reopening.")


class DecisionInputSerializer(InputSerializer):
    comment = TextField(required=False, allow_blank=True, max_length=4000, default="")


class AuditEntrySerializer(ModelSerializer[AuditEntry]):
    actor = PersonSerializer(read_only=True, allow_null=True, help_text="Null on a data change made by a command.")
    on_behalf_of = PersonSerializer(read_only=True, allow_null=True)
    before = ColumnsField(read_only=True, allow_null=True, help_text="A data change: the columns before.")
    after = ColumnsField(read_only=True, allow_null=True, help_text="A data change: the columns after.")

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "event",
            "transition",
            "from_state",
            "to_state",
            "actor",
            "on_behalf_of",
            "comment",
            "request",
            "subject",
            "subject_id",
            "source",
            "before",
            "after",
            "seq",
            "prev_hash",
            "hash",
        ]


class DelegationSerializer(ModelSerializer[Delegation]):
    delegator = PersonSerializer(read_only=True)
    substitute = PersonSerializer(read_only=True)

    class Meta:
        model = Delegation
        fields = [
            "id",
            "organization",
            "delegator",
            "substitute",
            "starts_on",
            "ends_on",
            "reason",
            "created_at",
            "revoked_at",
        ]


class DelegationInputSerializer(InputSerializer):
    organization = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    substitute = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text="The substitute's user id.")
    starts_on = DateField()
    ends_on = DateField()
    reason = TextField(required=False, allow_blank=True, max_length=200, default="")
