"""The indicators of a plan (/scadenze/indicatori/), linked from the dashboard: expected against actual for the
plan's year, % reached and the traffic light, paged, filtered by plan and area, for the people who may see them,
at the same number of queries however many indicators there are.

Today is Friday 15 May 2026 (the `frozen_today` fixture)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from plans.models import Indicator, Objective
from tests.web.helpers import indicator_values, last_years_peg
from tests.web.html import Table, page_text, table_titled, tables
from tests.workflow.world import World

pytestmark = pytest.mark.django_db
URL = "/scadenze/indicatori/"
HTMX = {"HX-Request": "true"}


def logged_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def indicator_table(response: Any) -> Table:
    found = [table for table in tables(response) if table.rows and "Semaforo" in table.rows[0]]
    assert len(found) == 1, [table.caption for table in tables(response)]
    return found[0]


def names(response: Any) -> list[str]:
    return [row[1] for row in indicator_table(response).rows[1:] if len(row) > 1]


@pytest.fixture
def measured(world: World) -> World:
    """SOC-1's indicator measured in 2026 (85 of 100) and in 2025; TEC-1, of the technical area only, with one."""
    indicator_values(world.indicator, 2026, expected="100", actual="85")
    indicator_values(world.indicator, 2025, expected="10", actual="999")
    technical = Objective.objects.create(plan=world.plan, code="TEC-1", title="Strade sicure", owner=world.bruno)
    technical.areas.add(world.technical)
    roads = Indicator.objects.create(objective=technical, position=1, name="Chilometri rifatti", unit="km")
    indicator_values(roads, 2026, expected="12", actual="12")
    return world


def add_indicators(world: World, count: int) -> None:
    """`count` more indicators of SOC-1 (social) and TRA-1 (both areas), every one with a target and two
    measurements for 2026: the later one counts."""
    for index in range(count):
        objective = world.objective if index % 2 else world.transversal
        indicator = Indicator.objects.create(
            objective=objective, position=10 + index, name=f"Indicatore numeroso {index:02}", unit="%"
        )
        indicator_values(indicator, 2026, expected="50%", actual="10%")
        indicator_values(indicator, 2025, expected="1%")
        later = indicator.measurements.get()
        later.pk = None
        later.raw, later.value, later.measured_on = "45%", 45, dt.date(2026, 5, 30)
        later.save()


def queries(client: Client, headers: dict[str, str], query: dict[str, str]) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, query, headers=headers)
    assert response.status_code == 200
    return len(captured), response


@pytest.mark.parametrize(("persona", "headers"), [("diana", {}), ("diana", HTMX), ("anna", {})])
def test_the_indicators_page_renders_with_the_same_number_of_queries_whatever_the_number_of_indicators(
    client: Client, measured: World, persona: str, headers: dict[str, str]
) -> None:
    logged_in(client, getattr(measured, persona))
    second_page = {"plan": str(measured.plan.pk), "pagina": "2"}
    few = [queries(client, headers, query)[0] for query in ({}, second_page)]
    add_indicators(measured, 60)
    many = [queries(client, headers, query)[0] for query in ({}, second_page)]
    assert many == few
    first = client.get(URL, headers=headers)
    assert len(names(first)) == 50  # a full page of the 62 (or 61 for Anna, who does not see TEC-1)
    row = indicator_table(first).row_with("Indicatore numeroso 01")
    assert row is not None and row[3:] == ["50%", "45%", "90,0%", "◐ parzialmente raggiunto"]


def test_each_indicator_shows_expected_actual_percent_and_light_for_the_plan_year(client: Client, world: World) -> None:
    indicator_values(world.indicator, 2026, expected="100", actual="85")
    second = Indicator.objects.create(objective=world.objective, position=2, name="Tempo medio di attesa", unit="gg")
    second.direction = Indicator.Direction.DECREASE
    second.save()
    indicator_values(second, 2026, expected="30", actual="20")
    Indicator.objects.create(objective=world.objective, position=3, name="Gradimento degli utenti")
    response = logged_in(client, world.diana).get(URL)
    assert response.status_code == 200
    assert "Indicatori 2026: atteso e consuntivo" in page_text(response)
    assert "3 indicatori" in page_text(response)
    table = table_titled(response, "PEG-2026")
    assert table.rows[1:] == [
        ["SOC-1", "Utenti presi in carico", "n.", "100", "85", "85,0%", "◐ parzialmente raggiunto"],
        ["SOC-1", "Tempo medio di attesa", "gg", "30", "20", "150,0%", "● raggiunto"],
        ["SOC-1", "Gradimento degli utenti", "", "—", "—", "—", "– non misurabile"],
    ]
    page = response.content.decode()
    assert 'class="tg-light tg-light-giallo"' in page
    assert f'href="/obiettivi/{world.objective.pk}/"' in page


