"""The limits of bench_http and bench_pairs, served by the same gunicorn as the real API (bench.urls_bench).

- `bare`: a Django JSON view with no database: the ceiling of the stack (gunicorn, WSGI, middleware).
- `same_work`: a minimal DRF view, token-authenticated like the API, that does in one transaction the
  database work of an approved transition: lock the activity row, change its state, insert the request, the
  approval, the audit row and the outbox row. No rules, no serializers, no signals, no broker: the ceiling
  of the work itself.
"""

from __future__ import annotations

from django.db import connection, transaction
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


# ------------------------------------------------------------------------------------- the plain pair (raw SQL)
# bench_pairs' limit: the writes of a transition request and of its approval, as plain Django views on raw SQL.
# The same rows as the real pair (the request, its approval, three audit rows, two outbox rows, the state) and the
# same checks a plain implementation would make in its SQL (the token, the caller's area, the request still open),
# and nothing else: no DRF, no ORM, no rules, no state machine.

_TOKEN_USER = (
    "SELECT t.user_id FROM knox_authtoken t JOIN auth_user u ON u.id = t.user_id "
    "WHERE t.token_key = %s AND t.digest = %s AND u.is_active AND (t.expiry IS NULL OR t.expiry > now())"
)
_LOCK_AS_MEMBER = (
    "SELECT a.state, p.organization_id, ar.head_id FROM plans_activity a "
    "JOIN plans_objective o ON o.id = a.objective_id JOIN plans_plan p ON p.id = o.plan_id "
    "JOIN plans_objective_areas oa ON oa.objective_id = o.id JOIN plans_area ar ON ar.id = oa.area_id "
    "JOIN plans_area_members m ON m.area_id = ar.id AND m.user_id = %s WHERE a.id = %s FOR UPDATE OF a"
)
_INSERT_REQUEST = (
    "INSERT INTO workflow_transitionrequest (transition, from_state, steps, current_step, status, requested_at, "
    "comment, reason, activity_id, organization_id, requested_by_id, act, changes) "
    "VALUES ('avvia', %s, '[\"area_head\"]', 'area_head', 'pending', now(), %s, '', %s, %s, %s, '', '{}') RETURNING id"
)
_INSERT_AUDIT = (
    "INSERT INTO workflow_auditentry (event, transition, from_state, to_state, comment, activity_id, actor_id, "
    "organization_id, request_id, source, subject, hash, prev_hash) "
    "VALUES (%s, 'avvia', %s, %s, %s, %s, %s, %s, %s, '', '', '', '')"
)
_INSERT_MESSAGE = (
    "INSERT INTO notifications_message (kind, target, period, context, due_on, status, attempts, last_error, "
    "next_attempt_at, created_at, organization_id, recipient_id) "
    "VALUES (%s, %s, %s, '{}', current_date, 'pending', 0, '', now(), now(), %s, %s)"
)
_LOCK_REQUEST_AS_HEAD = (
    "SELECT r.activity_id, r.organization_id, r.requested_by_id, r.from_state, a.state "
    "FROM workflow_transitionrequest r JOIN plans_activity a ON a.id = r.activity_id "
    "JOIN plans_objective_areas oa ON oa.objective_id = a.objective_id JOIN plans_area ar ON ar.id = oa.area_id "
    "WHERE r.id = %s AND r.status = 'pending' AND r.current_step = 'area_head' AND ar.head_id = %s "
    "FOR UPDATE OF r, a"
)


def _plain_user(request: HttpRequest) -> int | None:
    import hashlib

    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme != "Token" or not token:
        return None
    digest = hashlib.sha512(token.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute(_TOKEN_USER, [token[:15], digest])
        row = cursor.fetchone()
    return row[0] if row else None


@csrf_exempt
def plain_transition(request: HttpRequest, pk: int) -> JsonResponse:
    """A staff member asks `avvia` for an activity of their area: the request, its audit row, the head's mail."""
    if request.method != "POST":
        return JsonResponse({"detail": "POST"}, status=405)
    user_id = _plain_user(request)
    if user_id is None:
        return JsonResponse({"detail": "token"}, status=401)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_LOCK_AS_MEMBER, [user_id, pk])
        row = cursor.fetchone()
        if row is None:
            return JsonResponse({"detail": "not found"}, status=404)
        state, organization_id, head_id = row
        if state != WorkState.PROGRAMMATO:
            return JsonResponse({"detail": "state"}, status=409)
        cursor.execute(_INSERT_REQUEST, [state, "Si parte.", pk, organization_id, user_id])
        request_id = cursor.fetchone()[0]
        cursor.execute(
            _INSERT_AUDIT, ["requested", state, state, "Si parte.", pk, user_id, organization_id, request_id]
        )
        cursor.execute(
            _INSERT_MESSAGE, ["approval_needed", f"request:{request_id}", "area_head", organization_id, head_id]
        )
    return JsonResponse({"id": request_id}, status=202)


@csrf_exempt
def plain_approve(request: HttpRequest, pk: int) -> JsonResponse:
    """The area head approves: the approval, the request closed, the state changed, two audit rows, the
    requester's mail."""
    if request.method != "POST":
        return JsonResponse({"detail": "POST"}, status=405)
    user_id = _plain_user(request)
    if user_id is None:
        return JsonResponse({"detail": "token"}, status=401)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_LOCK_REQUEST_AS_HEAD, [pk, user_id])
        row = cursor.fetchone()
        if row is None:
            return JsonResponse({"detail": "not found"}, status=404)
        activity_id, organization_id, requester_id, from_state, state = row
        if state != from_state:
            return JsonResponse({"detail": "stale"}, status=409)
        cursor.execute(
            "INSERT INTO workflow_approval (step, decision, comment, decided_at, decided_by_id, request_id, "
            "director_covers_area_head) VALUES ('area_head', 'approved', %s, now(), %s, %s, false)",
            ["Va bene.", user_id, pk],
        )
        cursor.execute(_INSERT_AUDIT, ["approved", state, state, "Va bene.", activity_id, user_id, organization_id, pk])
        cursor.execute("UPDATE plans_activity SET state = %s WHERE id = %s", [WorkState.AVVIATO, activity_id])
        cursor.execute(
            "UPDATE workflow_transitionrequest SET status = 'approved', current_step = '', closed_at = now() "
            "WHERE id = %s",
            [pk],
        )
        cursor.execute(
            _INSERT_AUDIT,
            ["state_changed", state, WorkState.AVVIATO, "Si parte.", activity_id, user_id, organization_id, pk],
        )
        cursor.execute(_INSERT_MESSAGE, ["request_decided", f"request:{pk}", "approved", organization_id, requester_id])
    return JsonResponse({"id": pk, "status": "approved"})
