"""Review of issue 18 (the merged branch), as a hostile user and a hostile reviewer: each test is a finding, proven
by failing before its fix (or marked xfail(strict=True) with the cause when it is left to the lead)."""

from __future__ import annotations

import base64
import json

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client, override_settings

from plans.models import Objective
from tests.workflow.test_api import assert_error, client_for
from tests.workflow.world import World

pytestmark = pytest.mark.django_db


def _owner_outside_the_area(world: World) -> User:
    """Tommaso, staff of the technical area, made owner of SOC-1 (an objective of the social area): he sees the
    objective (can_view_item: is_owner), not the activities of it he neither owns nor serves (activity 2)."""
    Objective.objects.filter(pk=world.objective.pk).update(owner=world.tommaso)
    assert not world.tommaso.has_perm("plans.view_activity", world.second_activity)
    return world.tommaso


def test_the_objective_owner_outside_the_area_gets_no_activity_he_may_not_see_in_its_pager(world: World) -> None:
    """web/views/plans.py objective_activities pages `objective.activities`, every activity of a visible objective,
    not the ones the person may see."""
    client = Client()
    client.force_login(_owner_outside_the_area(world))
    for headers in ({}, {"HX-Request": "true"}):
        page = client.get(f"/obiettivi/{world.objective.pk}/attivita/", headers=headers)
        assert page.status_code == 200
        assert world.second_activity.description not in page.content.decode()


def test_the_objective_owner_outside_the_area_gets_no_activity_he_may_not_see_in_the_plan_tree(world: World) -> None:
    """web/plan_tree.py tree_page prefetches `activities` of the page's objectives, every one of them."""
    client = Client()
    client.force_login(_owner_outside_the_area(world))
    page = client.get(f"/piani/{world.plan.pk}/")
    assert page.status_code == 200
    assert world.objective.code in page.content.decode()  # he sees his objective
    assert world.second_activity.description not in page.content.decode()


def test_the_objective_owner_outside_the_area_gets_no_activity_he_may_not_see_on_the_objective_page(
    world: World,
) -> None:
    """web/views/items.py `_context` pages `item.activities` on the objective's page, every one of them."""
    client = Client()
    client.force_login(_owner_outside_the_area(world))
    page = client.get(f"/obiettivi/{world.objective.pk}/")
    assert page.status_code == 200
    assert world.objective.title in page.content.decode()
    assert world.second_activity.description not in page.content.decode()


def test_the_director_still_gets_every_activity_of_the_objective(world: World) -> None:
    """The filter above leaves the director's lists whole (the guard against a fix that hides too much)."""
    client = Client()
    client.force_login(world.diana)
    for url in (
        f"/obiettivi/{world.objective.pk}/attivita/",
        f"/obiettivi/{world.objective.pk}/",
        f"/piani/{world.plan.pk}/",
    ):
        content = client.get(url).content.decode()
        assert world.activity.description in content
        assert world.second_activity.description in content


def _encoded(payload: bytes) -> str:
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


@pytest.mark.parametrize(
    "payload",
    [
        # As deep as the JSON decoder's recursion limit (1,500 on CPython 3.12), in MAX_CURSOR_LENGTH characters.
        b"[" * 1500,
        b"[" * 1499 + b"]",
    ],
    ids=["open", "closed-once"],
)
def test_a_deeply_nested_cursor_answers_404_not_500(world: World, payload: bytes) -> None:
    """api/pagination.py _decode catches ValueError and friends, not the RecursionError json raises on a deep
    nesting that fits in the 2,000 characters a cursor may have."""
    bad = _encoded(payload)
    assert len(bad) <= 2000
    body = assert_error(client_for(world.diana).get("/api/activities/", {"cursor": bad}), 404, "not_found")
    assert "cursor" in body["fields"]


def _cursor(payload: object) -> str:
    return _encoded(json.dumps(payload).encode())


