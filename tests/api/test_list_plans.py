"""The API lists of a body whose ids come last cost what the body holds (issue 18).

A list pages by keyset in an order that an index serves, (objective, position) for activities. Under the OR of the
visibility's branches (the organization's objectives, the areas', what the person owns) PostgreSQL could walk that
index in order only by filtering every row it met: for a body generated after the others, a page read the whole
region's rows that come before the body's (0.97 s of 1.3 s for the large plan's first page of activities). Each
branch is now read under its own condition and the pages merged: here a body generated after a plan of 600
objectives and 3,000 activities is asked for its first and second page, and the plan of each page's id query
must read no more rows of the listed table than the person may see."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from plans import rules
from plans.models import Area, Indicator, Objective, Plan
from tests.web.large_plan import grow_plan
from tests.workflow.test_api import client_for
from tests.workflow.world import World

pytestmark = pytest.mark.django_db

LISTS = {
    "activities": ("plans_activity", rules.visible_activities),
    "objectives": ("plans_objective", rules.visible_objectives),
    "indicators": ("plans_indicator", rules.visible_indicators),
}
BRANCHES: dict[str, Callable[[Any], list[QuerySet[Any]]]] = {
    "activities": rules.activity_branches,
    "objectives": rules.objective_branches,
    "indicators": rules.indicator_branches,
}


def with_indicators(plan: Plan) -> None:
    Indicator.objects.bulk_create(
        Indicator(objective=objective, position=position, name=f"Indicatore {position}", unit="n.")
        for objective in Objective.objects.filter(plan=plan, code__startswith="GRO-")
        for position in (1, 2)
    )


@pytest.fixture
def late_body(world: World) -> dict[str, User]:
    """Aurelia's plan grows to 600 objectives and 3,000 activities first; then Borgo's plan is made: its ids
    come after them all. Erica directs Borgo, Bice heads its administrative area."""
    grow_plan(world.plan, world.social, objectives=600, activities_each=5)
    with_indicators(world.plan)  # 1,200 indicators
    bice = User.objects.create_user("bice", "bice@borgo.example", "segreta", first_name="Bice")
    area = Area.objects.get(organization=world.borgo, code="AMM")
    area.head = bice
    area.save()
    plan = Plan.objects.create(
        organization=world.borgo, code="PEG-2026", kind=Plan.Kind.PEG, title="PEG 2026", year_start=2026, year_end=2026
    )
    grow_plan(plan, area, objectives=30, activities_each=3)
    with_indicators(plan)
    with connection.cursor() as cursor:
        for table in ("plans_plan", "plans_objective", "plans_objective_areas", "plans_activity", "plans_indicator"):
            cursor.execute(f"ANALYZE {table}")
    return {"erica": world.erica, "bice": bice}


@pytest.mark.parametrize("listed", LISTS)
def test_the_branches_of_a_rule_hold_together_what_it_lets_each_person_see(
    late_body: dict[str, User], world: World, listed: str
) -> None:
    people = [*world.users.values(), *late_body.values()]
    for person in people:
        visible = set(LISTS[listed][1](person).values_list("pk", flat=True))
        branches = BRANCHES[listed](person)
        assert set().union(*(set(rows.values_list("pk", flat=True)) for rows in branches)) == visible, person
    assert len(BRANCHES[listed](world.diana)) == 2  # the organization's and her own: a page merges them


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


# A bitmap scan reads a body whole and sorts it, and a sequential scan reads the whole table: at this world's
# size both are cheap, and the planner takes them. A region's list takes the index walked in the list's order,
# stopping after a page; priced out here, they leave that walk, as the planner chooses it at 100,000 rows.
PRICED_OUT = ("enable_seqscan", "enable_bitmapscan")


def rows_read(statement: str, table: str) -> int:
    """The rows of `table` that the statement's scans read, kept or filtered out."""
    with connection.cursor() as cursor:
        for setting in PRICED_OUT:
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}")
        (found,) = cursor.fetchone()
        for setting in PRICED_OUT:
            cursor.execute(f"RESET {setting}")
    document = found if isinstance(found, list) else json.loads(found)
    return sum(
        node["Actual Rows"] * node["Actual Loops"]
        + node.get("Rows Removed by Filter", 0)
        + node.get("Rows Removed by Index Recheck", 0)
        for node in nodes(document[0]["Plan"])
        if node.get("Relation Name") == table
    )


def page_id_query(captured: CaptureQueriesContext, table: str) -> str:
    """The page's id query (LIMIT page size + 1), without the audit context that the request prepends."""
    (statement,) = [
        query["sql"]
        for query in captured.captured_queries
        if "LIMIT 51" in query["sql"] and "COUNT(" not in query["sql"] and f'FROM "{table}"' in query["sql"]
    ]
    return statement.split("true); ", 1)[-1] if statement.startswith("SELECT set_config") else statement


@pytest.mark.parametrize("persona", ["erica", "bice"])
@pytest.mark.parametrize("listed", LISTS)
def test_a_page_of_a_body_whose_ids_come_last_reads_only_that_body(
    late_body: dict[str, User], persona: str, listed: str
) -> None:
    table, visible = LISTS[listed]
    user = late_body[persona]
    may_see = visible(user).count()
    assert may_see > 51 or listed == "objectives"  # more than a page: the first page stops early when it can
    client = client_for(user)
    url: str | None = f"/api/{listed}/"
    for _page in (1, 2):
        assert url is not None
        with CaptureQueriesContext(connection) as captured:
            answer = client.get(url)
        assert answer.status_code == 200
        read = rows_read(page_id_query(captured, table), table)
        assert read <= may_see, (listed, persona, read, may_see)
        url = answer.json()["next"]
        if url is None:
            break
