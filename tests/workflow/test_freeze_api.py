"""The API on a validated plan: every write answers 409 with code "plan_frozen" and the Italian message, in the
one error shape, and writes nothing; the items list no transition a caller could ask for."""

from __future__ import annotations

import pytest

from tests.workflow.test_api import assert_error, client_for
from tests.workflow.test_freeze import FROZEN, Frozen
from tests.workflow.world import World
from workflow.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen(world: World) -> Frozen:
    return Frozen(world)


def test_every_write_of_the_api_answers_409_plan_frozen(frozen: Frozen) -> None:
    w, trail = frozen.world, AuditEntry.objects.count()
    sara, anna, diana = client_for(w.sara), client_for(w.anna), client_for(w.diana)
    answers = [
        sara.post(f"/api/activities/{w.second_activity.pk}/transitions/", {"transition": "avvia"}, format="json"),
        diana.post(f"/api/objectives/{w.transversal.pk}/transitions/", {"transition": "avvia"}, format="json"),
        anna.post(f"/api/approvals/{frozen.pending.pk}/approve/", {"comment": "Bene"}, format="json"),
        anna.post(f"/api/approvals/{frozen.pending.pk}/reject/", {"comment": "No"}, format="json"),
        sara.post(f"/api/requests/{frozen.pending.pk}/withdraw/", {}, format="json"),
        sara.post(f"/api/indicators/{w.indicator.pk}/measurements/", {"year": 2026, "value": "15"}, format="json"),
    ]
    for answer in answers:
        body = assert_error(answer, 409, "plan_frozen")
        assert FROZEN in body["message"] and "PEG-2026" in body["message"]
    assert AuditEntry.objects.count() == trail


def test_the_items_of_a_validated_plan_offer_no_transition(frozen: Frozen) -> None:
    w = frozen.world
    answer = client_for(w.diana).get(f"/api/objectives/{w.transversal.pk}/")
    assert answer.status_code == 200
    assert answer.json()["available_transitions"] == []
