"""POST /api/auth/token/ under attack: the failures lock as on the login page (and share its counts), the
throttles limit the requests, and every refusal is the API's error shape with 429 and Retry-After."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.test import Client
from rest_framework.test import APIClient

from tests.conftest import TODAY
from tests.workflow.world import World

ATTACKER = "203.0.113.7"
ELSEWHERE = "198.51.100.20"
THROTTLED = "Troppe richieste in poco tempo. Riprova tra 1 minuto, dalle 10:01."


def ask_token(username: str, password: str, *, address: str = ATTACKER, body: Any = None) -> Any:
    payload = body if body is not None else {"username": username, "password": password}
    return APIClient().post("/api/auth/token/", payload, format="json", REMOTE_ADDR=address)


def assert_too_many(response: Any, code: str, message: str, retry_after: str) -> None:
    assert response.status_code == 429, response.content
    assert response.json() == {"code": code, "message": message, "fields": {}}
    assert response["Retry-After"] == retry_after


def test_thirty_wrong_passwords_lock_the_username_from_that_address(world: World) -> None:
    answers = [ask_token("anna", "sbagliata") for _ in range(30)]

    assert [answer.json()["code"] for answer in answers[:4]] == ["invalid_credentials"] * 4
    locked = "Troppi tentativi di accesso non riusciti da questo indirizzo. Riprova tra 15 minuti, dalle 10:15."
    for answer in answers[4:10]:
        assert_too_many(answer, "locked_out", locked, "900")
    # Past ten a minute, DRF's throttle of one username from one address answers first, in Italian too.
    assert_too_many(answers[-1], "throttled", THROTTLED, "60")


def test_the_right_password_is_refused_while_locked_and_gets_a_token_after_the_cool_off(world: World) -> None:
    for _ in range(5):
        ask_token("anna", "sbagliata")
    assert ask_token("anna", "segreta").json()["code"] == "locked_out"
    with time_machine.travel(TODAY + dt.timedelta(minutes=15, seconds=1), tick=False):
        answer = ask_token("anna", "segreta")
        assert answer.status_code == 200 and set(answer.json()) == {"token", "expiry", "prefix"}


def test_another_username_from_the_same_address_still_gets_a_token(world: World) -> None:
    for _ in range(30):
        ask_token("anna", "sbagliata")
    assert ask_token("anna", "segreta").status_code == 429
    assert ask_token("bruno", "segreta").status_code == 200
    assert ask_token("anna", "segreta", address=ELSEWHERE).status_code == 200


def test_thirty_failures_from_one_address_lock_it_for_every_username(world: World) -> None:
    for number in range(10):
        for _ in range(3):
            ask_token(f"utente{number}", "Estate2026!")
    locked = ask_token("bruno", "segreta")
    assert locked.json()["code"] == "locked_out"
    assert ask_token("bruno", "segreta", address=ELSEWHERE).status_code == 200


def test_the_login_page_and_the_token_endpoint_count_the_same_failures(world: World) -> None:
    for _ in range(3):
        Client().post("/accedi/", {"username": "anna", "password": "sbagliata"}, REMOTE_ADDR=ATTACKER)
    assert ask_token("anna", "sbagliata").json()["code"] == "invalid_credentials"
    assert ask_token("anna", "sbagliata").json()["code"] == "locked_out"  # the fifth failure, wherever it was
    page = Client().post("/accedi/", {"username": "anna", "password": "segreta"}, REMOTE_ADDR=ATTACKER)
    assert page.status_code == 429


def test_ten_token_requests_a_minute_from_one_username_and_address_even_with_the_right_password(world: World) -> None:
    assert all(ask_token("anna", "segreta").status_code == 200 for _ in range(10))
    too_many = ask_token("anna", "segreta")
    assert_too_many(too_many, "throttled", THROTTLED, "60")
    assert ask_token("bruno", "segreta").status_code == 200
    with time_machine.travel(TODAY + dt.timedelta(seconds=61), tick=False):
        assert ask_token("anna", "segreta").status_code == 200


def test_sixty_requests_a_minute_from_one_address_whatever_they_carry(world: World) -> None:
    # Bodies that fail validation cost the server nothing in password hashing, but they count too.
    assert {ask_token("", "", body={"nome": "x"}).status_code for _ in range(60)} == {400}
    assert_too_many(ask_token("bruno", "segreta"), "throttled", THROTTLED, "60")
    assert ask_token("bruno", "segreta", address=ELSEWHERE).status_code == 200


def test_a_forged_x_forwarded_for_does_not_escape_the_throttle(world: World) -> None:
    for number in range(60):
        forged_address = f"10.0.{number}.1"
        APIClient().post(
            "/api/auth/token/", {}, format="json", REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=forged_address
        )
    forged = APIClient().post(
        "/api/auth/token/",
        {"username": "bruno", "password": "segreta"},
        format="json",
        REMOTE_ADDR=ATTACKER,
        HTTP_X_FORWARDED_FOR="10.9.9.9",
    )
    assert forged.status_code == 429


def test_the_schema_documents_the_429(world: World) -> None:
    client = Client()
    client.force_login(world.anna)
    operation = client.get("/api/schema/?format=json").json()["paths"]["/api/auth/token/"]["post"]
    assert operation["responses"]["429"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
