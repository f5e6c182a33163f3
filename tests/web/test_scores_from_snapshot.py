"""The plan tree and the scores page compute the scores of the objectives they show, and read the body's and the
areas' from the daily snapshot while it is current (evaluation.stored): the same page as from the live scores, a
number of queries that does not grow with the plan, and the running figures as soon as anything changes.

The world: tests/evaluation/scored_world.py (SOC-1 85%, TRA-1 100%, TEC-1 40% of weight 2: the body 66.25%, stored
as "66.25" and shown as "66,2%", which only the stored explanation tells apart from "66,3%"). Today is 15 May 2026.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from evaluation.models import ScoreSnapshot
from evaluation.stored import stored_rollups
from plans.models import Plan, PlanState
from tests.evaluation.scored_world import Scored, percent, scored_world
from tests.web.large_plan import grow_plan
from tests.web.test_dashboard_stored_scores import daily_run, raise_the_roads_to_target
from tests.workflow.world import World
from workflow.trail.chain import seal_pending

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the snapshots' validity reads the PostgreSQL trail"),
]
PLAN_READS = ('"plans_measurement"', '"plans_indicatortarget"', '"plans_indicator"')
TOKEN = re.compile(r"[A-Za-z0-9]{64}")  # the CSRF token, different on every page


@pytest.fixture
def stored(world: World) -> Scored:
    scored = scored_world(world)
    daily_run()
    return scored


def as_user(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def pages(plan: Plan) -> list[str]:
    return [f"/piani/{plan.pk}/", f"/piani/{plan.pk}/?pagina_albero=2", f"/piani/{plan.pk}/punteggi/"]


def html(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return TOKEN.sub("", response.content.decode())


def plan_reads(client: Client, url: str) -> tuple[int, str]:
    """The request's queries, and those that read the plan's indicators, targets and measurements."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured), " ".join(q["sql"] for q in captured if any(t in q["sql"] for t in PLAN_READS))


def test_a_current_snapshot_gives_the_same_pages_as_the_live_scores(client: Client, stored: Scored) -> None:
    world = stored.world
    grow_plan(world.plan, world.social, objectives=60, activities_each=2)
    daily_run()
    as_user(client, world.diana)
    assert stored_rollups(world.plan, 2026) is not None
    from_snapshot = {url: html(client, url) for url in pages(world.plan)}
    ScoreSnapshot.objects.update(trail_seq=-1)  # no longer the chain's head: the pages compute everything
    assert stored_rollups(world.plan, 2026) is None
    assert {url: html(client, url) for url in pages(world.plan)} == from_snapshot


def test_the_world_as_stored_shows_the_same_pages_too(client: Client, stored: Scored) -> None:
    world = stored.world
    as_user(client, world.diana)
    assert stored_rollups(world.plan, 2026) is not None
    from_snapshot = {url: html(client, url) for url in pages(world.plan)}
    ScoreSnapshot.objects.update(trail_seq=-1)
    assert {url: html(client, url) for url in pages(world.plan)} == from_snapshot
    assert "66,2%" in from_snapshot[f"/piani/{world.plan.pk}/punteggi/"]


def test_the_body_stored_as_a_hundredths_five_is_shown_as_the_explanation_says(stored: Scored) -> None:
    body, areas = stored_rollups(stored.world.plan, 2026) or (None, {})
    assert body is not None and body.score is not None and body.explanation.endswith(" = 66,2%")
    assert percent(body.score) == "66,2%" and abs(body.score - stored.body) < Decimal("0.01")
    assert {percent(area.rollup.score) for area in areas.values() if area.rollup.score is not None} >= {"60,0%"}
    # An explanation that does not give the figure leaves the two-decimal score undecided: no snapshot then.
    snapshot = ScoreSnapshot.objects.get(plan=stored.world.plan, year=2026)
    snapshot.data["body"]["explanation"] = "media ponderata"
    snapshot.save(update_fields=["data"])
    assert stored_rollups(stored.world.plan, 2026) is None


def test_a_change_since_the_snapshot_makes_the_pages_compute_the_running_figures(
    client: Client, stored: Scored
) -> None:
    world = stored.world
    running = raise_the_roads_to_target(stored)
    assert stored_rollups(world.plan, 2026) is None  # not sealed yet: this transaction's own change
    seal_pending()  # committed: the chain's head moved past the snapshot's
    assert stored_rollups(world.plan, 2026) is None
    for url in pages(world.plan)[::2]:
        text = html(as_user(client, world.diana), url)
        assert percent(running) in text and percent(stored.body) not in text, url
    daily_run()
    assert stored_rollups(world.plan, 2026) is not None


def test_a_page_in_another_language_computes_its_own_explanations(stored: Scored) -> None:
    assert stored_rollups(stored.world.plan, 2026) is not None
    with translation.override("en"):
        assert stored_rollups(stored.world.plan, 2026) is None


def test_the_tree_and_scores_pages_queries_and_reads_do_not_grow_with_the_plan(client: Client, stored: Scored) -> None:
    world = stored.world
    as_user(client, world.diana)
    grow_plan(world.plan, world.social, objectives=60, activities_each=3)
    daily_run()
    small = {url: plan_reads(client, url) for url in pages(world.plan)}
    grow_plan(world.plan, world.social, objectives=240, activities_each=3)
    daily_run()
    large = {url: plan_reads(client, url) for url in pages(world.plan)}
    for url, (queries, reads) in large.items():
        assert queries == small[url][0], url
        # The page's objectives only: their ids, never the whole plan's indicators.
        assert reads and "IN (" in reads, url


def test_the_rollover_pages_queries_do_not_grow_with_the_plan(client: Client, world: World) -> None:
    Plan.objects.filter(pk=world.plan.pk).update(state=PlanState.CLOSED)
    as_user(client, world.diana)
    url = f"/piani/{world.plan.pk}/anno-successivo/"
    grow_plan(world.plan, world.social, objectives=10, activities_each=30)
    small = plan_reads(client, url)[0]
    grow_plan(world.plan, world.social, objectives=40, activities_each=30)
    response = client.get(url)
    assert plan_reads(client, url)[0] == small
    assert response.content.decode().count('name="activities"') == 200
