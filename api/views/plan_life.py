"""The plan's life on the API: the director adopts, starts and closes the plan (or asks for it, where the body's
policy wants another director's approval); a superuser reopens a validated plan.

The service decides who may, in the order NotVisible (404), NotAllowed (403), InvalidInput (400), Conflict (409):
the body is read here only as far as the service needs it, so that a plan the caller may not see answers 404
whatever was sent, and a malformed field is named by the service's own Italian message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import Http404
from django.utils.dateparse import parse_date
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers.dates import is_iso_date
from api.serializers.inputs import InputSerializer, unknown_fields
from api.serializers.plans import PlanSerializer
from api.serializers.requests import (
    PlanAdoptInputSerializer,
    PlanReopenInputSerializer,
    RequestSerializer,
    with_approvals,
)
from plans.models import Plan
from plans.rules import visible_plans
from workflow.services.plan_lifecycle import open_plan_request, plan_adopt, plan_close, plan_reopen, plan_start
from workflow.trail.context import Source

STEP_RESPONSES = {
    200: OpenApiResponse(PlanSerializer, description="Done: the body's policy needs no approval for this step."),
    202: OpenApiResponse(RequestSerializer, description="Requested: another director of the body approves it."),
}


class PlanLifeActions:
    """The plan's steps, as actions of the plans' viewset (/api/plans/{id}/adopt/ ...)."""

    @extend_schema(request=PlanAdoptInputSerializer, responses=STEP_RESPONSES)
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def adopt(self, request: Request, pk: str | None = None) -> Response:
        """Draft → adopted, with the act that adopts the plan and its date."""
        plan = _plan(pk)
        data = _body(request, PlanAdoptInputSerializer, plan)

        def step(plan: Plan) -> Plan:
            act, adopted_on = _text(data, "act"), _date(data, "adopted_on")
            return plan_adopt(actor=request.user, plan=plan, act=act, adopted_on=adopted_on, source=Source.API)

        return _answer(plan, step)

    @extend_schema(request=None, responses=STEP_RESPONSES)
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def start(self, request: Request, pk: str | None = None) -> Response:
        """Adopted → in execution."""
        return _answer(_plan(pk), lambda plan: plan_start(actor=request.user, plan=plan, source=Source.API))

    @extend_schema(request=None, responses=STEP_RESPONSES)
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def close(self, request: Request, pk: str | None = None) -> Response:
        """In execution → closed: the year is over and its consuntivo is being written."""
        return _answer(_plan(pk), lambda plan: plan_close(actor=request.user, plan=plan, source=Source.API))

    @extend_schema(request=PlanReopenInputSerializer, responses={200: PlanSerializer})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        """Validated → closed: a superuser only, with a motivation and the act that decides it."""
        plan = _plan(pk)
        data = _body(request, PlanReopenInputSerializer, plan)
        motivation, act = _text(data, "motivation"), _text(data, "act")
        plan = plan_reopen(actor=request.user, plan=plan, motivation=motivation, act=act, source=Source.API)
        return Response(PlanSerializer(plan).data)


def _plan(pk: str | None) -> Plan:
    """The plan by id, for the service to check who may see it (a superuser reopens any)."""
    plan = Plan.objects.select_related("organization").filter(pk=int(pk or 0)).first()
    if plan is None:
        raise Http404
    return plan


def _answer(plan: Plan, step: Callable[[Plan], Plan]) -> Response:
    """200 and the plan when the step was done; 202 and the request when it awaits approval."""
    before = plan.state
    moved = step(plan)
    if moved.state != before:
        return Response(PlanSerializer(moved).data)
    pending = open_plan_request(moved)
    assert pending is not None  # the service either moved the plan or asked for the step
    return Response(RequestSerializer(with_approvals(pending)).data, status=status.HTTP_202_ACCEPTED)


def _body(request: Request, serializer: type[InputSerializer], plan: Plan) -> dict[str, Any]:
    """The body, which names no field but the serializer's (the one that documents it). A plan the caller may not
    see is not there, whatever the body: 404 before the 400."""
    data = request.data if isinstance(request.data, dict) else {}
    problems = unknown_fields(data, serializer().fields)
    if problems:
        if not (request.user.is_superuser or visible_plans(request.user).filter(pk=plan.pk).exists()):
            raise Http404
        raise ValidationError(problems)
    return data


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name, "")
    return value if isinstance(value, str) else ""


def _date(data: dict[str, Any], name: str) -> dt.date | None:
    """YYYY-MM-DD, or None: the service then says what to write."""
    text = _text(data, name)
    if not is_iso_date(text):  # parse_date also reads 20260501 and week dates (date.fromisoformat)
        return None
    try:
        return parse_date(text)
    except ValueError:
        return None