@pytest.mark.parametrize(
    "moment",
    [
        "0001-01-01T00:00:00+14:00",  # before year 1 in UTC
        "9999-12-31T23:59:59.999999-14:00",  # after year 9999 in UTC
        "2026-05-15T10:00:00+23:59",
        "٢٠٢٦-05-15T10:00:00+00:00",  # Arabic-Indic digits
    ],
)
@pytest.mark.parametrize("url", ["/api/requests/", "/api/approvals/", "/api/changes/"])
def test_a_cursor_at_the_edge_of_time_answers_a_page_or_404_never_500(world: World, url: str, moment: str) -> None:
    """The datetime keys of the request lists: a moment Python reads but that leaves its range once in UTC."""
    response = client_for(world.diana).get(url, {"cursor": _cursor({"after": [moment, 1]})})
    assert response.status_code in (200, 404), response.content
    if response.status_code == 404:
        assert "cursor" in response.json()["fields"]


UNREACHABLE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/15",  # nothing listens there: Redis is down
        "KEY_PREFIX": "traguardi",
    }
}


# Found with SESSION_ENGINE cached_db: Django's cached_db.SessionStore.load catches the cache's get but not the set
# that follows the database read, and delete() deletes the row, then the cached copy, uncaught. The sessions are
# Django's database sessions now (config/settings.py), which never touch the cache.


def test_a_signed_in_page_while_redis_is_down_is_no_500(world: World) -> None:
    """Redis holds the cache (sessions, throttles); with it unreachable, a signed-in person gets a 500 on every
    page, since loading the session from the database writes it back to the cache uncaught."""
    client = Client(raise_request_exception=False)
    client.force_login(world.anna)
    with override_settings(CACHES=UNREACHABLE_CACHE):
        response = client.get("/le-mie-attivita/")
    assert response.status_code != 500


def test_a_logout_while_redis_is_down_leaves_no_session_that_works_once_redis_is_back(world: World) -> None:
    """A person who signs out while Redis is unreachable: either the logout works and the old cookie is dead once
    Redis is back, or the logout fails visibly; today it answers 500 and the session lives on."""
    client = Client(raise_request_exception=False)
    client.force_login(world.anna)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/le-mie-attivita/").status_code == 200  # the session is in the cache and in the database
    with override_settings(CACHES=UNREACHABLE_CACHE):
        logout = client.post("/esci/")
    assert logout.status_code != 500
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert thief.get("/le-mie-attivita/").status_code == 302, "the session survived the logout"


ODD_PAGES = ["0", "-1", "9" * 5000, "١٢", "²", "1e400", "1.5", "NaN", "inf", "\u00a0", "x"]


@pytest.mark.parametrize("number", ODD_PAGES)
@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/piani/{plan}/", "pagina_albero"),
        ("/obiettivi/{objective}/attivita/", "pagina"),
        ("/obiettivi/{objective}/", "pagina_attivita"),
    ],
)
@pytest.mark.parametrize("htmx", [{}, {"HX-Request": "true", "HX-Target": "albero"}], ids=["page", "htmx"])
def test_an_odd_page_number_gives_a_page_never_a_500(
    world: World, path: str, parameter: str, number: str, htmx: dict[str, str]
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.sara)
    url = path.format(plan=world.plan.pk, objective=world.objective.pk)
    response = client.get(url, {parameter: number}, headers=htmx)
    assert response.status_code == 200
    assert world.activity.description in response.content.decode()


def test_another_bodys_director_gets_404_on_the_pager_the_job_and_the_download(world: World) -> None:
    """Erica directs Borgo: Aurelia's objective pager, document job and download answer as if they did not exist,
    with or without htmx, and never give the document's bytes."""
    from reports.models import ReportExport

    export = ReportExport.objects.create(
        plan=world.plan,
        kind=ReportExport.Kind.RELAZIONE,
        year=2026,
        fmt="pdf",
        requested_by=world.diana,
        status=ReportExport.Status.READY,
        content=b"%PDF-segreto",
        filename="relazione.pdf",
    )
    client = Client()
    client.force_login(world.erica)
    urls = [
        f"/obiettivi/{world.objective.pk}/attivita/",
        f"/piani/{world.plan.pk}/documenti/{export.pk}/",
        f"/piani/{world.plan.pk}/relazione/documenti/{export.pk}/",
    ]
    for url in urls:
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=headers)
            assert response.status_code == 404, url
            assert b"segreto" not in response.content
    diana = Client()
    diana.force_login(world.diana)
    assert diana.get(f"/piani/{world.plan.pk}/relazione/documenti/{export.pk}/").content == b"%PDF-segreto"
