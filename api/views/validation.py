"""The OIV's validation of a plan's Relazione through the API: read and save the draft, record the outcome.

GET  /api/plans/{id}/validation/          the draft (or, without one, the latest recorded validation)
PUT  /api/plans/{id}/validation/          save the draft (opening it, with the body's criteria, if there is none)
POST /api/plans/{id}/validation/outcome/  record the outcome (final; a positive one validates the plan)

The OIV writes; the director reads; to anyone else the plan's validation does not exist (404).
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import ErrorSerializer
from api.serializers.inputs import InputSerializer
from api.serializers.text import TextField
from plans.models import Plan
from plans.rules import visible_plans
from workflow.errors import NotVisible
from workflow.models import Outcome, Validation, ValidationCheck
from workflow.services.validation import (
    TEXT_CHARS,
    CheckInput,
    draft_of,
    ensure_may_record,
    ensure_readable,
    latest_recorded,
    validation_record,
    validation_save,
    validations_of,
)
from workflow.trail.context import Source

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


class CheckSerializer(serializers.ModelSerializer[ValidationCheck]):
    class Meta:
        model = ValidationCheck
        fields = ["id", "title", "guidance", "result", "note"]


class ValidationSerializer(serializers.ModelSerializer[Validation]):
    checks = CheckSerializer(many=True, read_only=True)
    auditor = TextField(source="auditor.username", read_only=True)

    class Meta:
        model = Validation
        fields = [
            "id",
            "plan",
            "year",
            "auditor",
            "opened_at",
            "updated_at",
            "observations",
            "motivation",
            "outcome",
            "recorded_at",
            "checks",
        ]


class CheckInputSerializer(InputSerializer):
    id = serializers.IntegerField()
    result = serializers.ChoiceField(choices=[("", "—"), *ValidationCheck.Result.choices], allow_blank=True)
    note = TextField(allow_blank=True, required=False, default="", max_length=TEXT_CHARS, trim_whitespace=False)


class DraftInputSerializer(InputSerializer):
    checks = CheckInputSerializer(many=True, required=False, default=list)
    observations = TextField(allow_blank=True, required=False, max_length=TEXT_CHARS)
    motivation = TextField(allow_blank=True, required=False, max_length=TEXT_CHARS)


class OutcomeInputSerializer(DraftInputSerializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)


def _checks(data: dict[str, Any]) -> dict[int, CheckInput]:
    return {row["id"]: CheckInput(result=row["result"], note=row.get("note", "")) for row in data.get("checks", [])}


class ValidationView(APIView):
    def _plan(self, request: Request, pk: int) -> Plan:
        plan = get_object_or_404(visible_plans(request.user).select_related("organization"), pk=pk)
        ensure_readable(request.user, plan)
        return plan

    @extend_schema(responses={200: ValidationSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        """The plan's validation draft; without one, its latest recorded validation. The OIV and the director."""
        plan = self._plan(request, pk)
        validation = draft_of(plan) or latest_recorded(plan)
        if validation is None:
            raise NotVisible(_("Nessuna validazione aperta per questo piano: l'OIV la apre salvando la bozza (PUT)."))
        return Response(ValidationSerializer(validation).data)

    @extend_schema(request=DraftInputSerializer, responses={200: ValidationSerializer, **ERRORS})
    def put(self, request: Request, pk: int) -> Response:
        """Save the draft (the OIV), opening it with the body's criteria if there is none. Not final."""
        plan = self._plan(request, pk)
        ensure_may_record(request.user, plan)
        data = DraftInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        draft = draft_of(plan)
        validation = validation_save(
            actor=request.user,
            plan=plan,
            checks=_checks(values),
            observations=values.get("observations", draft.observations if draft else ""),
            motivation=values.get("motivation", draft.motivation if draft else ""),
            source=Source.API,
        )
        return Response(ValidationSerializer(validation).data)


class ValidationOutcomeView(APIView):
    @extend_schema(request=OutcomeInputSerializer, responses={201: ValidationSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        """Record the outcome (the OIV; final). "validata" and "validata_con_osservazioni" validate the plan;
        "non_validata" (with its motivation) leaves it closed."""
        plan = get_object_or_404(visible_plans(request.user).select_related("organization"), pk=pk)
        ensure_may_record(request.user, plan)
        data = OutcomeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        validation = validation_record(
            actor=request.user,
            plan=plan,
            outcome=values["outcome"],
            checks=_checks(values),
            observations=values.get("observations"),
            motivation=values.get("motivation"),
            source=Source.API,
        )
        return Response(ValidationSerializer(validations_of(plan).get(pk=validation.pk)).data, status.HTTP_201_CREATED)
