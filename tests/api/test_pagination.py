"""Every API list pages by keyset with a bounded count (api.pagination): walking the `next` links returns each
row the caller sees once and nothing else, even while rows come and go between pages; a cursor the API did not
write answers 400 in the one error shape; a page costs the same number of queries however long the list."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from api.pagination import COUNT_CAP, KeysetPagination
from plans.models import Activity, Area, Indicator, Objective, Plan
from plans.rules import visible_activities, visible_areas, visible_indicators, visible_objectives, visible_plans
from tests.notifications.test_staleness_batch import pending_request
from tests.workflow.test_api import assert_error, client_for
from tests.workflow.world import PERSONAS, World
from workflow.models import Step

pytestmark = pytest.mark.django_db

PAGE = 2  # small pages, so that the small world spans several of them

LISTS: dict[str, Callable[[User], QuerySet[Any]]] = {
    "/api/activities/": visible_activities,
    "/api/objectives/": visible_objectives,
    "/api/indicators/": visible_indicators,
    "/api/plans/": visible_plans,
    "/api/areas/": visible_areas,
}


@pytest.fixture(autouse=True)
def _small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(KeysetPagination, "page_size", PAGE)


def cursor(payload: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def walk(client: APIClient, url: str, between: Callable[[int], None] = lambda page: None) -> list[int]:
    """Every id the `next` links lead to, in order; `between(n)` runs after page n is read."""
    seen: list[int] = []
    response = client.get(url)
    for page in range(1, 1000):
        assert response.status_code == 200, response.content
        body = response.json()
        assert len(body["results"]) <= PAGE
        seen += [row["id"] for row in body["results"]]
        if body["next"] is None:
            return seen
        between(page)
        response = client.get(body["next"])
    raise AssertionError("the next links never end")


def more_activities(world: World, count: int, *, start: int = 10) -> list[Activity]:
    return [
        Activity.objects.create(objective=world.objective, position=position, description=f"Attività {position}")
        for position in range(start, start + count)
    ]


def borgo_objective(world: World) -> Objective:
    plan = Plan.objects.create(
        organization=world.borgo, code="PEG-B", kind=Plan.Kind.PEG, title="PEG Borgo", year_start=2026, year_end=2026
    )
    return Objective.objects.create(plan=plan, code="B-1", title="Obiettivo di Borgo")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url", LISTS)
def test_walking_a_list_returns_each_visible_row_once_and_nothing_else(world: World, persona: str, url: str) -> None:
    more_activities(world, 5)
    Indicator.objects.create(objective=world.transversal, position=1, name="Fascicoli digitalizzati")
    Area.objects.create(organization=world.aurelia, code="FIN", slug="finanziaria", name="Servizi finanziari")
    other = borgo_objective(world)
    Activity.objects.create(objective=other, position=1, description="Di Borgo")
    user = getattr(world, persona)
    seen = walk(client_for(user), url)
    expected = set(LISTS[url](user).values_list("pk", flat=True))
    assert len(seen) == len(set(seen)), f"{persona} saw a row twice on {url}"
    assert set(seen) == expected, persona


def test_rows_inserted_and_deleted_between_pages_neither_repeat_nor_hide_the_others(world: World) -> None:
    extra = more_activities(world, 6)
    other = borgo_objective(world)
    before = set(visible_activities(world.diana).values_list("pk", flat=True))
    gone: list[int] = []

    def meanwhile(page: int) -> None:
        # Rows behind the position (positions 3, 4, … of SOC-1, soon passed), past it (TRA-1's, at the end), in
        # another body; and one row not yet reached deleted.
        Activity.objects.create(objective=world.objective, position=2 + page, description="Inserita")
        Activity.objects.create(objective=world.transversal, position=page, description="Trasversale")
        Activity.objects.create(objective=other, position=page, description="Di Borgo")
        if page == 1:
            gone.append(extra[-1].pk)
            extra[-1].delete()

    seen = walk(client_for(world.diana), "/api/activities/", meanwhile)
    after = set(visible_activities(world.diana).values_list("pk", flat=True))
    assert len(seen) == len(set(seen)), "a row came twice"
    assert (before & after) <= set(seen), "a row there from start to end was skipped"
    assert set(seen) <= (before | after) - set(gone), "a row came that the director never sees, or a deleted one"
    assert set(seen) & (after - before), "rows added past the position show up on later pages"


def test_previous_goes_back_to_the_page_before(world: World) -> None:
    more_activities(world, 5)
    diana = client_for(world.diana)
    first = diana.get("/api/activities/").json()
    assert first["previous"] is None
    second = diana.get(first["next"]).json()
    third = diana.get(second["next"]).json()
    back = diana.get(third["previous"]).json()
    assert [row["id"] for row in back["results"]] == [row["id"] for row in second["results"]]
    again = diana.get(back["previous"]).json()
    assert [row["id"] for row in again["results"]] == [row["id"] for row in first["results"]]
    assert again["previous"] is None


def test_the_count_is_exact_up_to_the_cap_and_says_when_the_list_holds_more(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    more_activities(world, 3)  # five in all
    diana = client_for(world.diana)
    body = diana.get("/api/activities/").json()
    assert (body["count"], body["count_capped"]) == (5, False)
    monkeypatch.setattr(KeysetPagination, "count_cap", 3)
    body = diana.get("/api/activities/").json()
    assert (body["count"], body["count_capped"]) == (3, True)
    assert diana.get("/api/activities/", {"owner": world.sara.pk}).json()["count"] == 1
    assert COUNT_CAP == 1000


def page_queries(client: APIClient, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", LISTS)
def test_a_page_costs_the_same_queries_however_long_the_list(world: World, url: str) -> None:
    diana = client_for(world.diana)
    diana.get(url)  # the first call fills the per-process caches (content types, the caller's roles)
    short = page_queries(diana, url)
    more_activities(world, 20)
    for position in range(2, 12):
        Indicator.objects.create(objective=world.objective, position=position, name=f"Indicatore {position}")
        Objective.objects.create(plan=world.plan, code=f"NEW-{position}", title="Altro obiettivo")
    long = page_queries(diana, url)
    second = diana.get(url).json()["next"]
    assert long == short
    if second is not None:
        assert page_queries(diana, second) == short


def bad_cursors() -> list[str]:
    return [
        "non-è-un-cursore",
        "!!!",
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        cursor([1, 2]),
        cursor({}),
        cursor({"after": [1]}),  # the order has two fields
        cursor({"after": [1, 2, 3]}),
        cursor({"sideways": [1, 2]}),
        cursor({"after": [1, 2], "before": [1, 2]}),
        cursor({"after": "1,2"}),
        cursor({"after": [99999999999999999999, 1]}),
        cursor({"after": [-(2**70), 1]}),
        cursor({"after": ["uno", 1]}),
        cursor({"after": ["1\x00", 1]}),
        cursor({"after": [{"id": 1}, 1]}),
        cursor({"after": [[1], 1]}),
        cursor({"after": [True, 1]}),
        cursor({"after": [1.5, 1]}),
        cursor({"after": [None, 1]}),
        "A" * 5000,
    ]


@pytest.mark.parametrize("bad", bad_cursors())
def test_a_cursor_the_api_did_not_write_names_no_page(world: World, bad: str) -> None:
    body = assert_error(client_for(world.diana).get("/api/activities/", {"cursor": bad}), 404, "not_found")
    assert "cursor" in body["fields"]
    assert "Cursore non valido" in body["message"] or "Cursore non valido" in body["fields"]["cursor"][0]


@pytest.mark.parametrize(
    "bad",
    [
        cursor({"after": ["2026-05-01T10:00:00", 1]}),  # no offset: which 10 o'clock?
        cursor({"after": ["il primo maggio", 1]}),
        cursor({"after": [20260501, 1]}),
        cursor({"before": ["2026-05-01T10:00:00+02:00", "uno"]}),
    ],
)
def test_a_bad_cursor_on_a_list_ordered_by_time_names_no_page(world: World, bad: str) -> None:
    for url in ("/api/requests/", "/api/approvals/", "/api/changes/", "/api/monitoring-answers/"):
        body = assert_error(client_for(world.diana).get(url, {"cursor": bad}), 404, "not_found")
        assert "cursor" in body["fields"], url


def test_a_cursor_written_for_one_list_is_refused_by_another(world: World) -> None:
    more_activities(world, 3)
    diana = client_for(world.diana)
    activities_next = diana.get("/api/activities/").json()["next"]
    position = activities_next.split("cursor=", 1)[1]
    assert_error(diana.get("/api/requests/", {"cursor": position}), 404, "not_found")
    assert diana.get("/api/objectives/", {"cursor": position}).status_code == 200  # two integers there too


def test_an_empty_cursor_is_the_first_page_and_a_page_number_is_refused(world: World) -> None:
    diana = client_for(world.diana)
    assert diana.get("/api/activities/", {"cursor": ""}).json() == diana.get("/api/activities/").json()
    body = assert_error(diana.get("/api/activities/", {"page": "2"}), 404, "not_found")
    assert "next" in body["message"]


def test_the_time_ordered_lists_keep_microseconds_and_break_ties_by_id(world: World) -> None:
    items = [world.activity, world.second_activity, *more_activities(world, 3)]
    # Two requests a microsecond apart, three at one instant: the cursor must tell all of them apart.
    moments = [dt.datetime(2026, 5, 1, 10, 0, 0, micro, tzinfo=dt.UTC) for micro in (1, 2, 3, 3, 3)]
    made = []
    for item, moment in zip(items, moments, strict=True):
        with time_machine.travel(moment, tick=False):
            made.append(pending_request(item, world.sara, Step.AREA_HEAD).pk)
    seen = walk(client_for(world.diana), "/api/requests/")
    assert seen == sorted(made[3:], reverse=True) + made[2::-1]  # newest first, then the higher id


def test_the_schema_documents_the_cursor_and_the_bounded_count(world: World) -> None:
    schema = client_for(world.diana).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/activities/"]["get"]
    assert "cursor" in {parameter["name"] for parameter in operation["parameters"]}
    assert "page" not in {parameter["name"] for parameter in operation["parameters"]}
    page = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    properties = schema["components"]["schemas"][page]["properties"]
    assert {"count", "count_capped", "next", "previous", "results"} <= set(properties)
