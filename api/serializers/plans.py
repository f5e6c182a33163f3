"""Read serializers of the plan: plans, areas, objectives, activities, indicators and their values."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.dates import DateField
from api.serializers.inputs import InputSerializer
from api.serializers.people import PersonSerializer
from api.serializers.requests import AvailableTransitionSerializer, RequestSerializer
from api.serializers.scores import ObjectiveScoreSummarySerializer
from api.serializers.text import TextField
from plans.freeze import is_live
from plans.models import (
    OPEN_STATES,
    Activity,
    Area,
    HistoricalValue,
    Indicator,
    IndicatorTarget,
    Measurement,
    Objective,
    Plan,
)
from plans.parsing.numbers import exact_text
from workflow.selectors import available_transitions, open_request_for


class PlanSerializer(serializers.ModelSerializer[Plan]):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "organization",
            "code",
            "kind",
            "title",
            "year_start",
            "year_end",
            "state",
            "adoption_act",
            "adopted_on",
        ]


class AreaSerializer(serializers.ModelSerializer[Area]):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    head = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Area
        fields = ["id", "organization", "code", "slug", "name", "kind", "parent", "head", "head_name"]


class OverdueMixin(serializers.Serializer[Any]):
    overdue = serializers.SerializerMethodField()

    def get_overdue(self, item: Objective | Activity) -> bool:
        """Open and past its planned end, in an adopted plan or one in execution (plans.freeze): a closed year's
        items are never overdue."""
        plan = item.objective.plan if isinstance(item, Activity) else item.plan
        late = item.state in OPEN_STATES and item.planned_end and item.planned_end < timezone.localdate()
        return bool(late and is_live(plan))


class WorkflowDetailMixin(serializers.Serializer[Any]):
    available_transitions = serializers.SerializerMethodField()
    open_request = serializers.SerializerMethodField()

    @extend_schema_field(AvailableTransitionSerializer(many=True))
    def get_available_transitions(self, item: Objective | Activity) -> list[dict[str, Any]]:
        """What the caller may ask for now, and whether it would need someone's approval."""
        user = self.context["request"].user
        return AvailableTransitionSerializer(available_transitions(user, item), many=True).data

    @extend_schema_field(RequestSerializer(allow_null=True))
    def get_open_request(self, item: Objective | Activity) -> dict[str, Any] | None:
        pending = open_request_for(item)
        return RequestSerializer(pending).data if pending else None


OBJECTIVE_FIELDS = [
    "id",
    "plan",
    "parent",
    "code",
    "programme",
    "number",
    "title",
    "areas",
    "state",
    "planned_start",
    "planned_end",
    "actual_end",
    "owner",
    "overdue",
]


@extend_schema_field({"type": "string", "format": "decimal", "example": "2.2523"})  # allow_null adds the null
class WeightField(serializers.Field[Decimal | None, Decimal | None, str | None, Any]):
    """A weight with every decimal it has and at least two ("2.00", "2.2523"), as a string: exact, which a JSON
    number is not. `weight_raw` beside it is the text of the imported document."""

    def to_representation(self, value: Decimal | None) -> str | None:
        return None if value is None else exact_text(value)


class ObjectiveSerializer(OverdueMixin, serializers.ModelSerializer[Objective]):
    class Meta:
        model = Objective
        fields = OBJECTIVE_FIELDS


class ObjectiveDetailSerializer(WorkflowDetailMixin, ObjectiveSerializer):
    weight = WeightField(read_only=True, allow_null=True)
    score = serializers.SerializerMethodField()

    @extend_schema_field(ObjectiveScoreSummarySerializer)
    def get_score(self, objective: Objective) -> dict[str, Any]:
        """The objective's score this year (the plan's nearest year when it does not run this year), with its
        explanation; its indicators' are in GET /plans/{id}/scores/."""
        from evaluation.scores import plan_scores
        from evaluation.visibility import year_asked

        plan = objective.plan
        scores = plan_scores(plan, year_asked(plan, None, timezone.localdate()))
        rollup = scores.objectives[objective.pk].rollup
        return {
            "year": scores.year,
            "score": None if rollup.score is None else f"{rollup.score:.2f}",
            "level": rollup.level,
            "label": scores.system.label(rollup.level),
            "symbol": scores.system.symbol(rollup.level),
            "basis": rollup.basis,
            "explanation": rollup.explanation,
        }

    class Meta:
        model = Objective
        fields = [
            *OBJECTIVE_FIELDS,
            "typology",
            "classification",
            "description",
            "strategic_area",
            "operational_objective",
            "peg_project",
            "services",
            "end_users",
            "networks",
            "weight",
            "weight_raw",
            "budget_income",
            "budget_expense",
            "available_transitions",
            "open_request",
            "score",
        ]


ACTIVITY_FIELDS = [
    "id",
    "objective",
    "position",
    "code",
    "description",
    "owner",
    "external_bodies",
    "state",
    "planned_raw",
    "planned_start",
    "planned_end",
    "actual_raw",
    "actual_start",
    "actual_end",
    "overdue",
]


class ActivitySerializer(OverdueMixin, serializers.ModelSerializer[Activity]):
    class Meta:
        model = Activity
        fields = ACTIVITY_FIELDS


class ActivityDetailSerializer(WorkflowDetailMixin, ActivitySerializer):
    class Meta:
        model = Activity
        fields = [
            *ACTIVITY_FIELDS,
            "planned_kind",
            "planned_parsed",
            "planned_remark",
            "actual_kind",
            "actual_parsed",
            "actual_remark",
            "available_transitions",
            "open_request",
        ]


VALUE_FIELDS = ["raw", "kind", "operator", "value", "numerator", "denominator", "date_value", "boolean", "parsed"]


class TargetSerializer(serializers.ModelSerializer[IndicatorTarget]):
    class Meta:
        model = IndicatorTarget
        fields = ["year", *VALUE_FIELDS, "source"]


class HistoricalValueSerializer(serializers.ModelSerializer[HistoricalValue]):
    class Meta:
        model = HistoricalValue
        fields = ["year", *VALUE_FIELDS, "source"]


class MeasurementSerializer(serializers.ModelSerializer[Measurement]):
    recorded_by = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Measurement
        fields = ["id", "indicator", "year", *VALUE_FIELDS, "measured_on", "note", "recorded_by", "recorded_at"]


class MeasurementInputSerializer(InputSerializer):
    year = serializers.IntegerField(min_value=1900, max_value=2200)
    value = TextField(max_length=200, help_text="As written: 85%, 12, 3/4, ≥ 90%, 31/12/2026, sì.")
    measured_on = DateField(required=False, allow_null=True)
    note = TextField(required=False, allow_blank=True, max_length=2000, default="")


class IndicatorSerializer(serializers.ModelSerializer[Indicator]):
    targets = TargetSerializer(many=True, read_only=True)
    history = HistoricalValueSerializer(many=True, read_only=True)
    weight = WeightField(read_only=True, allow_null=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "objective",
            "position",
            "name",
            "description",
            "indicator_type",
            "unit",
            "direction",
            "weight",
            "weight_raw",
            "note",
            "history",
            "targets",
        ]
