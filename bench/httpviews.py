"""The two limits of bench_http, served by the same gunicorn as the real API (bench.urls_bench).

- `bare`: a Django JSON view with no database: the ceiling of the stack (gunicorn, WSGI, middleware).
- `same_work`: a minimal DRF view, token-authenticated like the API, that does in one transaction the
  database work of an approved transition: lock the activity row, change its state, insert the request, the
  approval, the audit row and the outbox row. No rules, no serializers, no signals, no broker: the ceiling
  of the work itself.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.tokens import TokenAuthentication
from notifications.models import Message
from plans.models import Activity, WorkState
from workflow.models import Approval, AuditEntry, Step, TransitionName, TransitionRequest


@csrf_exempt
def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


@api_view(["POST"])
@authentication_classes([TokenAuthentication])
@permission_classes([IsAuthenticated])
def same_work(request: Request, pk: int) -> Response:
    """Flip the activity between programmato and avviato, with the rows an approved request writes."""
    user = request.user
    with transaction.atomic():
        state, organization_id = (
            Activity.objects.select_for_update(of=("self",))
            .filter(pk=pk)
            .values_list("state", "objective__plan__organization_id")
            .get()
        )
        new_state = WorkState.AVVIATO if state == WorkState.PROGRAMMATO else WorkState.PROGRAMMATO
        Activity.objects.filter(pk=pk).update(state=new_state)
        now = timezone.now()
        decided = TransitionRequest.objects.create(
            organization_id=organization_id,
            activity_id=pk,
            transition=TransitionName.AVVIA,
            from_state=state,
            steps=[Step.AREA_HEAD.value],
            status=TransitionRequest.Status.APPROVED,
            requested_by=user,
            closed_at=now,
        )
        Approval.objects.create(
            request=decided, step=Step.AREA_HEAD, decision=Approval.Decision.APPROVED, decided_by=user
        )
        AuditEntry.objects.create(
            organization_id=organization_id,
            activity_id=pk,
            request=decided,
            event=AuditEntry.Event.STATE_CHANGED,
            transition=TransitionName.AVVIA,
            from_state=state,
            to_state=new_state,
            actor=user,
        )
        Message.objects.create(
            kind=Message.Kind.REQUEST_DECIDED,
            organization_id=organization_id,
            recipient=user,
            target=f"request:{decided.pk}",
            period=TransitionRequest.Status.APPROVED,
            due_on=timezone.localdate(now),
        )
    return Response({"id": pk, "state": new_state})
