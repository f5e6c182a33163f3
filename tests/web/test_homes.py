"""Homes that say what to do (issue 20, item 2), on the small world of tests/web/test_dashboard.py (today Friday
15 May 2026): the director and an area head see the slipped deadlines by area, each a link to the dashboard
filtered by it, the objectives at risk and the requests awaiting them; the OIV sees the plans awaiting validation
and no card of activities they do not have; a staff member sees the late first, on the home and on «Le mie
attività»."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from evaluation.models import ObjectiveForecast
from plans.models import Activity, Plan
from tests.plan_life import close_year
from tests.web.helpers import last_years_peg
from tests.web.html import page_text
from tests.web.test_dashboard import Slipped, make_slipped
from tests.workflow.world import World
from web.dashboard import Filters, slipped_deadlines

pytestmark = pytest.mark.django_db


@pytest.fixture
def slipped(world: World) -> Slipped:
    return make_slipped(world)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_director_sees_the_slipped_deadlines_by_area_the_objectives_at_risk_and_the_requests(
    world: World, slipped: Slipped
) -> None:
    ObjectiveForecast.objects.create(
        objective=world.objective,
        date=dt.date(2026, 5, 14),
        band=ObjectiveForecast.Band.LIKELY_MISSED,
        expected_score=Decimal("40"),
        explanation="Due attività in ritardo",
    )
    answer = client_for(world.diana).get("/")
    by_area = {row.name: row.count for row in answer.context["by_area"]}
    listed = slipped_deadlines(world.diana, Filters(), dt.date(2026, 5, 15))
    assert sum(by_area.values()) == listed.count() == answer.context["slipped"]
    assert by_area == {
        name: sum(1 for row in listed if row["area_name"] == name) for name in {row["area_name"] for row in listed}
    }
    html = answer.content.decode()
    assert f'<a href="/scadenze/?plan=&amp;area={world.technical.pk}">Servizi tecnici</a>' in html
    assert answer.context["at_risk"] == 1
    assert "1 obiettivo rischia di mancare il traguardo secondo la previsione" in page_text(answer)
    # The link of an area opens the dashboard listing exactly that area's count.
    area_page = client_for(world.diana).get("/scadenze/", {"plan": "", "area": str(world.technical.pk)})
    assert area_page.context["page"].paginator.count == by_area["Servizi tecnici"]


def test_an_area_head_sees_the_areas_of_what_she_oversees(world: World, slipped: Slipped) -> None:
    answer = client_for(world.bruno).get("/")
    by_area = {row.name: row.count for row in answer.context["by_area"]}
    assert sum(by_area.values()) == answer.context["slipped"] > 0
    assert set(by_area) <= {"Servizi tecnici", "Servizi sociali"}  # the transversal objective is in both
    assert by_area["Servizi tecnici"] > by_area.get("Servizi sociali", 0)


def test_the_oiv_sees_the_plans_awaiting_validation_and_no_card_of_activities(world: World) -> None:
    old = last_years_peg(world.aurelia)
    close_year(old, world.diana)
    answer = client_for(world.otto).get("/")
    assert [plan.code for plan in answer.context["to_validate"]] == [Plan.objects.get(pk=old.pk).code]
    html = answer.content.decode()
    assert f'href="/piani/{old.pk}/validazione/"' in html
    assert "Relazioni da validare" in html
    assert "Aggiorna le tue attività" not in html
    assert client_for(world.erica).get("/").context.get("to_validate") is None  # a director, not an OIV


def test_a_staff_member_sees_the_late_first_on_the_home_and_on_her_list(world: World, slipped: Slipped) -> None:
    Activity.objects.filter(pk=world.activity.pk).update(planned_end=dt.date(2026, 5, 4))  # Sara's: 11 days late
    Activity.objects.create(
        objective=world.objective,
        position=50,
        description="Relazione al consiglio",
        planned_end=dt.date(2026, 5, 30),
        owner=world.sara,
    )
    answer = client_for(world.sara).get("/")
    assert [activity.description for activity in answer.context["late_activities"]] == ["Mappatura degli sportelli"]
    assert [activity.description for activity in answer.context["next_deadlines"]] == ["Relazione al consiglio"]
    assert "In ritardo, da fare per prime" in answer.content.decode()
    listed = [row["activity"].description for row in client_for(world.sara).get("/le-mie-attivita/").context["rows"]]
    assert listed[:2] == ["Mappatura degli sportelli", "Relazione al consiglio"]  # the late, then the next due
    assert listed[-1] == "Apertura del nuovo sportello"  # concluded: last
