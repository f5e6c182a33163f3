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
