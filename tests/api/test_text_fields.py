"""A text sent as another JSON type is refused where it stands, never stored as its text (DRF's CharField made 0
into "0" and true into "True"; schemathesis found the approval's comment taking a number)."""

from __future__ import annotations

import pytest
from django.test import Client

from plans.models import Activity, WorkState
from tests.workflow.world import World
from workflow.tokens import token_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("value", "kind"), [(0, "numero"), (True, "booleano"), ({"a": 1}, "oggetto"), ([1], "lista")])
def test_a_comment_that_is_not_a_string_is_refused_and_nothing_changes(world: World, value: object, kind: str) -> None:
    sara = Client(headers={"Authorization": f"Token {token_create(user=world.sara)[1]}"})
    answer = sara.post(
        f"/api/activities/{world.activity.pk}/transitions/",
        {"transition": "avvia", "comment": value},
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert answer.json()["fields"]["comment"] == [
        f"Va scritto come testo tra virgolette: è arrivato un valore di tipo {kind}."
    ]
    assert Activity.objects.get(pk=world.activity.pk).state == WorkState.PROGRAMMATO


def test_the_type_is_named_in_the_reader_s_language(world: World) -> None:
    sara = Client(headers={"Authorization": f"Token {token_create(user=world.sara)[1]}", "Accept-Language": "en"})
    answer = sara.post(
        f"/api/activities/{world.activity.pk}/transitions/",
        {"transition": "avvia", "comment": {"a": 1}},
        content_type="application/json",
    )
    assert answer.json()["fields"]["comment"] == ["Write it as a text in quotes: a value of type object arrived."]


@pytest.mark.parametrize("where", ["value", "key"])
def test_a_lone_surrogate_is_refused_where_it_stands_not_a_500(world: World, where: str) -> None:
    """ "\\ud800" is valid JSON but no text: it used to reach the throttle's digest or PostgreSQL's jsonb (a 500)."""
    body = '{"username": "\\ud800", "password": "x"}' if where == "value" else '{"\\udc00name": "x"}'
    answer = Client().post("/api/auth/token/", body, content_type="application/json")
    assert answer.status_code == 400
    problems = answer.json()["fields"]
    assert any("surrogato UTF-16 isolato" in message for messages in problems.values() for message in messages)
