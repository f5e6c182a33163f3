"""Visibility that an index serves (issue 18): PostgreSQL reaches the rows a person may list only through index
conditions, whichever roles they hold, so a body's list costs what the body holds and not what the region holds.

The small world's tables are tiny and reading them whole is the cheapest plan, so each plan is asked with
sequential scans and plain index scans priced out (for this transaction only), bitmap scans left: those need an
index condition, so a shape that an index can serve uses them, while an OR that no index serves (the former
shape: a branch joined up to the plan, another an IN-subquery) still reads the whole table, and the test fails."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from plans import rules
from tests.workflow.world import World
from web.dashboard import count_slipped

pytestmark = pytest.mark.django_db

LISTS: dict[str, Callable[[Any], QuerySet[Any]]] = {
    "activities": rules.visible_activities,
    "objectives": rules.visible_objectives,
    "indicators": rules.visible_indicators,
}
# director, area head, staff member, OIV
PERSONAS = ("diana", "anna", "sara", "otto")


def plan_of(sql: str, params: Any) -> dict[str, Any]:
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        (found,) = cursor.fetchone()
    document = found if isinstance(found, list) else json.loads(found)
    plan: dict[str, Any] = document[0]["Plan"]
    return plan


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


# The tables that grow with the region: none may be read whole, whether it is the one listed or one joined to it.
REGION_TABLES = ("plans_activity", "plans_objective", "plans_indicator", "plans_objective_areas")


def unserved_reads(plan: dict[str, Any], tables: tuple[str, ...] = REGION_TABLES) -> list[str]:
    """The plan's reads of `tables` that no index condition bounds: a sequential scan, or an index walked whole
    (no Index Cond) with the visibility left as a filter. A bitmap heap scan is bounded by its index scans'
    conditions."""
    return [
        f"{node['Node Type']} on {node['Relation Name']} ({node.get('Filter', '')})"
        for node in nodes(plan)
        if node.get("Relation Name") in tables
        and node["Node Type"] in ("Seq Scan", "Index Scan", "Index Only Scan")
        and "Index Cond" not in node
    ]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("listed", LISTS)
def test_what_a_person_may_list_is_read_through_index_conditions(world: World, persona: str, listed: str) -> None:
    rows = LISTS[listed](world.users[persona])
    assert rows.exists()  # each persona sees something of each kind here: the plan is not empty by accident
    sql, params = rows.order_by().values("pk").query.sql_with_params()
    plan = plan_of(f"SELECT count(*) FROM ({sql}) AS listed", params)
    assert unserved_reads(plan) == [], (persona, listed)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_home_pages_count_of_slipped_deadlines_is_read_through_index_conditions(world: World, persona: str) -> None:
    with CaptureQueriesContext(connection) as captured:
        count_slipped(world.users[persona], dt.date(2026, 5, 15))
    (statement,) = [query["sql"] for query in captured.captured_queries if "plans_activity" in query["sql"]]
    plan = plan_of(statement, None)
    assert unserved_reads(plan) == [], persona
