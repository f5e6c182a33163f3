"""Serializers of the rimodulazione: a change request's input and answer, the decision with the act, the versions."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.base import ModelSerializer
from api.serializers.dates import DateField
from api.serializers.inputs import InputSerializer
from api.serializers.people import PersonSerializer
from api.serializers.requests import RequestSerializer
from api.serializers.text import TextField
from workflow.models import PlanVersion, TransitionRequest

# A date, or empty (or null) to clear it.
DATE_OR_EMPTY = {"type": ["string", "null"], "pattern": "^([0-9]{4}-[0-9]{2}-[0-9]{2})?$"}
# What a rimodulazione may change (workflow.changes.proposal reads it: whether the dates fall in the plan's years,
# the indicators and activities are the objective's, the weight has few enough decimals, is the service's to say).
CHANGES_SCHEMA = {
    "type": "object",
    "properties": {
        "title": {"type": "string", "minLength": 1},
        "description": {"type": "string"},
        "weight": {"type": ["number", "string", "null"], "description": "1.2 or «1,2»; empty or null clears it."},
        "planned_start": DATE_OR_EMPTY,
        "planned_end": DATE_OR_EMPTY,
        "indicators": {"type": "array", "items": {"type": "object"}},
        "activities": {"type": "array", "items": {"type": "object"}},
    },
    "additionalProperties": False,
}


@extend_schema_field(CHANGES_SCHEMA)
class ChangesField(serializers.JSONField):
    """The changes asked: a JSON object of the fields in CHANGES_SCHEMA (another field, null, a list or a text
    answer 400)."""


class ChangeInputSerializer(InputSerializer):
    objective = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    motivation = TextField(max_length=4000, help_text="Why the objective changes (required).")
    changes = ChangesField(
        help_text='What changes: {"title", "description", "weight", "planned_start", "planned_end", '
        '"indicators": [{"id", "name", "unit", "weight", "targets": {"2021": "=>12"}} | {"id", "remove": true} | '
        '{"name", "unit", "weight", "targets"}], "activities": [{"id", "planned_start", "planned_end"}]}; '
        "each key optional. Targets are kept as written and parsed as the import does."
    )
    act = TextField(required=False, allow_blank=True, max_length=300, default="")
    act_date = DateField(required=False, allow_null=True, default=None)
    comment = TextField(required=False, allow_blank=True, max_length=4000, default="")


class ChangeDecisionInputSerializer(InputSerializer):
    act = TextField(
        required=False, allow_blank=True, max_length=300, default="", help_text="Required by the last approval."
    )
    act_date = DateField(required=False, allow_null=True, default=None)
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
