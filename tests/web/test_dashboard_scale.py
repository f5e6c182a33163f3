"""The director's dashboard and the objective page at scale (issue 18): their queries do not grow with the plan.

The plan grows fivefold (tests/web/test_home_scale.grow: objectives of the areas, half of them overdue, each with
an indicator and five activities, two of them overdue); each page is read before and after, by each persona who
opens it. The dashboard's list sees the plan grow (more slipped deadlines, still one page of rows); the objective
page's score is its own, whatever the plan holds, and links to the page of the plan's scores that lists it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.web.test_home_scale import grow
from tests.workflow.world import World
from web.views.dashboard import PAGE_SIZE

pytestmark = pytest.mark.django_db


def read(client: Client, user: User, url: str) -> tuple[int, Any]:
    client.force_login(user)
    client.get(url)  # the session and the first visit's reads
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


@pytest.mark.parametrize("persona", ["diana", "anna", "otto"])  # the director, an area head, the OIV
def test_the_dashboard_runs_as_many_queries_for_five_times_the_plan(client: Client, world: World, persona: str) -> None:
    user = world.users[persona]
    grow(world, 12)
    few, small = read(client, user, "/scadenze/")
    grow(world, 48, start=12)  # 60 objectives and 300 activities in all: five times as many
    many, large = read(client, user, "/scadenze/")
    assert large.context["page"].paginator.count > small.context["page"].paginator.count  # it saw the plan grow
    assert len(large.context["page"].object_list) == PAGE_SIZE  # one page of rows, at either size
    assert many == few, persona


@pytest.mark.parametrize("persona", ["diana", "anna", "otto"])
def test_the_objective_page_runs_as_many_queries_for_five_times_the_plan(
    client: Client, world: World, persona: str
) -> None:
    user = world.users[persona]
    url = f"/obiettivi/{world.objective.pk}/"
    grow(world, 12)
    few, small = read(client, user, url)
    grow(world, 48, start=12)
    many, large = read(client, user, url)
    assert many == few, persona
    # Its score's link names the page of the plan's scores page that lists it, among the objectives the person
    # sees: no objective here has a number, so by code the grown SCALA-… come before SOC-1.
    pages = (small.context["scored"].badge.page, large.context["scored"].badge.page)
    assert pages == ((1, 2) if persona in ("diana", "otto") else (1, 1)), pages  # anna sees 40 of the 60
    link = f'href="/piani/{world.plan.pk}/punteggi/?anno=2026' + ("&amp;pagina=2" if pages[1] == 2 else "")
    assert f'{link}#obiettivo-{world.objective.pk}"' in large.content.decode()
