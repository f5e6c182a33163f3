"""Approvals awaiting the caller, requests and their withdrawal, delegations."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers.requests import (
    DecisionInputSerializer,
    DelegationInputSerializer,
    DelegationSerializer,
    RequestSerializer,
    with_approvals,
)
from api.views.input_forms import InputForms
from api.views.items import ID
from plans.models import Organization
from plans.rules import roles_of, visible_activities, visible_objectives
from workflow.errors import InvalidInput
from workflow.models import Delegation, TransitionRequest
from workflow.selectors import requests_awaiting, requests_decided_by
from workflow.services import approval_approve, approval_reject, delegation_create, delegation_revoke, request_withdraw

REQUEST_RELATED = ("requested_by", "objective", "activity", "plan")


def _comment(request: Request) -> str:
    data = DecisionInputSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    return str(data.validated_data["comment"])


def _seen_by(user: Any) -> Q:
    """The requests a person sees: on the items they see, of the bodies they direct or audit, their own, and those
    awaiting them (a substitute decides what they do not otherwise see)."""
    return (
        Q(activity__in=visible_activities(user).values("pk"))
        | Q(objective__in=visible_objectives(user).values("pk"))
        | Q(plan__organization_id__in=roles_of(user).director_of | roles_of(user).auditor_of)
        | Q(requested_by_id=user.pk)
        | Q(pk__in=requests_awaiting(user).values("pk"))
    )


def _decision_comment(request: Request, found: TransitionRequest) -> str:
    """The decision's comment; a request the caller does not see is not there (404), whatever the body."""
    data = DecisionInputSerializer(data=request.data)
    if not data.is_valid():
        if not TransitionRequest.objects.filter(_seen_by(request.user), pk=found.pk).exists():
            raise Http404
        raise ValidationError(data.errors)
    return str(data.validated_data["comment"])


class ApprovalViewSet(InputForms, viewsets.GenericViewSet[TransitionRequest]):
    """Requests from the approver's side: what awaits the caller, and the decisions."""

    serializer_class = RequestSerializer
    input_serializers = {"approve": DecisionInputSerializer, "reject": DecisionInputSerializer}
    keyset_ordering = ("-requested_at", "-id")
    lookup_value_regex = ID
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[TransitionRequest]:
        return TransitionRequest.objects.select_related(*REQUEST_RELATED).prefetch_related(
            "approvals__decided_by", "approvals__on_behalf_of"
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status",
                enum=[choice.value for choice in TransitionRequest.Status],
                description="pending (the default): what awaits the caller's decision now; otherwise the "
                "requests the caller decided that ended so.",
            )
        ]
    )
    def list(self, request: Request) -> Response:
        wanted = request.query_params.get("status", TransitionRequest.Status.PENDING)
        if wanted not in TransitionRequest.Status.values:
            choices = ", ".join(TransitionRequest.Status.values)
            raise InvalidInput(
                _("Stato sconosciuto: usa uno di %(choices)s.") % {"choices": choices},
                fields={"status": [_("Valori ammessi: %(choices)s.") % {"choices": choices}]},
            )
        if wanted == TransitionRequest.Status.PENDING:
            requests = requests_awaiting(request.user)
        else:
            requests = requests_decided_by(request.user).filter(status=wanted)
        page = self.paginate_queryset(self.get_queryset().filter(pk__in=requests.values("pk")))
        return self.get_paginated_response(RequestSerializer(page, many=True).data)

    @extend_schema(request=DecisionInputSerializer, responses={200: RequestSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Approve the step that awaits the caller; with the last approval the transition is applied."""
        found = self._request(pk)
        outcome = approval_approve(actor=request.user, request=found, comment=_decision_comment(request, found))
        return Response(RequestSerializer(with_approvals(outcome.request)).data)

    @extend_schema(request=DecisionInputSerializer, responses={200: RequestSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        """Reject with a comment that tells the requester why; the request is closed."""
        found = self._request(pk)
        outcome = approval_reject(actor=request.user, request=found, comment=_decision_comment(request, found))
        return Response(RequestSerializer(with_approvals(outcome.request)).data)

    def _request(self, pk: str | None) -> TransitionRequest:
        # Whether the caller may see it is the service's call: a substitute sees what they decide. The service
        # locks and reads the request again: here only what finds its target.
        found = (
            TransitionRequest.objects.filter(pk=int(pk or 0))
            .only("pk", "activity_id", "objective_id", "plan_id")
            .order_by()
            .first()
        )
        if found is None:
            raise Http404
        return found


class RequestViewSet(InputForms, viewsets.ReadOnlyModelViewSet[TransitionRequest]):
    """Requests on the items the caller sees, and their own."""

    serializer_class = RequestSerializer
    input_serializers = {"withdraw": DecisionInputSerializer}
    keyset_ordering = ("-requested_at", "-id")
    lookup_value_regex = ID
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[TransitionRequest]:
        return (
            TransitionRequest.objects.filter(_seen_by(self.request.user))
            .select_related(*REQUEST_RELATED)
            .prefetch_related("approvals__decided_by", "approvals__on_behalf_of")
        )

    @extend_schema(request=DecisionInputSerializer, responses={200: RequestSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        """The requester withdraws an open request."""
        outcome = request_withdraw(actor=request.user, request=self.get_object(), comment=_comment(request))
        return Response(RequestSerializer(with_approvals(outcome.request)).data)


class DelegationViewSet(InputForms, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[Delegation]):
    """Substitutes during absences: the ones the caller gave or received, or, for a director, the
    organization's."""

    serializer_class = DelegationSerializer
    input_serializers = {"create": DelegationInputSerializer}
    keyset_ordering = ("-starts_on", "-id")
    lookup_value_regex = ID
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Delegation]:
        user = self.request.user
        directed = Organization.objects.filter(roles__user_id=user.pk, roles__role="director").values("pk")
        mine = Q(delegator_id=user.pk) | Q(substitute_id=user.pk) | Q(organization_id__in=directed)
        return Delegation.objects.filter(mine).select_related("delegator", "substitute")

    @extend_schema(request=DelegationInputSerializer, responses={201: DelegationSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Name a substitute for a period of absence."""
        data = DelegationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        organization = Organization.objects.filter(pk=values["organization"]).first()
        substitute = User.objects.filter(pk=values["substitute"], is_active=True).first()
        if organization is None or substitute is None:
            field = "organization" if organization is None else "substitute"
            raise InvalidInput(_("Ente o sostituto inesistente."), fields={field: [_("Non trovato.")]})
        delegation = delegation_create(
            actor=request.user,
            organization=organization,
            substitute=substitute,
            starts_on=values["starts_on"],
            ends_on=values["ends_on"],
            reason=values["reason"],
        )
        return Response(DelegationSerializer(delegation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: DelegationSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        """End a delegation before its time; it stays on record."""
        return Response(DelegationSerializer(delegation_revoke(actor=request.user, delegation=self.get_object())).data)
