"""A closed year's items are never late today: the dashboard, the home page and "my activities" show lateness
and ask for monthly updates only for the items of live plans (adopted or in execution, plans.freeze).

Today is Friday 15 May 2026 (the `frozen_today` fixture). PEG-2026 is in execution; PEG-2021, adopted, run
and closed by the director, still has an activity of sara's due 30 June 2021 and never concluded: 1,780 days
ago, and not late."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client

from notifications.models import MonitoringAnswer
from plans.models import Activity, Objective, Plan, WorkState
from tests.plan_life import close_year
from tests.web.helpers import activity, database_state, set_state
from tests.web.html import page_text
from tests.workflow.world import World

pytestmark = pytest.mark.django_db
URL = "/scadenze/"


def logged_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def closed_2021(world: World) -> Activity:
    plan = Plan.objects.create(
        organization=world.aurelia,
        code="PEG-2021",
        kind=Plan.Kind.PEG,
        title="PEG 2021",
        year_start=2021,
        year_end=2021,
    )
    objective = Objective.objects.create(
        plan=plan, code="SOC-21", title="Sportello sociale 2021", planned_end=dt.date(2021, 12, 31), owner=world.anna
    )
    objective.areas.add(world.social)
    old = activity(objective, "Censimento degli utenti 2021", planned_end=dt.date(2021, 6, 30), owner=world.sara)
    set_state(old, WorkState.AVVIATO)
    close_year(plan, world.diana)
    return old


@pytest.fixture
def late_2026(world: World) -> Activity:
    """world.second_activity, avviato and due 30 April 2026: 15 days late, in a live plan."""
    Activity.objects.filter(pk=world.second_activity.pk).update(planned_end=dt.date(2026, 4, 30))
    set_state(world.second_activity, WorkState.AVVIATO)
    return world.second_activity


def test_the_dashboard_lists_the_live_plans_late_items_and_none_of_a_closed_year(
    client: Client, world: World, late_2026: Activity
) -> None:
    old = closed_2021(world)
    response = logged_in(client, world.diana).get(URL, {"plan": ""})
    assert response.status_code == 200
    text = page_text(response)
    assert "1 scadenza mancata" in text
    assert "Formazione degli operatori" in text and "15" in text
    assert old.description not in text and "Sportello sociale 2021" not in text
    assert "1780" not in text and "1.780" not in text


def test_the_closed_years_plan_chosen_in_the_filter_says_why_nothing_is_late(
    client: Client, world: World, late_2026: Activity
) -> None:
    old = closed_2021(world)
    response = logged_in(client, world.diana).get(URL, {"plan": old.objective.plan_id})
    assert response.status_code == 200
    text = page_text(response)
    assert "0 scadenze mancate" in text
    assert (
        "Il piano «PEG-2021 – PEG 2021» è «Chiuso»: solo i piani adottati o in esecuzione hanno scadenze da seguire"
        in text
    )
    assert old.description not in text


def test_the_first_visit_opens_on_the_live_plan_not_on_a_newer_draft(
    client: Client, world: World, late_2026: Activity
) -> None:
    Plan.objects.create(
        organization=world.aurelia,
        code="PEG-2027",
        kind=Plan.Kind.PEG,
        title="PEG 2027",
        year_start=2027,
        year_end=2027,
    )
    text = page_text(logged_in(client, world.diana).get(URL))
    assert "1 scadenza mancata — PEG-2026" in text


def test_home_counts_no_closed_years_activity_as_overdue(client: Client, world: World, late_2026: Activity) -> None:
    closed_2021(world)
    text = page_text(logged_in(client, world.diana).get("/"))
    assert "Scadenze mancate 1 " in text  # the director's box: PEG-2026's late activity only
    Activity.objects.filter(pk=late_2026.pk).update(owner=world.sara)
    text = page_text(logged_in(client, world.sara).get("/"))
    assert "2 attività aperte, 1 scaduta" in text  # sara's 2026 ones; the 2021 one is neither


def test_my_activities_asks_no_monthly_update_for_a_closed_years_activity_and_refuses_one(
    client: Client, world: World
) -> None:
    old = closed_2021(world)
    response = logged_in(client, world.sara).get("/le-mie-attivita/")
    page = response.content.decode()
    assert f'action="/attivita/{world.activity.pk}/aggiornamento/"' in page  # PEG-2026's: asked
    assert f'action="/attivita/{old.pk}/aggiornamento/"' not in page
    assert "Piano «PEG-2021» chiuso: nessun aggiornamento mensile, nessun promemoria." in page_text(response)

    before = database_state()
    values = {"state": "avviato", "progress": "50", "note": "Quasi finito", "actual_end": ""}
    response = client.post(f"/attivita/{old.pk}/aggiornamento/", {f"a{old.pk}-{k}": v for k, v in values.items()})
    assert response.status_code == 302
    assert database_state() == before
    assert not MonitoringAnswer.objects.exists()
    text = page_text(client.get(response["Location"]))
    assert (
        "Il piano «PEG-2021» è «Chiuso»: solo i piani adottati o in esecuzione hanno l'aggiornamento mensile." in text
    )
