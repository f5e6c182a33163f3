"""The plan's life on its page: the state, the director's next step as a form (adopt with the act and its date,
start, close), a superuser's reopening of a validated plan, and the history of the steps from the audit trail.
Wrong input is shown next to its field, a refusal as a message; neither changes anything, and nothing is a 500."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from plans.models import OrganizationRole, Plan, PlanState
from tests.web.helpers import database_state
from tests.web.html import page_text
from tests.workflow.world import World, build_world
from workflow.models import ApprovalPolicy, Chain, PlanTransition, TargetKind, TransitionRequest
from workflow.services.plan_lifecycle import plan_adopt


@pytest.fixture
def world(db: None, frozen_today: dt.date) -> World:
    """The world with its plan still a draft: these tests take it through its life from the start."""
    return build_world(live=False)


pytestmark = pytest.mark.django_db


def logged_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def plan_url(plan: Plan) -> str:
    return f"/piani/{plan.pk}/"


def step_url(plan: Plan, step: str) -> str:
    return f"/piani/{plan.pk}/passi/{step}/"


def step_forms(response: Any) -> list[str]:
    return re.findall(r'action="/piani/\d+/passi/(\w+)/"', response.content.decode())


def state_of(plan: Plan) -> str:
    return Plan.objects.get(pk=plan.pk).state


ADOPTED_ON = dt.date(2026, 1, 20)
ADOPTION = {"adozione-act": "Delibera di Giunta n. 12", "adozione-adopted_on": "2026-01-20"}


def test_the_director_adopts_starts_and_closes_the_plan_from_its_page(client: Client, world: World) -> None:
    diana = logged_in(client, world.diana)
    page = diana.get(plan_url(world.plan))
    assert "Stato: Bozza" in page_text(page)
    assert step_forms(page) == ["adopt"]

    response = diana.post(step_url(world.plan, "adopt"), ADOPTION, follow=True)
    assert response.redirect_chain == [(plan_url(world.plan), 302)]
    text = page_text(response)
    assert "Fatto: il piano ora è «Adottato»." in text
    assert "adottato con Delibera di Giunta n. 12 del 20/01/2026" in text
    assert step_forms(response) == ["start"]

    response = diana.post(step_url(world.plan, "start"), follow=True)
    assert step_forms(response) == ["close"]
    response = diana.post(step_url(world.plan, "close"), follow=True)
    assert step_forms(response) == []
    assert state_of(world.plan) == PlanState.CLOSED

    history = page_text(response).split("Passaggi del piano", 1)[1]
    assert history.index("Bozza → Adottato") < history.index("Adottato → In esecuzione")
    assert history.index("Adottato → In esecuzione") < history.index("In esecuzione → Chiuso")
    assert "(Diana)" in history and "Delibera di Giunta n. 12" in history


@pytest.mark.parametrize("name", ["anna", "sara", "otto"])
def test_who_is_not_the_director_sees_the_state_but_no_step_and_cannot_post_one(
    client: Client, world: World, name: str
) -> None:
    caller = logged_in(client, world.users[name])
    page = caller.get(plan_url(world.plan))
    assert "Stato: Bozza" in page_text(page)
    assert step_forms(page) == []
    before = database_state()
    response = caller.post(step_url(world.plan, "adopt"), ADOPTION, follow=True)
    assert response.status_code == 200
    assert "Il piano lo adotta il direttore dell'ente." in page_text(response)
    assert database_state() == before


def test_another_bodys_director_gets_404(client: Client, world: World) -> None:
    caller = logged_in(client, world.erica)
    assert caller.get(plan_url(world.plan)).status_code == 404
    assert caller.post(step_url(world.plan, "adopt"), ADOPTION).status_code == 404
    assert state_of(world.plan) == PlanState.DRAFT


def test_a_bad_adoption_says_what_is_wrong_next_to_each_field(client: Client, world: World) -> None:
    diana = logged_in(client, world.diana)
    before = database_state()
    response = diana.post(step_url(world.plan, "adopt"), {"adozione-act": "  ", "adozione-adopted_on": "20/13/2026"})
    assert response.status_code == 400
    text = page_text(response)
    assert "Scrivi la data dell'atto come AAAA-MM-GG." in text
    response = diana.post(step_url(world.plan, "adopt"), {"adozione-act": "", "adozione-adopted_on": "1990-01-01"})
    assert response.status_code == 400
    text = page_text(response)
    assert "Indica l'atto di adozione" in text
    assert 'aria-invalid="true"' in response.content.decode()
    assert database_state() == before


def test_a_step_out_of_order_or_unknown_is_refused_with_a_message(client: Client, world: World) -> None:
    diana = logged_in(client, world.diana)
    before = database_state()
    response = diana.post(step_url(world.plan, "close"), follow=True)
    assert "Il piano è «Bozza»: questo passaggio non si può fare ora." in page_text(response)
    assert diana.post(step_url(world.plan, "validate")).status_code == 404
    assert diana.get(step_url(world.plan, "start")).status_code == 405
    assert database_state() == before


def test_under_a_chain_the_director_asks_and_another_director_approves_in_the_inbox(
    client: Client, world: World
) -> None:
    ApprovalPolicy.objects.create(
        organization=world.aurelia, target_kind=TargetKind.PLAN, transition=PlanTransition.ADOPT, chain=Chain.DIRECTOR
    )
    vice = User.objects.create_user("vittoria", "vittoria@aurelia.example", "segreta", first_name="Vittoria")
    OrganizationRole.objects.create(organization=world.aurelia, user=vice, role=OrganizationRole.Role.DIRECTOR)
    diana = logged_in(client, world.diana)
    assert "Chiedi l'adozione" in page_text(diana.get(plan_url(world.plan)))
    response = diana.post(step_url(world.plan, "adopt"), ADOPTION, follow=True)
    text = page_text(response)
    assert "Richiesta inviata: ora attende l'approvazione di un altro direttore dell'ente." in text
    assert "Richiesta di adozione del piano in corso" in text
    assert step_forms(response) == []
    request = TransitionRequest.objects.get(plan=world.plan)

    other = Client()
    other.force_login(vice)
    inbox = page_text(other.get("/approvazioni/"))
    assert (
        "Richiesta di adozione del piano: Piano PEG-2026" in inbox and "Delibera di Giunta n. 12, 20/01/2026" in inbox
    )
    decided = other.post(f"/approvazioni/{request.pk}/decisione/", {f"r{request.pk}-decision": "approve"})
    assert decided.status_code == 302
    assert state_of(world.plan) == PlanState.ADOPTED
    history = page_text(other.get(plan_url(world.plan))).split("Passaggi del piano", 1)[1]
    assert "Richiesta: adotta il piano (Diana)" in history
    assert "Approvazione: adotta il piano (Vittoria)" in history
    assert "Bozza → Adottato (Vittoria)" in history


def test_a_superuser_reopens_a_validated_plan_with_a_motivation_and_an_act(client: Client, world: World) -> None:
    plan_adopt(actor=world.diana, plan=world.plan, act="Delibera n. 1", adopted_on=ADOPTED_ON)
    Plan.objects.filter(pk=world.plan.pk).update(state=PlanState.VALIDATED)
    diana = logged_in(client, world.diana)
    assert "Riapri il piano validato" not in page_text(diana.get(plan_url(world.plan)))
    refused = diana.post(f"/piani/{world.plan.pk}/riapri/", {"motivation": "Errore", "act": "Decreto n. 3"})
    assert refused.status_code == 403
    assert "Un piano validato lo riapre solo l'amministratore della piattaforma." in page_text(refused)

    operator = User.objects.create_superuser("gestore", "gestore@example.org", "segreta")
    admin = Client()
    admin.force_login(operator)
    page = admin.get(f"/piani/{world.plan.pk}/riapri/")
    assert page.status_code == 200 and "Motivazione della riapertura" in page_text(page)
    wrong = admin.post(f"/piani/{world.plan.pk}/riapri/", {"motivation": " ", "act": ""})
    assert wrong.status_code == 400
    assert "Scrivi perché il piano validato si riapre." in page_text(wrong)
    assert state_of(world.plan) == PlanState.VALIDATED

    done = admin.post(
        f"/piani/{world.plan.pk}/riapri/", {"motivation": "Errore materiale", "act": "Decreto n. 3"}, follow=True
    )
    text = page_text(done)
    assert "Il piano è stato riaperto: ora è «Chiuso»." in text
    assert "Validato → Chiuso (gestore): Decreto n. 3: Errore materiale" in text
    assert state_of(world.plan) == PlanState.CLOSED


def test_the_plan_page_costs_the_same_with_a_long_history(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    diana = logged_in(client, world.diana)
    diana.get(plan_url(world.plan))
    with django_assert_max_num_queries(60) as short:
        diana.get(plan_url(world.plan))
    for _round in range(5):
        Plan.objects.filter(pk=world.plan.pk).update(state=PlanState.DRAFT)
        plan_adopt(actor=world.diana, plan=world.plan, act="Delibera n. 1", adopted_on=ADOPTED_ON)
    with django_assert_max_num_queries(len(short.captured_queries)):
        diana.get(plan_url(world.plan))
