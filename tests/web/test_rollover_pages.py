"""The rollover page (/piani/<id>/anno-successivo/): the director sees the preview and creates next year's draft
with the activities they tick; others may not, a plan not closed is not rolled over, a refusal changes nothing.

Today is Friday 15 May 2026 (the `frozen_today` fixture)."""

from __future__ import annotations

import pytest
from django.test import Client

from plans.models import Activity, Plan, PlanState
from tests.web.helpers import database_state
from tests.web.html import page_text
from tests.workflow.world import World

pytestmark = pytest.mark.django_db


def _client(world: World, name: str) -> Client:
    client = Client()
    client.force_login(world.users[name])
    return client


def _url(plan: Plan) -> str:
    return f"/piani/{plan.pk}/anno-successivo/"


def _close(world: World) -> None:
    Plan.objects.filter(pk=world.plan.pk).update(state=PlanState.CLOSED)


def test_the_director_sees_the_action_the_preview_and_creates_the_draft(world: World) -> None:
    _close(world)
    client = _client(world, "diana")
    assert "Crea il piano dell'anno successivo" in page_text(client.get(f"/piani/{world.plan.pk}/"))

    page = client.get(_url(world.plan))
    assert page.status_code == 200
    text = page_text(page)
    assert "2 obiettivi" in text and "1 indicatore" in text and "Mappatura degli sportelli" in text
    assert 'value="PEG-2027"' in page.content.decode()

    answer = client.post(
        _url(world.plan), {"code": "PEG-2027", "title": "PEG 2027", "activities": [str(world.activity.pk)]}
    )
    draft = Plan.objects.get(code="PEG-2027")
    assert answer.status_code == 302 and answer["Location"] == f"/piani/{draft.pk}/"
    assert draft.state == PlanState.DRAFT
    assert list(Activity.objects.filter(objective__plan=draft).values_list("carried_over_from", flat=True)) == [
        world.activity.pk
    ]
    assert "Creato dal piano" in page_text(client.get(answer["Location"]))
    old_page = page_text(client.get(f"/piani/{world.plan.pk}/"))
    assert "PEG-2027" in old_page and "Crea il piano dell'anno successivo" not in old_page


def test_a_taken_code_is_shown_next_to_its_field_and_nothing_changes(world: World) -> None:
    _close(world)
    before = database_state()
    page = _client(world, "diana").post(_url(world.plan), {"code": "PEG-2026", "title": "PEG 2027"})
    assert page.status_code == 400
    assert "già un piano con il codice «PEG-2026»" in page_text(page)
    assert database_state() == before


def test_a_plan_in_execution_says_to_close_it_first(world: World) -> None:
    client = _client(world, "diana")
    assert "Crea il piano dell'anno successivo" not in page_text(client.get(f"/piani/{world.plan.pk}/"))
    assert "Chiudi prima il piano" in page_text(client.get(_url(world.plan)))
    before = database_state()
    page = client.post(_url(world.plan), {"code": "PEG-2027", "title": "PEG 2027"})
    assert page.status_code == 409 and "Chiudi prima il piano" in page_text(page)
    assert database_state() == before


@pytest.mark.parametrize(("name", "status"), [("anna", 403), ("sara", 403), ("otto", 403), ("erica", 404)])
def test_only_the_director_may_open_or_post_the_page(world: World, name: str, status: int) -> None:
    _close(world)
    client = _client(world, name)
    if status == 403:
        assert "Crea il piano dell'anno successivo" not in page_text(client.get(f"/piani/{world.plan.pk}/"))
    before = database_state()
    assert client.get(_url(world.plan)).status_code == status
    assert client.post(_url(world.plan), {"code": "PEG-2027", "title": "PEG 2027"}).status_code == status
    assert database_state() == before