def test_the_plan_filter_shows_the_year_of_that_plan_and_every_plan_asks_to_choose_one(
    client: Client, measured: World
) -> None:
    old = last_years_peg(measured.aurelia)
    moved = Objective.objects.create(plan=old, code="SOC-0", title="Sportello unico")
    indicator_values(Indicator.objects.create(objective=moved, position=1, name="Pratiche chiuse"), 2025, expected="10")
    logged_in(client, measured.diana)
    response = client.get(URL, {"plan": str(old.pk)})
    assert "Indicatori 2025: atteso e consuntivo" in page_text(response)
    assert names(response) == ["Pratiche chiuse"]
    every = client.get(URL, {"plan": ""})
    assert every.status_code == 200
    assert "Scegli un piano per vedere i suoi indicatori." in page_text(every)
    assert not [table for table in tables(every) if table.rows and "Semaforo" in table.rows[0]]


def test_the_area_filter_keeps_the_indicators_of_that_areas_objectives(client: Client, measured: World) -> None:
    logged_in(client, measured.diana)
    everything = client.get(URL)
    assert names(everything) == ["Utenti presi in carico", "Chilometri rifatti"]
    technical = client.get(URL, {"plan": str(measured.plan.pk), "area": str(measured.technical.pk)})
    assert names(technical) == ["Chilometri rifatti"]
    assert indicator_table(technical).row_with("Chilometri rifatti") == [
        "TEC-1", "Chilometri rifatti", "km", "12", "12", "100,0%", "● raggiunto",
    ]  # fmt: skip
    back = f'href="/scadenze/?plan={measured.plan.pk}&amp;area={measured.technical.pk}"'
    assert back in technical.content.decode()  # back to the slipped deadlines, same filters


def test_pages_of_indicators_keep_the_filters_in_their_links(client: Client, measured: World) -> None:
    add_indicators(measured, 60)
    logged_in(client, measured.diana)
    query = {"plan": str(measured.plan.pk), "area": str(measured.social.pk)}
    first = client.get(URL, query)
    assert "61 indicatori" in page_text(first)  # SOC-1's and TRA-1's, not TEC-1's
    assert "Pagina 1 di 2" in page_text(first)
    link = f"?plan={measured.plan.pk}&amp;area={measured.social.pk}&amp;pagina=2"
    assert f'href="{link}"' in first.content.decode() and f'hx-get="{link}"' in first.content.decode()
    second = client.get(URL, query | {"pagina": "2"}, headers=HTMX)
    assert "<html" not in second.content.decode()  # htmx gets the results alone
    assert len(names(second)) == 11
    assert "Pagina 2 di 2" in page_text(second)
    assert set(names(first)).isdisjoint(names(second))


def test_an_area_head_sees_the_indicators_of_her_areas_and_another_body_sees_none(
    client: Client, measured: World
) -> None:
    assert names(logged_in(client, measured.anna).get(URL)) == ["Utenti presi in carico"]
    other = Client()
    response = logged_in(other, measured.erica).get(URL)
    assert response.status_code == 200
    assert "Utenti presi in carico" not in response.content.decode()
    assert other.get(URL, {"plan": str(measured.plan.pk)}).status_code == 400


@pytest.mark.parametrize(
    ("query", "error"),
    [({"area": "borgo"}, "Area: Scegli un'opzione valida."), ({"plan": "0"}, "Piano: Scegli un'opzione valida.")],
)
def test_a_bad_filter_answers_400_with_the_italian_error(
    client: Client, measured: World, query: dict[str, str], error: str
) -> None:
    if query.get("area") == "borgo":
        query = {"area": str(measured.borgo.areas.get().pk)}
    logged_in(client, measured.diana)
    for headers in ({}, HTMX):
        response = client.get(URL, query, headers=headers)
        assert response.status_code == 400
        assert "Alcuni filtri non sono validi" in page_text(response)
        assert error in page_text(response)
        assert not [table for table in tables(response) if table.rows and "Semaforo" in table.rows[0]]


def test_only_the_plan_and_area_filters_are_offered(client: Client, measured: World) -> None:
    page = logged_in(client, measured.diana).get(URL).content.decode()
    assert 'name="plan"' in page and 'name="area"' in page
    assert 'name="kind"' not in page and 'name="min_days_late"' not in page


def test_anonymous_visitors_are_sent_to_the_login_page(client: Client, world: World) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/accedi/?next=/scadenze/indicatori/"
