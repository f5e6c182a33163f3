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

from evaluation.models import ObjectiveForecast, ScoreSnapshot
from evaluation.refresh import refresh_scores
from plans.models import Activity, Indicator, Plan
from tests.plan_life import close_year
from tests.web.helpers import indicator_values, last_years_peg
from tests.web.html import page_text
from tests.web.test_dashboard import Slipped, make_slipped
from tests.web.test_exports_search import workbook_rows
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


def test_each_area_says_whether_its_missed_deadlines_grow(world: World, slipped: Slipped) -> None:
    """Today 15 May: the last 30 days are 15 April–14 May, the 30 before 16 March–14 April. Social: activity 2
    (30 April, open) and the transversal choice of supplier (5 May) against the new desk concluded late (31 March);
    technical: the roads (1 May) and the transversal one against objective TEC-1 (31 March, open)."""
    answer = client_for(world.diana).get("/")
    trend = {row.name: (row.recent, row.before, row.trend) for row in answer.context["by_area"]}
    assert trend == {"Servizi sociali": (2, 1, "up"), "Servizi tecnici": (2, 1, "up")}
    assert "in aumento (prima 1)" in page_text(answer)
    Activity.objects.filter(pk=slipped.roads.pk).update(planned_end=dt.date(2026, 3, 20))  # now in the month before
    again = client_for(world.diana).get("/")
    technical = next(row for row in again.context["by_area"] if row.name == "Servizi tecnici")
    assert (technical.recent, technical.before, technical.trend) == (1, 2, "down")
    assert "in calo (prima 2)" in page_text(again)


def below_target_world(world: World) -> Indicator:
    """Utenti presi in carico measured 85 against 100 (below), and a second indicator of the same objective over
    its target; the scores computed as the morning's task does."""
    above = Indicator.objects.create(objective=world.objective, position=2, name="Sportelli aperti", unit="n.")
    indicator_values(above, 2026, expected="10", actual="12")
    refresh_scores(dt.date(2026, 5, 15))
    return above


def test_the_indicators_below_target_are_counted_on_the_home_and_listed_behind_its_link(
    world: World, slipped: Slipped
) -> None:
    below_target_world(world)
    snapshot = ScoreSnapshot.objects.get(plan=world.plan, year=2026)
    assert snapshot.below_target == [world.indicator.pk]
    answer = client_for(world.diana).get("/")
    assert [(row.plan.code, row.count) for row in answer.context["below_target"]] == [("PEG-2026", 1)]
    link = f"/scadenze/indicatori/?plan={world.plan.pk}&amp;result=below"
    assert f'<a href="{link}">PEG-2026: 1 indicatore</a>' in answer.content.decode()
    listed = client_for(world.diana).get("/scadenze/indicatori/", {"plan": str(world.plan.pk), "result": "below"})
    assert [row.indicator.name for row in listed.context["rows"]] == ["Utenti presi in carico"]
    assert "Sotto il traguardo secondo i punteggi calcolati il" in page_text(listed)
    every = client_for(world.diana).get("/scadenze/indicatori/", {"plan": world.plan.pk})
    assert [row.indicator.name for row in every.context["rows"]] == ["Utenti presi in carico", "Sportelli aperti"]
    exported = client_for(world.diana).get(
        "/scadenze/indicatori/esporta.xlsx", {"plan": str(world.plan.pk), "result": "below"}
    )
    assert [row[2] for row in workbook_rows(exported.content)[1:]] == ["Utenti presi in carico"]


def test_an_area_head_counts_only_her_areas_indicators_below_target(world: World, slipped: Slipped) -> None:
    below_target_world(world)
    assert [row.count for row in client_for(world.anna).get("/").context["below_target"]] == [1]
    bruno = client_for(world.bruno).get("/")
    assert bruno.context["below_target"] == []
    assert "Nessun indicatore dei piani in corso risulta sotto il traguardo" in page_text(bruno)


def test_without_computed_scores_the_filter_says_so_and_lists_nothing(world: World, slipped: Slipped) -> None:
    listed = client_for(world.diana).get("/scadenze/indicatori/", {"plan": str(world.plan.pk), "result": "below"})
    assert listed.context["rows"] == []
    assert "I punteggi di quest'anno non sono ancora stati calcolati" in page_text(listed)
    refused = client_for(world.diana).get("/scadenze/indicatori/", {"plan": str(world.plan.pk), "result": "sotto"})
    assert refused.status_code == 400 and "Esito" in page_text(refused)
