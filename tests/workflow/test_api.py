"""The REST API end to end on PostgreSQL: lists with filters, transitions answering 200 or 202, the
approvals inbox, decisions, withdrawal, history, measurements, tokens and the one error shape."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.http import HttpRequest
from rest_framework.test import APIClient

from plans.models import Activity, WorkState
from tests.workflow.world import World

pytestmark = pytest.mark.django_db


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    assert body["message"]
    return body


def test_lists_are_filtered_by_what_the_caller_sees_and_by_query(world: World) -> None:
    sara = client_for(world.sara)
    codes = [row["code"] for row in sara.get("/api/objectives/").json()["results"]]
    assert codes == ["SOC-1", "TRA-1"]
    tommaso = client_for(world.tommaso)
    assert [row["code"] for row in tommaso.get("/api/objectives/").json()["results"]] == ["TRA-1"]
    assert tommaso.get("/api/activities/").json()["count"] == 0

    diana = client_for(world.diana)
    in_area = diana.get("/api/objectives/", {"area": world.technical.pk}).json()
    assert [row["code"] for row in in_area["results"]] == ["TRA-1"]
    assert diana.get("/api/activities/", {"owner": world.sara.pk}).json()["count"] == 1
    assert diana.get("/api/activities/", {"plan": world.plan.pk, "state": "programmato"}).json()["count"] == 2
    assert client_for(world.erica).get("/api/objectives/").json()["count"] == 0


def test_the_overdue_filter_follows_today(world: World) -> None:
    Activity.objects.filter(pk=world.activity.pk).update(planned_end=dt.date(2026, 5, 1))
    late = client_for(world.diana).get("/api/activities/", {"overdue": "true"}).json()
    assert [row["id"] for row in late["results"]] == [world.activity.pk]
    assert late["results"][0]["overdue"] is True
    on_time = client_for(world.diana).get("/api/activities/", {"overdue": "false"}).json()
    assert [row["id"] for row in on_time["results"]] == [world.second_activity.pk]


def test_detail_lists_the_transitions_available_to_the_caller(world: World) -> None:
    url = f"/api/activities/{world.activity.pk}/"
    for_sara = client_for(world.sara).get(url).json()["available_transitions"]
    assert [(t["transition"], t["needs_approval"]) for t in for_sara] == [("avvia", False), ("rinvia", True)]
    assert for_sara[1]["steps"] == ["area_head", "director"]
    for_anna = client_for(world.anna).get(url).json()["available_transitions"]
    assert [(t["transition"], t["steps"]) for t in for_anna] == [("avvia", []), ("rinvia", ["director"])]
    assert client_for(world.otto).get(url).json()["available_transitions"] == []


def test_a_transition_without_approval_answers_200_with_the_new_state(world: World) -> None:
    response = client_for(world.sara).post(
        f"/api/activities/{world.activity.pk}/transitions/", {"transition": "avvia"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["state"]) == (world.activity.pk, WorkState.AVVIATO)
    assert body["request"]["status"] == "approved"


def test_a_transition_needing_approval_answers_202_then_the_inbox_and_approve(world: World) -> None:
    sara = client_for(world.sara)
    sara.post(f"/api/activities/{world.activity.pk}/transitions/", {"transition": "avvia"}, format="json")
    response = sara.post(
        f"/api/activities/{world.activity.pk}/transitions/",
        {"transition": "concludi", "actual_end": "2026-05-14", "comment": "Fatto"},
        format="json",
    )
    assert response.status_code == 202, response.content
    request_id = response.json()["id"]
    assert response.json()["current_step"] == "area_head"

    again = sara.post(f"/api/activities/{world.activity.pk}/transitions/", {"transition": "concludi"}, format="json")
    assert_error(again, 409, "request_open")

    anna = client_for(world.anna)
    inbox = anna.get("/api/approvals/", {"status": "pending"}).json()
    assert [row["id"] for row in inbox["results"]] == [request_id]
    assert client_for(world.bruno).get("/api/approvals/").json()["count"] == 0

    approved = anna.post(f"/api/approvals/{request_id}/approve", {"comment": "Bene"}, format="json")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    assert Activity.objects.get(pk=world.activity.pk).state == WorkState.CONCLUSO
    decided = anna.get("/api/approvals/", {"status": "approved"}).json()
    assert [row["id"] for row in decided["results"]] == [request_id]
    assert_error(anna.post(f"/api/approvals/{request_id}/approve/", {}, format="json"), 409, "request_closed")

    history = sara.get(f"/api/activities/{world.activity.pk}/history/").json()
    assert [(row["event"], row["actor"]["username"]) for row in history] == [
        ("requested", "sara"),
        ("state_changed", "sara"),
        ("requested", "sara"),
        ("approved", "anna"),
        ("state_changed", "anna"),
    ]


def test_reject_and_withdraw_through_the_api(world: World) -> None:
    sara = client_for(world.sara)
    url = f"/api/activities/{world.activity.pk}/transitions/"
    payload = {"transition": "rinvia", "reason": "Fornitore", "new_planned_end": "2026-09-30"}
    first = sara.post(url, payload, format="json").json()["id"]
    rejected = client_for(world.anna).post(f"/api/approvals/{first}/reject", {"comment": "No"}, format="json")
    assert rejected.json()["status"] == "rejected"
    second = sara.post(url, payload, format="json").json()["id"]
    assert_error(
        client_for(world.anna).post(f"/api/requests/{second}/withdraw", {}, format="json"), 403, "permission_denied"
    )
    withdrawn = sara.post(f"/api/requests/{second}/withdraw", {"comment": "Ripensato"}, format="json")
    assert withdrawn.json()["status"] == "withdrawn"
    assert Activity.objects.get(pk=world.activity.pk).state == WorkState.PROGRAMMATO


def test_bad_input_gets_400_with_the_fields_and_changes_nothing(world: World) -> None:
    anna = client_for(world.anna)
    url = f"/api/activities/{world.activity.pk}/transitions/"
    body = assert_error(anna.post(url, {"transition": "vola"}, format="json"), 400, "invalid")
    assert "transition" in body["fields"]
    body = assert_error(
        anna.post(url, {"transition": "rinvia", "new_planned_end": "31/12"}, format="json"), 400, "invalid"
    )
    assert "new_planned_end" in body["fields"]
    body = assert_error(anna.post(url, {"transition": "rinvia"}, format="json"), 400, "invalid")
    assert set(body["fields"]) == {"reason", "new_planned_end"}
    body = assert_error(anna.post(url, {"transition": "avvia", "reason": "x"}, format="json"), 400, "invalid")
    assert list(body["fields"]) == ["reason"]
    assert Activity.objects.get(pk=world.activity.pk).state == WorkState.PROGRAMMATO
    assert not world.activity.transition_requests.exists()


def test_a_transition_on_an_item_the_caller_does_not_see_answers_404_whatever_the_input(world: World) -> None:
    erica = client_for(world.erica)  # of another organization
    for kind, item in (("activities", world.activity), ("objectives", world.objective)):
        url = f"/api/{kind}/{item.pk}/transitions/"
        assert_error(erica.post(url, {"transition": "avvia"}, format="json"), 404, "not_found")
        assert_error(erica.post(url, {"transition": "vola"}, format="json"), 404, "not_found")  # not a 400
        assert_error(
            erica.post(f"/api/{kind}/99999999/transitions/", {"transition": "vola"}, format="json"), 404, "not_found"
        )
        assert not item.transition_requests.exists()
    assert Activity.objects.get(pk=world.activity.pk).state == WorkState.PROGRAMMATO


def test_errors_share_one_shape(world: World) -> None:
    assert_error(client_for(None).get("/api/objectives/"), 401, "not_authenticated")
    assert_error(client_for(world.erica).get(f"/api/objectives/{world.objective.pk}/"), 404, "not_found")
    assert_error(client_for(world.diana).get("/api/objectives/99999999999999/"), 404, "not_found")
    assert_error(client_for(world.diana).get("/api/nowhere/"), 404, "not_found")
    assert_error(client_for(world.diana).get("/api/activities/", {"state": "volato"}), 400, "invalid")
    assert_error(client_for(world.diana).get("/api/activities/", {"page": "9"}), 404, "not_found")
    url = f"/api/objectives/{world.objective.pk}/transitions/"
    assert_error(client_for(world.otto).post(url, {"transition": "avvia"}, format="json"), 403, "permission_denied")
    assert_error(
        client_for(world.diana).post(url, {"transition": "concludi"}, format="json"), 409, "transition_not_allowed"
    )


def test_staff_record_measurements_and_the_history_is_kept(world: World) -> None:
    sara = client_for(world.sara)
    url = f"/api/indicators/{world.indicator.pk}/measurements/"
    first = sara.post(url, {"year": 2026, "value": "12", "measured_on": "2026-04-30"}, format="json")
    assert first.status_code == 201, first.content
    second = sara.post(url, {"year": 2026, "value": "85%", "note": "Rettifica"}, format="json")
    assert second.json()["kind"] == "percent"
    history = client_for(world.otto).get(url).json()
    assert [(row["raw"], row["recorded_by"]["username"]) for row in history] == [("12", "sara"), ("85%", "sara")]
    assert_error(
        client_for(world.otto).post(url, {"year": 2026, "value": "1"}, format="json"), 403, "permission_denied"
    )
    body = assert_error(sara.post(url, {"year": 2019, "value": " "}, format="json"), 400, "invalid")
    assert "year" in body["fields"] or "value" in body["fields"]


def test_token_and_session_authentication(world: World) -> None:
    anonymous = APIClient()
    bad = anonymous.post("/api/auth/token/", {"username": "anna", "password": "sbagliata"}, format="json")
    assert_error(bad, 400, "invalid_credentials")
    token = anonymous.post("/api/auth/token/", {"username": "anna", "password": "segreta"}, format="json").json()
    with_token = APIClient(HTTP_AUTHORIZATION=f"Token {token['token']}")
    assert with_token.get("/api/objectives/").json()["count"] == 2
    session = APIClient()
    assert session.login(request=HttpRequest(), username="anna", password="segreta")  # axes counts by request
    assert session.get("/api/objectives/").json()["count"] == 2


def test_delegations_through_the_api(world: World) -> None:
    anna = client_for(world.anna)
    payload = {
        "organization": world.aurelia.pk,
        "substitute": world.bruno.pk,
        "starts_on": "2026-05-15",
        "ends_on": "2026-05-29",
    }
    created = anna.post("/api/delegations/", payload, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["substitute"]["username"] == "bruno"
    assert client_for(world.bruno).get("/api/delegations/").json()["count"] == 1
    outsider = {**payload, "substitute": world.erica.pk}
    assert (
        "substitute" in assert_error(anna.post("/api/delegations/", outsider, format="json"), 400, "invalid")["fields"]
    )
    assert_error(
        client_for(world.sara).post("/api/delegations/", {**payload, "substitute": world.anna.pk}, format="json"),
        403,
        "permission_denied",
    )
    revoked = anna.post(f"/api/delegations/{created.json()['id']}/revoke", format="json")
    assert revoked.json()["revoked_at"] is not None


def test_the_schema_and_the_docs_are_served(world: World) -> None:
    diana = client_for(world.diana)
    schema = diana.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/activities/{id}/transitions/" in schema.json()["paths"]
    assert diana.get("/api/docs/").status_code == 200
