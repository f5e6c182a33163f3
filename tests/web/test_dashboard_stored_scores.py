"""The dashboard's scores come from the daily snapshots (evaluation.refresh) where the daily task has stored them:
the request reads no indicator, target or measurement of the plan, so its cost does not grow with the plan; the
page says when they were computed and the scores page keeps the running figures. Nobody sees more from a snapshot
than from the live scores.

The world: tests/evaluation/scored_world.py (SOC-1 85%, TRA-1 100%, TEC-1 40%). Today is 15 May 2026."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from evaluation.models import ScoreSnapshot
from evaluation.refresh import refresh_scores
from plans.models import Indicator, Measurement, Objective
from plans.parsing import parse_value
from tests.evaluation.scored_world import Scored, percent, scored_world
from tests.web.helpers import indicator_values
from tests.web.html import page_text
from tests.workflow.world import World
from workflow.trail.chain import seal_pending

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the daily refresh reads the PostgreSQL trail"),
]
TODAY = dt.date(2026, 5, 15)
PLAN_TABLES = ('"plans_measurement"', '"plans_indicatortarget"', '"plans_indicatorbaseline"')


@pytest.fixture
def stored(world: World) -> Scored:
    """The scored world with its snapshots stored by the daily task."""
    scored = scored_world(world)
    daily_run()
    return scored


def daily_run() -> None:
    seal_pending()  # the trail's rows as the commit would chain them
    refresh_scores(TODAY)


def as_user(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def raise_the_roads_to_target(scored: Scored) -> Decimal:
    """A newer measurement of TEC-1's indicator that meets its target; the body's running score after it."""
    Measurement.objects.create(
        indicator=scored.technical_indicator,
        year=2026,
        measured_on=dt.date(2026, 5, 10),
        **Measurement.spec_values(parse_value("50%")),
    )
    return (scored.soc + scored.tra + 100 * 2) / 4


def test_the_dashboard_shows_the_stored_scores_and_when_they_were_computed(client: Client, stored: Scored) -> None:
    world = stored.world
    assert ScoreSnapshot.objects.filter(plan=world.plan, year=2026).exists()
    running = raise_the_roads_to_target(stored)
    text = page_text(as_user(client, world.diana).get("/scadenze/"))
    assert f"Ente: {percent(stored.body)}" in text  # the stored figure, not the running one
    assert f"Servizi tecnici: {percent(stored.technical_area)}" in text
    assert "Punteggi calcolati il 15/05/2026" in text
    scores_page = page_text(client.get(f"/piani/{world.plan.pk}/punteggi/?anno=2026"))
    assert f"{percent(running)}" in scores_page and percent(running) != percent(stored.body)
    daily_run()  # the next day's run stores the new figures, and the dashboard shows them
    assert f"Ente: {percent(running)}" in page_text(client.get("/scadenze/"))


def test_stored_scores_are_shown_only_to_who_sees_them(client: Client, stored: Scored) -> None:
    world = stored.world
    head = page_text(as_user(client, world.anna).get("/scadenze/"))
    assert "Punteggi calcolati il" in head
    assert f"Servizi sociali: {percent(stored.social_area)}" in head
    assert "Servizi tecnici:" not in head and "Ente:" not in head
    staff = page_text(as_user(client, world.sara).get("/scadenze/"))
    assert "Punteggi dell'anno" not in staff
    filtered = page_text(
        as_user(client, world.diana).get("/scadenze/", {"plan": world.plan.pk, "area": world.technical.pk})
    )
    assert "Servizi tecnici:" in filtered and "Servizi sociali:" not in filtered


def test_with_stored_scores_the_dashboard_reads_nothing_of_the_plans_indicators_and_costs_the_same_queries(
    client: Client, stored: Scored
) -> None:
    world = stored.world
    as_user(client, world.diana)

    def captured() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/scadenze/")
        assert response.status_code == 200 and "Punteggi calcolati il" in page_text(response)
        return [query["sql"] for query in queries.captured_queries]

    few = captured()
    for number in range(12):
        objective = Objective.objects.create(plan=world.plan, code=f"ALT-{number}", title=f"Altro {number}")
        objective.areas.add(world.social if number % 2 else world.technical)
        indicator = Indicator.objects.create(objective=objective, position=1, name=f"Misura {number}")
        indicator_values(indicator, 2026, expected="10", actual=str(number))
    daily_run()
    many = captured()
    assert len(many) == len(few)
    assert not [sql for sql in many if any(f"FROM {table}" in sql for table in PLAN_TABLES)]


def test_a_plan_not_yet_stored_is_scored_on_the_dashboard_as_before(client: Client, world: World) -> None:
    scored = scored_world(world)
    assert not ScoreSnapshot.objects.exists()
    text = page_text(as_user(client, world.diana).get("/scadenze/"))
    assert f"Ente: {percent(scored.body)}" in text and "Punteggi calcolati il" not in text
