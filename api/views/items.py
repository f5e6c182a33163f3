"""Plans, areas, objectives, activities and indicators: what the caller may see, with filters and pages.

Objectives and activities also take transition requests and show their history; indicators take
measurements. Everything a caller may not see answers 404, as if it did not exist.
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from api.filters import ActivityFilter, IndicatorFilter, ObjectiveFilter
from api.serializers.plans import (
    ActivityDetailSerializer,
    ActivitySerializer,
    AreaSerializer,
    IndicatorSerializer,
    MeasurementInputSerializer,
    MeasurementSerializer,
    ObjectiveDetailSerializer,
    ObjectiveSerializer,
    PlanSerializer,
)
from api.serializers.requests import (
    AuditEntrySerializer,
    PlanAdoptInputSerializer,
    PlanReopenInputSerializer,
    RequestSerializer,
    TransitionInputSerializer,
    TransitionResultSerializer,
    with_approvals,
)
from api.serializers.scores import PlanScoresSerializer
from api.views.input_forms import InputForms
from api.views.plan_life import PlanLifeActions
from evaluation.visibility import BadYear, scores_for, visible_json, year_asked
from plans.models import Activity, Area, Indicator, Objective, Plan, WorkItem
from plans.rules import (
    activity_branches,
    indicator_branches,
    objective_branches,
    visible_activities,
    visible_areas,
    visible_indicators,
    visible_objectives,
    visible_plans,
)
from workflow.selectors import history_of
from workflow.services import measurement_record
from workflow.services.core import ensure_visible
from workflow.transitions import run_transition

# Ids are PostgreSQL integers: anything longer is not an id, and answers 404 without a query.
ID = r"[0-9]{1,9}"


class PlanViewSet(InputForms, PlanLifeActions, viewsets.ReadOnlyModelViewSet[Plan]):
    serializer_class = PlanSerializer
    input_serializers = {"adopt": PlanAdoptInputSerializer, "reopen": PlanReopenInputSerializer}
    keyset_ordering = ("organization_id", "-year_start", "code", "id")
    lookup_value_regex = ID

    def get_queryset(self) -> QuerySet[Plan]:
        return visible_plans(self.request.user).select_related("organization")

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "year",
                {"type": "integer", "minimum": 1, "maximum": 9999},
                OpenApiParameter.QUERY,
                required=False,
                description="One of the plan's years; this year while the plan runs when not given.",
            )
        ],
        responses=PlanScoresSerializer,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def scores(self, request: Request, pk: str | None = None) -> Response:
        """The scores of the plan's year under the body's measurement system, each with its explanation: the
        objectives the caller may see with their indicators, the areas the caller sees whole (director and OIV:
        all; an area head: their own) and the body (director and OIV). A year outside the plan answers 400."""
        plan = self.get_object()
        try:
            year = year_asked(plan, request.query_params.get("year"), timezone.localdate())
        except BadYear as bad:
            raise ValidationError({"year": [str(bad)]}) from bad
        return Response(visible_json(scores_for(request.user, plan, year)))


class AreaViewSet(viewsets.ReadOnlyModelViewSet[Area]):
    serializer_class = AreaSerializer
    keyset_ordering = ("organization_id", "code")  # unique: unique_area_code
    lookup_value_regex = ID

    def get_queryset(self) -> QuerySet[Area]:
        return visible_areas(self.request.user).select_related("organization", "head")


class WorkItemViewSet(InputForms, viewsets.ReadOnlyModelViewSet[Any]):
    """Shared by objectives and activities: detail with available transitions, transitions, history."""

    lookup_value_regex = ID
    model: type[Objective] | type[Activity]
    list_serializer: type[BaseSerializer[Any]]
    detail_serializer: type[BaseSerializer[Any]]

    input_serializers = {"transitions": TransitionInputSerializer}

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action in self.input_serializers:
            return super().get_serializer_class()
        return self.list_serializer if self.action == "list" else self.detail_serializer

    @extend_schema(
        request=TransitionInputSerializer,
        responses={
            200: OpenApiResponse(TransitionResultSerializer, description="Applied: no approval was needed."),
            202: OpenApiResponse(RequestSerializer, description="Requested: it awaits approval."),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        """Ask for a transition: applied at once when the policy needs no approval (200), otherwise a
        request that awaits its approvers (202)."""
        # A reference by id alone: the service locks and reads the item, and answers 404 if it is missing or
        # the caller may not see it.
        item = cast(WorkItem, self.model(pk=int(pk or 0)))
        data = TransitionInputSerializer(data=request.data)
        if not data.is_valid():
            # An item the caller may not see is not there, whatever the input.
            ensure_visible(request.user, cast(WorkItem, get_object_or_404(self.model._default_manager.all(), pk=pk)))
            raise ValidationError(data.errors)
        outcome = run_transition(request.user, item, data.validated_data)
        transition_request = with_approvals(outcome.request)
        if not outcome.applied:
            return Response(RequestSerializer(transition_request).data, status=status.HTTP_202_ACCEPTED)
        result = {
            "id": outcome.item.pk,
            "state": outcome.item.state,
            "planned_end": outcome.item.planned_end,
            "actual_end": outcome.item.actual_end,
            "request": transition_request,
        }
        return Response(TransitionResultSerializer(result).data)

    @extend_schema(responses=AuditEntrySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request: Request, pk: str | None = None) -> Response:
        """Every request, decision and state change of the item, oldest first."""
        return Response(AuditEntrySerializer(history_of(self.get_object()), many=True).data)


class ObjectiveViewSet(WorkItemViewSet):
    model = Objective
    list_serializer = ObjectiveSerializer
    detail_serializer = ObjectiveDetailSerializer
    keyset_ordering = ("plan_id", "code")  # unique: unique_objective_code
    filterset_class = ObjectiveFilter

    def get_queryset(self) -> QuerySet[Objective]:
        return visible_objectives(self.request.user).select_related("plan").prefetch_related("areas")

    def keyset_branches(self) -> list[QuerySet[Objective]]:
        return objective_branches(self.request.user)


class ActivityViewSet(WorkItemViewSet):
    model = Activity
    list_serializer = ActivitySerializer
    detail_serializer = ActivityDetailSerializer
    keyset_ordering = ("objective_id", "position")  # unique: unique_activity_position
    filterset_class = ActivityFilter

    def get_queryset(self) -> QuerySet[Activity]:
        return visible_activities(self.request.user).select_related("objective__plan")  # overdue asks its plan

    def keyset_branches(self) -> list[QuerySet[Activity]]:
        return activity_branches(self.request.user)


class IndicatorViewSet(InputForms, viewsets.ReadOnlyModelViewSet[Indicator]):
    serializer_class = IndicatorSerializer
    input_serializers = {"measurements": MeasurementInputSerializer}
    keyset_ordering = ("objective_id", "position")  # unique: unique_indicator_position
    filterset_class = IndicatorFilter
    lookup_value_regex = ID

    def get_queryset(self) -> QuerySet[Indicator]:
        return visible_indicators(self.request.user).prefetch_related("targets", "history")

    def keyset_branches(self) -> list[QuerySet[Indicator]]:
        return indicator_branches(self.request.user)

    @extend_schema(methods=["GET"], responses=MeasurementSerializer(many=True))
    @extend_schema(methods=["POST"], request=MeasurementInputSerializer, responses={201: MeasurementSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def measurements(self, request: Request, pk: str | None = None) -> Response:
        """The actual values, every one kept (GET); record a new one (POST)."""
        indicator = self.get_object()
        if request.method == "GET":
            history = indicator.measurements.select_related("recorded_by").order_by("year", "recorded_at", "pk")
            return Response(MeasurementSerializer(history, many=True).data)
        data = MeasurementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        measurement = measurement_record(actor=request.user, indicator=indicator, **data.validated_data)
        return Response(MeasurementSerializer(measurement).data, status=status.HTTP_201_CREATED)
