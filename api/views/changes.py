"""Rimodulazione over the API: change requests (list, create, approve with the act, reject) and the plan's
versions. The services decide who may do what; the answers are those of the one error shape."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters import ID_MAX, ID_SCHEMA, IdFilter
from api.serializers.changes import (
    ChangeDecisionInputSerializer,
    ChangeInputSerializer,
    ChangeRequestSerializer,
    PlanVersionSerializer,
)
from api.serializers.requests import DecisionInputSerializer, with_approvals
from api.views.input_forms import InputForms
from api.views.items import ID
from plans.models import Objective
from plans.rules import visible_objectives, visible_plans
from workflow.errors import InvalidInput, NotVisible
from workflow.models import RIMODULA, PlanVersion, TransitionRequest
from workflow.selectors import requests_awaiting
from workflow.services import approval_reject
from workflow.services.changes import change_approve, change_request
from workflow.trail.context import Source

PLAN = OpenApiParameter("plan", ID_SCHEMA, description="Only the given plan's (none for a plan not seen).")


def _plan_filter(request: Request, field: str) -> Q:
    raw = request.query_params.get("plan")
    if raw is None:
        return Q()
    try:
        plan = IdFilter.field_class(min_value=1, max_value=ID_MAX).clean(raw)
    except ValidationError as error:
        raise InvalidInput(_("Il piano si indica con il suo numero."), fields={"plan": error.messages}) from None
    return Q(**{field: plan})


class ChangeRequestViewSet(InputForms, viewsets.ReadOnlyModelViewSet[TransitionRequest]):
    """Change requests (rimodulazioni) on the objectives the caller sees, and those awaiting the caller."""

    serializer_class = ChangeRequestSerializer
    input_serializers = {
        "create": ChangeInputSerializer,
        "approve": ChangeDecisionInputSerializer,
        "reject": DecisionInputSerializer,
    }
    keyset_ordering = ("-requested_at", "-id")
    lookup_value_regex = ID
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[TransitionRequest]:
        user = self.request.user
        visible = Q(objective__in=visible_objectives(user).values("pk")) | Q(
            pk__in=requests_awaiting(user).values("pk")
        )
        return (
            TransitionRequest.objects.filter(visible, transition=RIMODULA)
            .filter(_plan_filter(self.request, "objective__plan_id"))
            .select_related("requested_by", "objective", "version")
            .prefetch_related("approvals__decided_by", "approvals__on_behalf_of")
            .order_by("-requested_at", "-pk")
        )

    @extend_schema(parameters=[PLAN])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ChangeInputSerializer, responses={201: ChangeRequestSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Ask for a rimodulazione of an objective; the director's own, with its act, is applied at once."""
        data = ChangeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        objective = Objective.objects.filter(pk=values["objective"]).first()
        if objective is None:
            raise NotVisible(_("Obiettivo non trovato."))
        outcome = change_request(
            actor=request.user,
            objective=objective,
            changes=values["changes"],
            motivation=values["motivation"],
            act=values["act"],
            act_date=values["act_date"],
            comment=values["comment"],
            source=Source.API,
        )
        return Response(self._answer(outcome.request), status=status.HTTP_201_CREATED)

    @extend_schema(request=ChangeDecisionInputSerializer, responses={200: ChangeRequestSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Approve the step awaiting the caller; the last approval needs the act and applies the change."""
        change = self._change(pk)  # 404 before the input is read
        data = ChangeDecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        outcome = change_approve(
            actor=request.user,
            request=change,
            act=values["act"],
            act_date=values["act_date"],
            comment=values["comment"],
            source=Source.API,
        )
        return Response(self._answer(outcome.request))

    @extend_schema(request=DecisionInputSerializer, responses={200: ChangeRequestSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        """Reject with a comment: the request is closed and nothing changes."""
        change = self._change(pk)  # 404 before the input is read
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        outcome = approval_reject(actor=request.user, request=change, comment=data.validated_data["comment"])
        return Response(self._answer(outcome.request))

    def _change(self, pk: str | None) -> TransitionRequest:
        # Those the caller sees or that await the caller (a substitute decides what they do not see): any other is
        # not there (404) before its input is read; whether the caller may decide it is the service's call.
        found = self.get_queryset().filter(pk=int(pk or 0)).first()
        if found is None:
            raise NotVisible(_("Richiesta di rimodulazione non trovata."))
        return found

    def _answer(self, change: TransitionRequest) -> dict[str, Any]:
        fresh = self.get_queryset().filter(pk=change.pk).first() or with_approvals(change)
        return dict(ChangeRequestSerializer(fresh).data)


class PlanVersionViewSet(viewsets.ReadOnlyModelViewSet[PlanVersion]):
    """The versions of the plans the caller sees: version 1 as adopted, one more per approved rimodulazione."""

    serializer_class = PlanVersionSerializer
    keyset_ordering = ("plan_id", "number")  # unique: one_plan_version_per_number
    lookup_value_regex = ID
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[PlanVersion]:
        return (
            PlanVersion.objects.filter(plan__in=visible_plans(self.request.user).values("pk"))
            # Version 1 and the changes of the objectives the caller sees (as the difference page shows them).
            .filter(Q(request__isnull=True) | Q(request__objective__in=visible_objectives(self.request.user)))
            .filter(_plan_filter(self.request, "plan_id"))
            .defer("snapshot")
            .select_related("made_by", "trail_entry")
            .order_by("plan_id", "number")
        )

    @extend_schema(parameters=[PLAN])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)
