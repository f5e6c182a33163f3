"""The API under an attacker's input: every refusal is a 4xx in the one error shape, naming the field where
there is one, and changes nothing. Each of these used to answer 500, an HTML page, or be accepted."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from plans.models import Measurement
from tests.workflow.world import World
from workflow.models import Delegation, TransitionRequest
from workflow.tokens import token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def diana(world: World) -> Client:
    """The director, calling with her API token as another system would."""
    secret = token_create(user=world.diana)[1]
    return Client(headers={"authorization": f"Token {secret}"})


def refused(response: Any, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == {"code", "message", "fields"} and body["message"]
    return body


def measurements_url(world: World) -> str:
    return f"/api/indicators/{world.indicator.pk}/measurements/"


def post_json(client: Client, url: str, body: str | dict[str, Any]) -> Any:
    return client.post(url, body if isinstance(body, str) else json.dumps(body), content_type="application/json")


def test_a_hundred_thousand_nested_arrays_answer_400_in_the_error_shape(diana: Client, world: World) -> None:
    url = f"/api/activities/{world.activity.pk}/transitions/"
    body = refused(post_json(diana, url, "[" * 100_000 + "]" * 100_000))
    assert body["code"] == "parse_error"
    nested = '{"transition": "avvia", "comment": ' + "[" * 100_000 + "]" * 100_000 + "}"
    assert refused(post_json(diana, url, nested))["code"] == "parse_error"
    assert not TransitionRequest.objects.exists()


def test_nesting_past_the_limit_names_the_field(diana: Client, world: World) -> None:
    url = f"/api/activities/{world.activity.pk}/transitions/"
    body = refused(post_json(diana, url, '{"transition": "avvia", "comment": ' + "[" * 30 + "]" * 30 + "}"))
    assert body["code"] == "invalid"
    assert list(body["fields"]) == ["comment" + ".0" * 19]
    assert not TransitionRequest.objects.exists()


@pytest.mark.parametrize("value", ["9" * 40 + "/1", "1/" + "9" * 40, "9" * 15, ">= " + "9" * 20 + "%"])
def test_a_measurement_too_large_for_its_column_names_the_field_value(diana: Client, world: World, value: str) -> None:
    body = refused(post_json(diana, measurements_url(world), {"year": 2026, "value": value}))
    assert body["code"] == "invalid"
    assert list(body["fields"]) == ["value"]
    assert "14 cifre" in body["fields"]["value"][0]
    assert not Measurement.objects.exists()


def test_the_largest_value_the_column_holds_is_recorded(diana: Client, world: World) -> None:
    response = post_json(diana, measurements_url(world), {"year": 2026, "value": "99999999999999/1"})
    assert response.status_code == 201, response.content
    # Rounded to the column's six decimals it would overflow: refused, not a 500.
    refused(post_json(diana, measurements_url(world), {"year": 2026, "value": "99999999999999.9999999"}))


def test_a_measurement_dated_year_one_is_refused_with_the_bounds(diana: Client, world: World) -> None:
    body = refused(post_json(diana, measurements_url(world), {"year": 2026, "value": "5", "measured_on": "0001-01-01"}))
    assert list(body["fields"]) == ["measured_on"]
    assert "tra il 01/01/2025 e il 31/12/2027" in body["fields"]["measured_on"][0]
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(
    ("literal", "field"),
    [("1e400", "value"), ("-1e400", "value"), ("NaN", "year"), ("Infinity", "value"), ("9" * 30, "value")],
)
def test_numbers_json_cannot_hold_name_their_field(diana: Client, world: World, literal: str, field: str) -> None:
    values = {"year": "2026", "value": '"5"'} | {field: literal}
    text = "{" + ", ".join(f'"{name}": {value}' for name, value in values.items()) + "}"
    body = refused(post_json(diana, measurements_url(world), text))
    assert (body["code"], list(body["fields"])) == ("invalid", [field])
    assert not Measurement.objects.exists()  # "inf" used to be stored as a value written in words


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[]", "deve essere un oggetto JSON"),
        ('"avvia"', "deve essere un oggetto JSON"),
        ("null", "deve essere un oggetto JSON"),
        ('{"transition": "avvia"', "JSON non valido alla riga 1, colonna 23"),
        ("{'transition': 'avvia'}", "JSON non valido alla riga 1, colonna 2"),
    ],
)
def test_bodies_that_are_not_a_json_object_answer_400_saying_where(
    diana: Client, world: World, text: str, said: str
) -> None:
    body = refused(post_json(diana, f"/api/activities/{world.activity.pk}/transitions/", text))
    assert body["code"] == "parse_error"
    assert said in body["message"]
    assert not TransitionRequest.objects.exists()


def test_a_body_not_in_utf8_answers_400(diana: Client, world: World) -> None:
    url = f"/api/activities/{world.activity.pk}/transitions/"
    response = diana.post(url, b'{"transition": "avvia", "comment": "\xff"}', content_type="application/json")
    body = refused(response)
    assert body["code"] == "parse_error"
    assert body["message"] == "Il corpo della richiesta non è testo utf-8 (byte 36): invialo in UTF-8."


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("transitions", {"transition": "avvia", "comment": "ok\x00"}, "comment"),
        ("transitions", {"transition": "avvia\x00"}, "transition"),
        (
            "transitions",
            {"transition": "rinvia", "reason": "x", "new_planned_end": "2026-09-30\x00"},
            "new_planned_end",
        ),
        ("measurements", {"year": 2026, "value": "5", "note": "a\x00b"}, "note"),
        ("measurements", {"year": 2026, "value": "5", "extra": {"deep": ["\x00"]}}, "extra.deep.0"),
        (
            "delegations",
            {"organization": 1, "substitute": 1, "starts_on": "x", "ends_on": "y", "reason": "\x00"},
            "reason",
        ),
        ("token", {"username": "diana\x00", "password": "segreta"}, "username"),
    ],
)
def test_a_nul_anywhere_in_a_json_body_names_the_field(
    diana: Client, world: World, url: str, body: dict[str, Any], field: str
) -> None:
    urls = {
        "transitions": f"/api/activities/{world.activity.pk}/transitions/",
        "measurements": measurements_url(world),
        "delegations": "/api/delegations/",
        "token": "/api/auth/token/",
    }
    answer = refused(post_json(diana, urls[url], body))
    assert field in answer["fields"]
    assert "NUL" in answer["fields"][field][0]
    assert not (TransitionRequest.objects.exists() or Measurement.objects.exists() or Delegation.objects.exists())


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"transition": "rinvia", "reason": "Ferie", "new_planned_end": "9999-12-31"}, "new_planned_end"),
        ({"transition": "rinvia", "reason": "Ferie", "new_planned_end": "2062-06-30"}, "new_planned_end"),
        ({"transition": "concludi", "actual_end": "0001-01-01"}, "actual_end"),
        ({"transition": "concludi", "actual_end": "2019-05-01"}, "actual_end"),
    ],
)
def test_transition_dates_outside_the_plans_years_are_refused(
    diana: Client, world: World, body: dict[str, Any], field: str
) -> None:
    if body["transition"] == "concludi":
        post_json(diana, f"/api/activities/{world.activity.pk}/transitions/", {"transition": "avvia"})
    answer = refused(post_json(diana, f"/api/activities/{world.activity.pk}/transitions/", body))
    assert list(answer["fields"]) == [field]
    assert "tra il 01/01/2025 e il 31/12/2027" in answer["fields"][field][0]
    assert not TransitionRequest.objects.filter(transition=body["transition"]).exists()


def test_the_edges_of_the_window_are_accepted(diana: Client, world: World) -> None:
    url = f"/api/activities/{world.activity.pk}/transitions/"
    response = post_json(diana, url, {"transition": "rinvia", "reason": "Ferie", "new_planned_end": "2027-12-31"})
    assert response.status_code == 202, response.content  # asked: it awaits the area head
    response = post_json(diana, measurements_url(world), {"year": 2026, "value": "5", "measured_on": "2025-01-01"})
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(("starts_on", "ends_on"), [("0001-01-01", "2026-05-31"), ("2026-05-20", "9999-12-31")])
def test_delegation_dates_must_fall_between_last_year_and_next(
    diana: Client, world: World, starts_on: str, ends_on: str
) -> None:
    body = {"organization": world.aurelia.pk, "substitute": world.bruno.pk, "starts_on": starts_on, "ends_on": ends_on}
    answer = refused(post_json(diana, "/api/delegations/", body))
    field = "starts_on" if starts_on.startswith("0001") else "ends_on"
    assert field in answer["fields"]
    assert "tra il 01/01/2025 e il 31/12/2027" in answer["fields"][field][0]
    assert not Delegation.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/api/objectives/?plan=99999999999999999999",
        "/api/activities/?owner=-99999999999999999999",
        "/api/indicators/?objective=1e400",
        "/api/monitoring-answers/?activity=99999999999999999999",
        "/api/objectives/?page=99999999999999999999",
        "/api/objectives/99999999999999999999/",
        "/api/delegations/99999999999999999999/revoke",
    ],
)
def test_integers_beyond_64_bits_in_queries_and_ids_answer_4xx(diana: Client, world: World, url: str) -> None:
    response = diana.post(url) if url.endswith("revoke") else diana.get(url)
    assert response.status_code in (400, 404)
    refused(response, response.status_code)
