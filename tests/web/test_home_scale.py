"""The home page at scale (issue 18): its queries do not grow with the plan, and its count of slipped deadlines is
the dashboard's, counted without the list's columns."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from plans.models import Activity, Indicator, Objective, WorkState
from tests.web.helpers import activity, last_years_peg
from tests.workflow.world import PERSONAS, World
from web.dashboard import Filters, count_slipped, slipped_deadlines

pytestmark = pytest.mark.django_db


def grow(world: World, objectives: int, *, start: int = 0) -> None:
    """`objectives` more objectives of the live plan, spread over the social area, the technical one and both,
    owned in turn by the two heads and nobody, each with an indicator and five activities: two overdue and open
    (one Sara's, one Tommaso's), one Sara's due later, one concluded on time, one nobody's due later."""
    areas = [[world.social], [world.technical], [world.social, world.technical]]
    owners = [world.anna, world.bruno, None]
    made = []
    for number in range(start, start + objectives):
        objective = Objective.objects.create(
            plan=world.plan,
            code=f"SCALA-{number}",
            title=f"Obiettivo in scala {number}",
            planned_end=dt.date(2026, 3, 1) if number % 2 else dt.date(2026, 12, 31),  # half of them overdue
            owner=owners[number % 3],
        )
        objective.areas.add(*areas[number % 3])
        made.append(objective)
    Indicator.objects.bulk_create(
        Indicator(objective=objective, position=1, name=f"Indicatore {objective.code}", unit="n.") for objective in made
    )
    ends = [
        (dt.date(2026, 4, 1), world.sara),
        (dt.date(2026, 4, 15), world.tommaso),
        (dt.date(2026, 10, 1), world.sara),
        (dt.date(2026, 3, 1), None),
        (dt.date(2026, 11, 30), None),
    ]
    Activity.objects.bulk_create(
        Activity(
            objective=objective,
            position=position,
            description=f"Attività {objective.code}.{position}",
            planned_end=planned_end,
            owner=owner,
        )
        for objective in made
        for position, (planned_end, owner) in enumerate(ends, start=1)
    )
    # The fourth concluded on time: neither slipped nor open (the state column written directly, as set_state does).
    Activity.objects.filter(objective__in=made, position=4).update(
        state=WorkState.CONCLUSO, actual_end=dt.date(2026, 2, 20)
    )


def home(client: Client, user: User) -> tuple[int, dict[str, Any]]:
    client.force_login(user)
    client.get("/")  # the session and the first visit's reads
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")
    assert response.status_code == 200
    shown = {key: response.context.get(key) for key in ("open_activities", "overdue_activities", "slipped")}
    shown["next_deadlines"] = len(response.context["next_deadlines"])
    return len(captured), shown


@pytest.mark.parametrize(
    ("persona", "grows"),
    [
        ("diana", "slipped"),  # the director
        ("anna", "slipped"),  # an area head
        ("otto", "slipped"),  # the OIV
        ("sara", "overdue_activities"),  # a staff member
        ("tommaso", "open_activities"),  # another staff member
    ],
)
def test_the_home_page_runs_as_many_queries_for_five_times_the_plan(
    client: Client, world: World, persona: str, grows: str
) -> None:
    user = world.users[persona]
    grow(world, 4)
    few, small = home(client, user)
    grow(world, 16, start=4)  # 20 objectives and 100 activities in all: five times as many
    many, large = home(client, user)
    assert large[grows] > small[grows]  # the page did see the plan grow
    assert many == few, (persona, small, large)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_home_count_of_slipped_deadlines_is_the_dashboards(world: World, persona: str) -> None:
    """One row per slipped item and area, as the dashboard lists them: shared objectives count in each area, an
    item with no area once, last year's plan (still in execution) too, other bodies not at all."""
    user = world.users[persona]
    grow(world, 6)
    Objective.objects.create(plan=world.plan, code="NESSUNA", title="Senza aree", planned_end=dt.date(2026, 1, 31))
    old = Objective.objects.create(plan=last_years_peg(world.aurelia), code="SOC-0", title="Anno precedente")
    old.areas.add(world.social)
    activity(old, "Rimasta aperta", planned_end=dt.date(2025, 11, 30), owner=world.sara)
    activity(world.objective, "Rinviata", planned_end=dt.date(2026, 9, 30), state=WorkState.RINVIATO)
    today = dt.date(2026, 5, 15)
    expected = slipped_deadlines(user, Filters(), today).count()
    assert count_slipped(user, today) == expected
    if persona in ("diana", "otto"):
        assert expected > 6 * 3  # the grown plan is there, shared objectives counted per area
    if persona == "erica":
        assert expected == 0  # another body's director
