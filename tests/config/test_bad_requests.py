"""Requests broken before any view reads them (a forged Host, an oversize body, a NUL in the path, the query,
a header or a cookie): a 4xx, in the API's error shape under /api/ and as a page elsewhere, never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from plans.models import Measurement
from tests.workflow.world import World
from workflow.models import TransitionRequest
from workflow.tokens import token_create

pytestmark = pytest.mark.django_db

FIVE_MB = 5 * 1024 * 1024


def api_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert set(body) == {"code", "message", "fields"} and body["message"]
    return body


def page(response: Any, status: int) -> str:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("text/html")
    text: str = response.content.decode()
    assert "Traceback" not in text
    return text


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1:8000@evil", "a..b", "[::1"])
def test_a_host_outside_allowed_hosts_answers_400(world: World, host: str) -> None:
    """It used to answer 500: Django's 400 page drew the menu, which read request.user, and a request refused
    by CommonMiddleware never reached AuthenticationMiddleware."""
    client = Client()
    client.force_login(world.diana)
    assert "Richiesta non valida" in page(client.get("/", headers={"host": host}), 400)
    assert api_error(client.get("/api/plans/", headers={"host": host}), 400)["code"] == "bad_host"


def test_a_five_megabyte_body_on_the_api_answers_413_in_the_error_shape(world: World) -> None:
    client = Client(headers={"authorization": f"Token {token_create(user=world.diana)[1]}"})
    url = f"/api/indicators/{world.indicator.pk}/measurements/"
    note = "x" * FIVE_MB
    for response in (
        client.post(url, json.dumps({"year": 2026, "value": "5", "note": note}), content_type="application/json"),
        client.post(url, {"year": "2026", "value": "5", "note": note}),  # multipart
        client.post(url, f"year=2026&value=5&note={note}", content_type="application/x-www-form-urlencoded"),
    ):
        body = api_error(response, 413)
        assert body["code"] == "too_large" and "2,5" in body["message"]
    assert not Measurement.objects.exists()


def test_too_many_fields_on_the_api_answer_413(world: World) -> None:
    client = Client()
    client.force_login(world.diana)
    fields = "&".join(f"field{number}=1" for number in range(2_000))
    response = client.post("/api/delegations/", fields, content_type="application/x-www-form-urlencoded")
    assert api_error(response, 413)["code"] == "too_large"


def test_a_five_megabyte_form_on_a_page_answers_a_413_page(world: World) -> None:
    client = Client()
    client.force_login(world.sara)
    response = client.post(
        f"/attivita/{world.activity.pk}/transizioni/", {"transition": "avvia", "comment": "x" * FIVE_MB}
    )
    assert "Richiesta troppo grande" in page(response, 413)
    assert not TransitionRequest.objects.exists()


def test_a_malformed_multipart_body_answers_400(world: World) -> None:
    client = Client()
    client.force_login(world.sara)
    response = client.post(
        f"/attivita/{world.activity.pk}/transizioni/", b"--x\r\nnonsense", content_type="multipart/form-data"
    )
    page(response, 400)
    assert not TransitionRequest.objects.exists()


@pytest.mark.parametrize(
    ("url", "headers", "where"),
    [
        ("/api/approvals/?status=pending%00", {}, "status"),
        ("/api/plans/", {"authorization": "Token abc\x00def"}, "Authorization"),
        ("/api/plans/", {"cookie": "sessionid=abcdefghij\x00klm"}, "Cookie"),
        ("/api/activities/?state=programmato&owner%00=1", {}, "owner\\0"),
    ],
)
def test_a_nul_before_the_view_answers_400_on_the_api_naming_where(
    world: World, url: str, headers: dict[str, str], where: str
) -> None:
    """Each used to reach PostgreSQL (a token, a session, a filter) and answer 500."""
    client = Client(headers=headers)
    if not headers:
        client.force_login(world.diana)
    body = api_error(client.get(url), 400)
    assert list(body["fields"]) == [where]
    assert "NUL" in body["fields"][where][0]


@pytest.mark.parametrize(
    ("url", "headers", "where"),
    [
        ("/calendario/abc%00def.ics", {}, "path"),
        ("/admin/plans/objective/?state=%00", {}, "state"),
        ("/", {"cookie": "sessionid=abcdefghij\x00klm"}, "Cookie"),
        ("/scadenze/?plan=%00", {}, "plan"),
    ],
)
def test_a_nul_before_the_view_answers_a_400_page_naming_where(
    world: World, url: str, headers: dict[str, str], where: str
) -> None:
    world.diana.is_staff = world.diana.is_superuser = True
    world.diana.save()
    client = Client(headers=headers)
    if not headers:
        client.force_login(world.diana)
    text = page(client.get(url), 400)
    assert f"<strong>{where}</strong>" in text and "NUL" in text
