"""The plan's versions and the difference page: a target changed by an approved rimodulazione shows its old and new
value with the motivation and the act; each person sees only the objectives that are theirs; the inbox shows the
change to the director, who approves it with the act.

Today is Friday 15 May 2026 (the `frozen_today` fixture)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client

from plans.models import IndicatorTarget
from tests.web.html import page_text, table_titled
from tests.workflow.world import World, build_world
from workflow.models import PlanVersion, TransitionRequest
from workflow.services.changes import change_approve, change_request
from workflow.services.plan_lifecycle import plan_adopt


@pytest.fixture
def world(db: None, frozen_today: dt.date) -> World:
    """The world with its plan still a draft: these tests adopt it themselves."""
    return build_world(live=False)


pytestmark = pytest.mark.django_db

ACT = "Decreto del direttore n. 7"


@pytest.fixture
def adopted(world: World) -> World:
    plan_adopt(actor=world.diana, plan=world.plan, act="Delibera di Giunta n. 12", adopted_on=dt.date(2026, 1, 20))
    IndicatorTarget.objects.create(indicator=world.indicator, year=2026, raw="=>10", kind="threshold")
    return world


@pytest.fixture
def changed(adopted: World) -> World:
    world = adopted
    request = change_request(
        actor=world.anna,
        objective=world.objective,
        changes={"indicators": [{"id": world.indicator.pk, "targets": {"2026": "=>12"}}]},
        motivation="Nuove risorse dal fondo regionale",
    ).request
    change_approve(actor=world.diana, request=request, act=ACT, act_date=dt.date(2026, 5, 14))
    return world


def logged_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def test_the_difference_page_shows_the_old_and_new_target_with_motivation_and_act(
    client: Client, changed: World
) -> None:
    world = changed
    response = logged_in(client, world.sara).get(f"/piani/{world.plan.pk}/versioni/differenze/?da=1&a=2")
    assert response.status_code == 200
    table = table_titled(response, "Valori prima e dopo dell'obiettivo SOC-1")
    assert table.row_with("valore atteso 2026") == [
        "Indicatore 1. Utenti presi in carico: valore atteso 2026",
        "=>10",
        "=>12",
    ]
    text = page_text(response)
    assert "Nuove risorse dal fondo regionale" in text
    assert f"{ACT} del 14/05/2026" in text
    # Either order: from 2 back to 1 shows the same values, the columns swapped by version number.
    back = logged_in(client, world.sara).get(f"/piani/{world.plan.pk}/versioni/differenze/?da=2&a=1")
    assert (table_titled(back, "Valori prima e dopo dell'obiettivo SOC-1").row_with("valore atteso") or [])[1:] == [
        "=>10",
        "=>12",
    ]


def test_the_versions_page_lists_every_version(client: Client, changed: World) -> None:
    world = changed
    response = logged_in(client, world.diana).get(f"/piani/{world.plan.pk}/versioni/")
    assert response.status_code == 200
    text = page_text(response)
    assert "il piano come adottato" in text and "Delibera di Giunta n. 12" in text
    assert "Nuove risorse dal fondo regionale" in text and ACT in text
    assert (
        f"/piani/{world.plan.pk}/versioni/"
        in logged_in(client, world.diana).get(f"/piani/{world.plan.pk}/").content.decode()
    )


def test_nobody_sees_what_is_not_theirs(client: Client, changed: World) -> None:
    world = changed
    # Bruno heads the other area: he sees the plan but not SOC-1's change.
    response = logged_in(client, world.bruno).get(f"/piani/{world.plan.pk}/versioni/differenze/?da=1&a=2")
    assert response.status_code == 200
    assert "SOC-1" not in page_text(response) and "=>12" not in page_text(response)
    assert "Nuove risorse" not in page_text(response)
    for url in (f"/piani/{world.plan.pk}/versioni/", f"/piani/{world.plan.pk}/versioni/differenze/?da=1&a=2"):
        assert logged_in(client, world.erica).get(url).status_code == 404


@pytest.mark.parametrize("query", ["", "?da=1", "?da=uno&a=2", "?da=1&a=9", "?da=1&a=99999999999999"])
def test_a_bad_choice_of_versions_is_explained(client: Client, changed: World, query: str) -> None:
    response = logged_in(client, changed.diana).get(f"/piani/{changed.plan.pk}/versioni/differenze/{query}")
    assert response.status_code in (400, 404)
    assert "scegli" in page_text(response).lower() and "version" in page_text(response).lower()


def test_the_director_approves_a_change_in_the_inbox_with_the_act(client: Client, adopted: World) -> None:
    world = adopted
    request = change_request(
        actor=world.anna,
        objective=world.objective,
        changes={"indicators": [{"id": world.indicator.pk, "targets": {"2026": "=>12"}}]},
        motivation="Nuove risorse",
    ).request
    inbox = logged_in(client, world.diana).get("/approvazioni/")
    assert (table_titled(inbox, "Modifiche chieste").row_with("valore atteso 2026") or [])[1:] == ["=>10", "=>12"]
    url = f"/approvazioni/{request.pk}/decisione/"
    without_act = client.post(url, {f"r{request.pk}-decision": "approve", f"r{request.pk}-comment": ""})
    assert without_act.status_code == 302
    assert TransitionRequest.objects.get(pk=request.pk).status == "pending"
    data = {
        f"r{request.pk}-decision": "approve",
        f"r{request.pk}-comment": "",
        f"r{request.pk}-act": ACT,
        f"r{request.pk}-act_date": "2026-05-14",
    }
    assert client.post(url, data).status_code == 302
    assert TransitionRequest.objects.get(pk=request.pk).status == "approved"
    assert IndicatorTarget.objects.get(indicator=world.indicator).raw == "=>12"
    assert PlanVersion.objects.get(plan=world.plan, number=2).act == ACT


def _form(world: World, **changes: str) -> dict[str, str]:
    """The proposal form as its page fills it, with `changes`."""
    target = f"indicatore-{world.indicator.pk}-atteso-2026"
    data = {
        "title": world.objective.title,
        "description": "",
        "weight": "",
        "planned_start": "",
        "planned_end": "2026-12-31",
        f"indicatore-{world.indicator.pk}-nome": world.indicator.name,
        f"indicatore-{world.indicator.pk}-peso": "",
        target: "=>10",
        "motivation": "",
    }
    return data | {key.replace("TARGET", target): value for key, value in changes.items()}


def test_the_area_head_asks_for_a_rimodulazione_from_the_objective_s_page(client: Client, adopted: World) -> None:
    world = adopted
    url = f"/obiettivi/{world.objective.pk}/rimodulazione/"
    page = logged_in(client, world.anna).get(f"/obiettivi/{world.objective.pk}/")
    assert url in page.content.decode()
    form = client.get(url)
    assert form.status_code == 200 and 'value="=&gt;10"' in form.content.decode()

    refused = client.post(url, _form(world, TARGET="=>12"))
    assert refused.status_code == 400 and "motivazione" in page_text(refused).lower()
    assert 'value="=&gt;12"' in refused.content.decode()  # what was typed stays
    assert not TransitionRequest.objects.exists()

    asked = client.post(url, _form(world, TARGET="=>12", motivation="Nuove risorse"))
    assert asked.status_code == 302
    request = TransitionRequest.objects.get(transition="rimodula")
    assert request.changes == {
        "indicators": [
            {
                "op": "change",
                "id": world.indicator.pk,
                "label": "1. Utenti presi in carico",
                "fields": {},
                "targets": {"2026": {"before": "=>10", "after": "=>12"}},
            }
        ]
    }


def test_staff_get_no_proposal_form_and_the_director_s_own_applies(client: Client, adopted: World) -> None:
    world = adopted
    url = f"/obiettivi/{world.objective.pk}/rimodulazione/"
    assert url not in logged_in(client, world.sara).get(f"/obiettivi/{world.objective.pk}/").content.decode()
    assert client.get(url).status_code == 403
    assert client.post(url, _form(world, TARGET="=>12", motivation="x")).status_code == 403
    assert not TransitionRequest.objects.exists()
    data = _form(world, TARGET="=>15", motivation="Riorganizzazione", act=ACT, act_date="2026-05-14")
    assert logged_in(client, world.diana).post(url, data).status_code == 302
    assert IndicatorTarget.objects.get(indicator=world.indicator).raw == "=>15"
    assert PlanVersion.objects.filter(plan=world.plan).count() == 2
