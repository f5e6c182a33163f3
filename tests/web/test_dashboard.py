"""The director's dashboard of slipped deadlines (/scadenze/): what it lists, how filters narrow it, who sees
what, how it pages, and that it costs the same number of queries however many items there are. The
indicators' achievement has a page of its own: tests/web/test_dashboard_indicators.py.

Today is Friday 15 May 2026 (the `frozen_today` fixture)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from plans.models import Activity, Area, Indicator, Objective, Plan, WorkState
from tests.web.helpers import activity, indicator_values, last_years_peg, set_state
from tests.web.html import Table, page_text, table_titled, tables
from tests.workflow.world import World
from web import dashboard
from web.dashboard import Filters

pytestmark = pytest.mark.django_db
URL = "/scadenze/"
INDICATORS_URL = "/scadenze/indicatori/"
PUNCTUALITY_URL = "/scadenze/puntualita/"
HTMX = {"HX-Request": "true"}


@dataclass
class Slipped:
    """The items of the small world that matter to the dashboard."""

    overdue: Activity  # avviato, due 30 April: 15 days late
    concluded_late: Activity  # due 31 March, concluded 10 April: 10 days late
    postponed: Activity  # rinviato to 31 July: listed, 0 days late
    on_time: Activity  # due 31 March, concluded 20 March: not listed
    not_due: Activity  # world.activity, due 30 June: not listed
    shared: Activity  # of the transversal objective, due 5 May: 10 days late, in both areas
    technical: Objective  # an objective of the technical area due 31 March, still programmato: 45 days
    roads: Activity  # its activity, due 1 May: 14 days late, technical area only
    old_plan: Plan  # PEG-2025, with one slipped activity


@pytest.fixture
def slipped(world: World) -> Slipped:
    return make_slipped(world)


def make_slipped(world: World) -> Slipped:
    """The small world's slipped items (see Slipped); other modules' fixtures build them too."""
    overdue = world.second_activity
    Activity.objects.filter(pk=overdue.pk).update(planned_end=dt.date(2026, 4, 30))
    set_state(overdue, WorkState.AVVIATO)
    objective = world.objective
    concluded_late = activity(
        objective,
        "Apertura del nuovo sportello",
        planned_end=dt.date(2026, 3, 31),
        actual_end=dt.date(2026, 4, 10),
        state=WorkState.CONCLUSO,
        owner=world.sara,
    )
    postponed = activity(
        objective, "Revisione del regolamento", planned_end=dt.date(2026, 7, 31), state=WorkState.RINVIATO
    )
    on_time = activity(
        objective,
        "Acquisto degli arredi",
        planned_end=dt.date(2026, 3, 31),
        actual_end=dt.date(2026, 3, 20),
        state=WorkState.CONCLUSO,
    )
    shared = activity(world.transversal, "Scelta del fornitore", planned_end=dt.date(2026, 5, 5))
    technical = Objective.objects.create(
        plan=world.plan, code="TEC-1", title="Strade sicure", planned_end=dt.date(2026, 3, 31), owner=world.bruno
    )
    technical.areas.add(world.technical)
    roads = activity(technical, "Manutenzione delle strade", planned_end=dt.date(2026, 5, 1), owner=world.tommaso)
    old_plan = last_years_peg(world.aurelia)
    old_objective = Objective.objects.create(plan=old_plan, code="SOC-0", title="Sportello unico")
    old_objective.areas.add(world.social)
    activity(old_objective, "Vecchia attività rimasta aperta", planned_end=dt.date(2025, 11, 30))
    indicator_values(world.indicator, 2026, expected="100", actual="85")
    indicator_values(world.indicator, 2025, expected="10", actual="999")
    return Slipped(
        overdue=overdue,
        concluded_late=concluded_late,
        postponed=postponed,
        on_time=on_time,
        not_due=world.activity,
        shared=shared,
        technical=technical,
        roads=roads,
        old_plan=old_plan,
    )


def logged_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def deadline_tables(response: Any) -> dict[str, Table]:
    """The slipped-deadline tables by area: their caption is "<area> (<rows>)"."""
    found = {}
    for table in tables(response):
        header = table.rows[0] if table.rows else []
        if "Giorni di ritardo" in header:
            found[table.caption.rsplit(" (", 1)[0]] = table
    return found


def days_late(table: Table, text: str) -> str:
    row = table.row_with(text)
    assert row is not None, f"{text!r} not in {table.caption}"
    return row[1]


def listed(response: Any) -> set[str]:
    """Every item title listed, whatever the area."""
    return {row[0] for table in deadline_tables(response).values() for row in table.rows[1:]}


def add_many_slipped(world: World, count: int) -> None:
    """`count` more slipped activities spread over three new objectives (social, technical, transversal),
    a third overdue and open, a third concluded late, a third rinviato, and slipped objectives with an
    indicator each, measured for 2026."""
    areas = [[world.social], [world.technical], [world.social, world.technical]]
    objectives = []
    for number, area_list in enumerate(areas, start=1):
        objective = Objective.objects.create(
            plan=world.plan,
            code=f"MANY-{number}",
            title=f"Obiettivo numeroso {number}",
            planned_end=dt.date(2026, 2, number),
            owner=area_list[0].head,
        )
        objective.areas.add(*area_list)
        indicator = Indicator.objects.create(objective=objective, position=1, name=f"Indicatore {number}", unit="%")
        indicator_values(indicator, 2026, expected=f"{50 + number}%", actual=f"{40 + number}%")
        objectives.append(objective)
    for index in range(count):
        objective = objectives[index % 3]
        planned_end = dt.date(2026, 1, 1) + dt.timedelta(days=index)
        kind = (index // 3) % 3  # every objective gets every kind
        if kind == 0:
            activity(objective, f"Attività aperta {index}", planned_end=planned_end, owner=world.sara)
        elif kind == 1:
            activity(
                objective,
                f"Attività conclusa tardi {index}",
                planned_end=planned_end,
                actual_end=planned_end + dt.timedelta(days=7),
                state=WorkState.CONCLUSO,
                owner=world.tommaso,
            )
        else:
            activity(
                objective, f"Attività rinviata {index}", planned_end=dt.date(2026, 9, 30), state=WorkState.RINVIATO
            )


def queries(client: Client, headers: dict[str, str], url: str = URL) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(captured), response


@pytest.mark.parametrize(("persona", "headers"), [("diana", {}), ("diana", HTMX), ("anna", {})])
def test_the_dashboard_renders_with_the_same_number_of_queries_whatever_the_number_of_items(
    client: Client, world: World, slipped: Slipped, persona: str, headers: dict[str, str]
) -> None:
    logged_in(client, getattr(world, persona))
    few, before = queries(client, headers)
    add_many_slipped(world, 60)
    many, after = queries(client, headers)
    assert len(listed(after)) > len(listed(before)) + 30  # the new items are really on the page
    assert "Attività conclusa tardi 3" in after.content.decode()  # of the social objective
    assert many == few


def test_the_filters_read_their_options_once_with_plain_queries(client: Client, world: World, slipped: Slipped) -> None:
    logged_in(client, world.diana)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL)
    statements = [query["sql"] for query in captured.captured_queries]
    assert not [sql for sql in statements if "DECLARE" in sql]  # no server-side cursor for a few options
    assert len([sql for sql in statements if sql.startswith('SELECT "plans_plan"')]) == 1  # first visit + options
    html = response.content.decode()
    assert f'<option value="{world.plan.pk}" selected>' in html and f'value="{world.technical.pk}"' in html


def test_an_overdue_open_activity_shows_the_days_since_its_planned_end(
    client: Client, world: World, slipped: Slipped
) -> None:
    response = logged_in(client, world.diana).get(URL)
    social = deadline_tables(response)["Servizi sociali"]
    row = social.row_with("Formazione degli operatori")
    assert row is not None
    assert row[3] == "Avviato" and row[6] == "30/04/2026" and row[7] == "—"
    assert days_late(social, "Formazione degli operatori") == "15"  # 15 May − 30 April


def test_an_activity_concluded_late_shows_how_late_it_ended(client: Client, world: World, slipped: Slipped) -> None:
    response = logged_in(client, world.diana).get(URL)
    social = deadline_tables(response)["Servizi sociali"]
    row = social.row_with("Apertura del nuovo sportello")
    assert row is not None
    assert row[3] == "Concluso" and row[5] == "10/04/2026" and row[7] == "10/04/2026"
    assert days_late(social, "Apertura del nuovo sportello") == "10"  # 10 April − 31 March


def test_a_postponed_activity_is_listed_and_on_time_or_not_yet_due_ones_are_not(
    client: Client, world: World, slipped: Slipped
) -> None:
    response = logged_in(client, world.diana).get(URL)
    titles = listed(response)
    assert "Revisione del regolamento" in titles
    row = deadline_tables(response)["Servizi sociali"].row_with("Revisione del regolamento")
    assert row is not None and row[3] == "Rinviato" and row[1] == "0"  # its new deadline is still ahead
    assert "Acquisto degli arredi" not in titles  # concluded before its deadline
    assert "Mappatura degli sportelli" not in titles  # due 30 June


def test_items_are_grouped_by_area_and_a_transversal_objectives_items_appear_under_both(
    client: Client, world: World, slipped: Slipped
) -> None:
    by_area = deadline_tables(logged_in(client, world.diana).get(URL))
    assert set(by_area) == {"Servizi sociali", "Servizi tecnici"}
    social, technical = by_area["Servizi sociali"], by_area["Servizi tecnici"]
    assert days_late(social, "Scelta del fornitore") == days_late(technical, "Scelta del fornitore") == "10"
    assert technical.row_with("Manutenzione delle strade") is not None
    assert social.row_with("Manutenzione delle strade") is None
    assert days_late(technical, "Obiettivo TEC-1") == "45"  # objectives are listed too: 15 May − 31 March
    # Most late first within an area: the objective (45), the roads (14), the shared activity (10).
    order = [row[0] for row in technical.rows[1:]]
    assert order == ["Obiettivo TEC-1: Strade sicure", "Manutenzione delle strade", "Scelta del fornitore"]
    assert social.caption == "Servizi sociali (4)"


def test_the_first_visit_shows_the_most_recent_plan(client: Client, world: World, slipped: Slipped) -> None:
    response = logged_in(client, world.diana).get(URL)
    page = response.content.decode()
    assert f'<option value="{world.plan.pk}" selected>' in page
    assert "7 scadenze mancate — PEG-2026 – PEG 2026" in page_text(response)
    assert "Vecchia attività rimasta aperta" not in listed(response)


def test_the_plan_filter_shows_another_plan_and_all_plans(client: Client, world: World, slipped: Slipped) -> None:
    logged_in(client, world.diana)
    old = client.get(URL, {"plan": slipped.old_plan.pk})
    assert listed(old) == {"Vecchia attività rimasta aperta"}
    assert "Indicatori 2025" in page_text(old)
    everything = client.get(URL, {"plan": ""})
    assert "Vecchia attività rimasta aperta" in listed(everything)
    assert "Formazione degli operatori" in listed(everything)


def test_the_area_filter_keeps_only_that_area(client: Client, world: World, slipped: Slipped) -> None:
    response = logged_in(client, world.diana).get(URL, {"plan": str(world.plan.pk), "area": str(world.technical.pk)})
    by_area = deadline_tables(response)
    assert set(by_area) == {"Servizi tecnici"}
    assert listed(response) == {"Obiettivo TEC-1: Strade sicure", "Manutenzione delle strade", "Scelta del fornitore"}


def test_the_kind_filter_keeps_only_objectives_or_only_activities(
    client: Client, world: World, slipped: Slipped
) -> None:
    logged_in(client, world.diana)
    objectives = client.get(URL, {"plan": str(world.plan.pk), "kind": "objective"})
    assert listed(objectives) == {"Obiettivo TEC-1: Strade sicure"}
    activities = client.get(URL, {"plan": str(world.plan.pk), "kind": "activity"})
    assert "Obiettivo TEC-1: Strade sicure" not in listed(activities)
    assert {"Formazione degli operatori", "Manutenzione delle strade"} <= listed(activities)


def test_the_minimum_delay_filter_keeps_only_items_at_least_that_late(
    client: Client, world: World, slipped: Slipped
) -> None:
    response = logged_in(client, world.diana).get(URL, {"plan": str(world.plan.pk), "min_days_late": "14"})
    assert listed(response) == {
        "Formazione degli operatori",  # 15
        "Manutenzione delle strade",  # 14
        "Obiettivo TEC-1: Strade sicure",  # 45
    }


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"min_days_late": "abc"}, "Giorni di ritardo, almeno: Inserisci un numero intero."),
        ({"min_days_late": "-3"}, "Giorni di ritardo, almeno: Assicurati che questo valore sia maggiore o uguale a 0."),
        ({"area": "borgo"}, "Area: Scegli un'opzione valida."),
        ({"kind": "everything"}, "Tipo: Scegli un'opzione valida."),
    ],
)
def test_a_bad_filter_answers_400_with_the_italian_error_and_no_results(
    client: Client, world: World, slipped: Slipped, query: dict[str, str], error: str
) -> None:
    if query.get("area") == "borgo":
        query = {"area": str(world.borgo.areas.get().pk)}  # an area of another organization
    logged_in(client, world.diana)
    for headers in ({}, HTMX):
        response = client.get(URL, query, headers=headers)
        assert response.status_code == 400
        text = page_text(response)
        assert "Alcuni filtri non sono validi" in text
        assert error in text
        assert not deadline_tables(response)
        assert "scadenze mancate —" not in text and "Puntualità per area e mese" not in text


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_the_punctuality_numbers_count_on_time_and_late_activities_per_area_and_month(
    client: Client, world: World, slipped: Slipped, headers: dict[str, str]
) -> None:
    response = logged_in(client, world.diana).get(PUNCTUALITY_URL, headers=headers)  # the most recent plan
    assert response.status_code == 200
    social = table_titled(response, "Puntualità di Servizi sociali")
    # March: "Acquisto degli arredi" on time, "Apertura del nuovo sportello" late; April: the overdue one;
    # May: the shared activity. Rinviato to July and due in June are not due yet.
    assert social.rows[1:] == [["Marzo 2026", "1", "1"], ["Aprile 2026", "0", "1"], ["Maggio 2026", "0", "1"]]
    technical = table_titled(response, "Puntualità di Servizi tecnici")
    assert technical.rows[1:] == [["Maggio 2026", "0", "2"]]
    assert ("<html" in response.content.decode()) == (headers == {})  # htmx gets the section alone


def test_the_dashboard_shows_its_list_first_and_loads_the_punctuality_chart_after_with_its_filters(
    client: Client, world: World, slipped: Slipped
) -> None:
    logged_in(client, world.diana)
    first = client.get(URL)
    html = first.content.decode()
    chart = f"{PUNCTUALITY_URL}?plan={world.plan.pk}"
    assert f'hx-get="{chart}" hx-trigger="load"' in html  # asked by htmx once the list is shown
    assert f'href="{chart}"' in html  # and a link without JavaScript
    assert not [table.caption for table in tables(first) if table.caption.startswith("Puntualità di")]
    filtered = client.get(URL, {"plan": str(world.plan.pk), "area": str(world.technical.pk)}, headers=HTMX)
    assert f'hx-get="{chart}&amp;area={world.technical.pk}"' in filtered.content.decode()
    chart_of_area = client.get(PUNCTUALITY_URL, {"plan": str(world.plan.pk), "area": str(world.technical.pk)})
    assert [table.caption for table in tables(chart_of_area) if table.caption.startswith("Puntualità di")] == [
        "Puntualità di Servizi tecnici"
    ]


def test_the_punctuality_chart_of_an_area_head_counts_only_her_areas_and_a_bad_filter_answers_400(
    client: Client, world: World, slipped: Slipped
) -> None:
    mine = logged_in(client, world.anna).get(PUNCTUALITY_URL)
    social = table_titled(mine, "Puntualità di Servizi sociali")
    assert social.rows[1:] == [["Marzo 2026", "1", "1"], ["Aprile 2026", "0", "1"], ["Maggio 2026", "0", "1"]]
    # Of Servizi tecnici, only the activity of the objective the two areas share (the director sees 2).
    assert table_titled(mine, "Puntualità di Servizi tecnici").rows[1:] == [["Maggio 2026", "0", "1"]]
    for headers in ({}, HTMX):
        wrong = client.get(PUNCTUALITY_URL, {"plan": "999999"}, headers=headers)
        assert wrong.status_code == 400
        assert "Alcuni filtri non sono validi" in page_text(wrong)
        assert not [table.caption for table in tables(wrong) if table.caption.startswith("Puntualità di")]


def test_an_area_head_sees_only_the_items_of_her_areas(client: Client, world: World, slipped: Slipped) -> None:
    response = logged_in(client, world.anna).get(URL)
    titles = listed(response)
    assert {"Formazione degli operatori", "Apertura del nuovo sportello", "Scelta del fornitore"} <= titles
    assert "Manutenzione delle strade" not in titles and "Obiettivo TEC-1: Strade sicure" not in titles
    assert "Strade sicure" not in response.content.decode()


def test_a_director_of_another_body_sees_nothing_of_aurelia(client: Client, world: World, slipped: Slipped) -> None:
    logged_in(client, world.erica)
    response = client.get(URL)
    assert response.status_code == 200
    assert listed(response) == set()
    assert "Nessuna scadenza mancata con questi filtri." in page_text(response)
    for text in ("Formazione degli operatori", "PEG-2026", "Servizi sociali", "Utenti presi in carico"):
        assert text not in response.content.decode()
    refused = client.get(URL, {"plan": world.plan.pk})
    assert refused.status_code == 400
    assert "Piano: Scegli un'opzione valida." in page_text(refused)


def test_anonymous_visitors_are_sent_to_the_login_page(client: Client, world: World) -> None:
    response = client.get(URL, {"area": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/accedi/?next=/scadenze/%3Farea%3D1"


def test_the_next_page_of_the_first_visit_stays_on_the_most_recent_plan(
    client: Client, world: World, slipped: Slipped
) -> None:
    Activity.objects.bulk_create(
        Activity(
            objective=world.objective,
            position=100 + index,
            description=f"Attività in massa {index}",
            planned_end=dt.date(2026, 1, 1) + dt.timedelta(days=index),
        )
        for index in range(100)
    )
    logged_in(client, world.diana)
    first = client.get(URL)
    assert "107 scadenze mancate — PEG-2026" in page_text(first)
    assert 'href="?pagina=2"' in first.content.decode()
    second = client.get(URL, {"pagina": "2"})
    assert second.status_code == 200
    assert "107 scadenze mancate — PEG-2026" in page_text(second)
    assert "Pagina 2 di 3" in page_text(second)
    assert "Vecchia attività rimasta aperta" not in listed(second)


def many_late(world: World, count: int) -> None:
    """`count` more open activities of SOC-1, overdue by 1 to `count` days: the most late come first."""
    Activity.objects.bulk_create(
        Activity(
            objective=world.objective,
            position=100 + index,
            description=f"Attività in massa {index}",
            planned_end=dt.date(2026, 5, 14) - dt.timedelta(days=index),
        )
        for index in range(count)
    )


def test_the_list_is_paged_fifty_rows_at_a_time_and_the_pages_keep_the_filters(
    client: Client, world: World, slipped: Slipped
) -> None:
    many_late(world, 100)  # with the 4 slipped of the social area: 104 rows, three pages
    logged_in(client, world.diana)
    query = {"plan": str(world.plan.pk), "area": str(world.social.pk)}
    first = client.get(URL, query)
    assert "104 scadenze mancate" in page_text(first)
    assert len(deadline_tables(first)["Servizi sociali"].rows) == 1 + 50
    assert "Pagina 1 di 3" in page_text(first)
    next_link = f"?plan={world.plan.pk}&amp;area={world.social.pk}&amp;pagina=2"
    assert f'href="{next_link}"' in first.content.decode()
    assert f'hx-get="{next_link}"' in first.content.decode()  # htmx swaps the results in place
    last = client.get(URL, query | {"pagina": "3"})
    rows = deadline_tables(last)["Servizi sociali"].rows[1:]
    assert len(rows) == 4
    assert rows[-1][0] == "Revisione del regolamento"  # rinviato, 0 days: the least late comes last
    assert "Pagina 3 di 3" in page_text(last)
    assert f'href="?plan={world.plan.pk}&amp;area={world.social.pk}&amp;pagina=2"' in last.content.decode()


@pytest.mark.parametrize("number", ["9", "abc", "0"])
def test_a_page_number_out_of_range_shows_the_nearest_page(
    client: Client, world: World, slipped: Slipped, number: str
) -> None:
    many_late(world, 60)  # 67 rows: two pages
    response = logged_in(client, world.diana).get(URL, {"pagina": number})
    assert response.status_code == 200
    assert "67 scadenze mancate" in page_text(response)
    expected = "Pagina 2 di 2" if number == "9" else "Pagina 1 di 2"
    assert expected in page_text(response)
    assert sum(len(table.rows) - 1 for table in deadline_tables(response).values()) == (17 if number == "9" else 50)


def test_the_dashboard_links_to_the_indicators_of_the_plan_with_its_filters(
    client: Client, world: World, slipped: Slipped
) -> None:
    logged_in(client, world.diana)
    first = client.get(URL)
    assert "Indicatori 2026: atteso e consuntivo" in page_text(first)
    assert f'href="{INDICATORS_URL}?plan={world.plan.pk}"' in first.content.decode()
    assert "Utenti presi in carico" not in first.content.decode()  # the indicators are on their own page
    filtered = client.get(URL, {"plan": str(world.plan.pk), "area": str(world.technical.pk)}, headers=HTMX)
    link = f'href="{INDICATORS_URL}?plan={world.plan.pk}&amp;area={world.technical.pk}"'
    assert link in filtered.content.decode()
    every_plan = client.get(URL, {"plan": ""}, headers=HTMX)  # the results only: the menu links the page too
    assert INDICATORS_URL not in every_plan.content.decode()  # indicators are read one plan (and year) at a time


def test_the_rows_cells_are_the_items_own_and_an_item_without_owner_shows_none(
    client: Client, world: World, slipped: Slipped
) -> None:
    Objective.objects.filter(pk=slipped.technical.pk).update(owner=None)
    response = logged_in(client, world.diana).get(URL)
    page = response.content.decode()
    for path in (f"/attivita/{slipped.concluded_late.pk}/", f"/obiettivi/{slipped.technical.pk}/"):
        assert f'<a href="{path}">' in page  # each row links to its item's page
    by_area = deadline_tables(response)
    concluded = by_area["Servizi sociali"].row_with("Apertura del nuovo sportello")
    assert concluded is not None
    expected = [
        "10",
        "SOC-1 · Presa in carico unica PEG-2026",
        "Concluso",
        "31/03/2026",
        "10/04/2026",
        "31/03/2026",
        "10/04/2026",
        "Sara",
    ]
    assert concluded[1:] == expected
    objective = by_area["Servizi tecnici"].row_with("Obiettivo TEC-1")
    assert objective is not None
    # Open: no end date; nobody responsible: an empty cell, not "None None".
    assert objective[1:] == ["45", "TEC-1 · Strade sicure PEG-2026", "Programmato", "", "", "31/03/2026", "—", ""]


def test_the_compiled_statement_is_kept_for_the_same_person_roles_filters_and_day(
    client: Client, world: World, slipped: Slipped, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dashboard, "_statements", dashboard.OrderedDict())
    monkeypatch.setattr(dashboard, "STATEMENTS_KEPT", 2)
    today = dt.date(2026, 5, 15)
    first = dashboard.slipped_statement(world.diana, Filters(), today)
    assert dashboard.slipped_statement(world.diana, Filters(), today) is first  # kept
    for other in (Filters(kind="activity"), Filters(min_days_late=14)):
        assert dashboard.slipped_statement(world.diana, other, today) is not first
    assert dashboard.slipped_statement(world.diana, Filters(), today) is not first  # the oldest went first
    assert dashboard.slipped_statement(world.diana, Filters(), today + dt.timedelta(days=1)).params != first.params
    # New roles are a new statement: Sara, made head of the technical area, sees its items at once.
    assert "Manutenzione delle strade" not in listed(logged_in(client, world.sara).get(URL))
    world.technical.head = world.sara
    world.technical.save()
    assert "Manutenzione delle strade" in listed(logged_in(client, world.sara).get(URL))


def test_the_rows_escape_what_people_typed(client: Client, world: World, slipped: Slipped) -> None:
    Activity.objects.filter(pk=slipped.roads.pk).update(description='Strade <script>alert("x")</script> & piazze')
    page = logged_in(client, world.diana).get(URL).content.decode()
    assert "<script>alert" not in page
    assert "Strade &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; piazze" in page


def test_the_punctuality_counts_areas_of_one_name_together_by_name_and_those_without_an_area_last(
    world: World, slipped: Slipped
) -> None:
    """Counted by area id (hashed), then told by name as before: two areas of the same name make one chart, the
    charts follow the names, the activities of an objective without an area come last."""
    homonym = Area.objects.create(organization=world.aurelia, code="SO2", slug="sociale-bis", name="Servizi sociali")
    slipped.technical.areas.add(homonym)  # the roads' activity: due 1 May, late
    lone = Objective.objects.create(plan=world.plan, code="SENZA-1", title="Senza area")
    activity(lone, "Attività senza area", planned_end=dt.date(2026, 2, 27))
    chart = dashboard.punctuality(world.diana, Filters(plan_id=world.plan.pk), dt.date(2026, 5, 15))
    assert list(chart) == ["Servizi sociali", "Servizi tecnici", ""]
    social = {count.month: (count.on_time, count.late) for count in chart["Servizi sociali"]}
    # March and April as in the world; May: the shared activity and, through the homonym, the roads'.
    assert social == {dt.date(2026, 3, 1): (1, 1), dt.date(2026, 4, 1): (0, 1), dt.date(2026, 5, 1): (0, 2)}
    assert [(count.month, count.on_time, count.late) for count in chart[""]] == [(dt.date(2026, 2, 1), 0, 1)]
