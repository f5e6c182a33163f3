"""Serializers of the rimodulazione: a change request's input and answer, the decision with the act, the versions."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.serializers.base import ModelSerializer
from api.serializers.people import PersonSerializer
from api.serializers.requests import RequestSerializer
from api.serializers.text import TextField
from workflow.models import PlanVersion, TransitionRequest


class ChangeInputSerializer(serializers.Serializer[Any]):
    objective = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    motivation = TextField(max_length=4000, help_text="Why the objective changes (required).")
    changes = serializers.JSONField(
        help_text='What changes: {"title", "description", "weight", "planned_start", "planned_end", '
        '"indicators": [{"id", "name", "unit", "weight", "targets": {"2021": "=>12"}} | {"id", "remove": true} | '
        '{"name", "unit", "weight", "targets"}], "activities": [{"id", "planned_start", "planned_end"}]}; '
        "each key optional. Targets are kept as written and parsed as the import does."
    )
    act = TextField(required=False, allow_blank=True, max_length=300, default="")
    act_date = serializers.DateField(required=False, allow_null=True, default=None)
    comment = TextField(required=False, allow_blank=True, max_length=4000, default="")


class ChangeDecisionInputSerializer(serializers.Serializer[Any]):
    act = TextField(
        required=False, allow_blank=True, max_length=300, default="", help_text="Required by the last approval."
    )
    act_date = serializers.DateField(required=False, allow_null=True, default=None)
    comment = TextField(required=False, allow_blank=True, max_length=4000, default="")


class ChangeRequestSerializer(RequestSerializer):
    changes = serializers.JSONField(read_only=True, help_text="Each field with its value when asked and the new one.")
    version = serializers.SerializerMethodField(help_text="The plan's version the approved change made.")

    class Meta(RequestSerializer.Meta):
        model = TransitionRequest
        fields = [*RequestSerializer.Meta.fields, "changes", "act", "act_date", "version"]

    def get_version(self, request: TransitionRequest) -> int | None:
        version = getattr(request, "version", None)
        return version.number if version is not None else None


class PlanVersionSerializer(ModelSerializer[PlanVersion]):
    made_by = PersonSerializer(read_only=True, allow_null=True)
    trail_seq = serializers.IntegerField(source="trail_entry.seq", read_only=True, allow_null=True, default=None)

    class Meta:
        model = PlanVersion
        fields = ["id", "plan", "number", "request", "made_at", "made_by", "motivation", "act", "act_date", "trail_seq"]
