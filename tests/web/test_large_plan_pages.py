"""The pages of a large plan stay the same size whatever the plan's size: the plan tree (a page of objectives,
each with its first activities, the rest on demand with htmx or a page of their own without JavaScript), the
objective page, an objective's activities, the owner's activities, the approvals inbox and the scores page.

The plan grows cheaply (tests/web/large_plan.py, bulk inserts) from N to 5N activities; each page is read at
both sizes: the same rows, nearly the same bytes (only the counts' digits differ), far below 1 MB of HTML, and
the same number of queries for the tree."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from plans.models import Activity, Objective, Plan, PlanState
from tests.web.helpers import database_state
from tests.web.html import page_text
from tests.web.large_plan import AREAS, grow_plan
from tests.workflow.world import World
from web.plan_tree import ACTIVITIES_PER_PAGE, OBJECTIVES_PER_PAGE
from web.views.inbox import REQUESTS_PER_PAGE
from workflow.services import item_rinvia

pytestmark = pytest.mark.django_db

ONE_MB = 1_000_000
NEW_END = dt.date(2027, 2, 28)
# The first size: 60 objectives of 25 activities (more than two pages of the tree, more than the activities shown
# under an objective); 5N adds 240 more of the same.
OBJECTIVES, ACTIVITIES_EACH = 60, 25
ACTIVITY_LINK = re.compile(r'<a href="/attivita/\d+/"')
OBJECTIVE_LINK = re.compile(r'<a href="/obiettivi/\d+/"')


def as_user(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def grow(world: World, objectives: int) -> None:
    grow_plan(world.plan, world.social, objectives=objectives, activities_each=ACTIVITIES_EACH, owner=world.sara)


def first_grown(world: World) -> Objective:
    objective = Objective.objects.filter(plan=world.plan, code="GRO-00001").first()
    assert objective is not None
    return objective


def tree_url(world: World, query: str = "") -> str:
    return f"/piani/{world.plan.pk}/" + query


def pages(world: World) -> dict[str, tuple[User, str]]:
    """The pages that grew with the plan before they were paged: who reads each, and its address."""
    grown = first_grown(world)
    return {
        "tree": (world.diana, tree_url(world)),
        "tree, page 2": (world.diana, tree_url(world, "?pagina_albero=2")),
        "objective": (world.diana, f"/obiettivi/{grown.pk}/"),
        "objective's activities": (world.diana, f"/obiettivi/{grown.pk}/attivita/?pagina=2"),
        "my activities": (world.sara, "/le-mie-attivita/"),
        "scores": (world.diana, f"/piani/{world.plan.pk}/punteggi/"),
    }


def measure(client: Client, world: World) -> dict[str, tuple[int, int, int]]:
    """Each page: (bytes, activity links, objective links)."""
    measured = {}
    for name, (user, url) in pages(world).items():
        response = as_user(client, user).get(url)
        assert response.status_code == 200, (name, response.status_code)
        html = response.content.decode()
        measured[name] = (len(response.content), len(ACTIVITY_LINK.findall(html)), len(OBJECTIVE_LINK.findall(html)))
    return measured


def test_the_pages_of_a_plan_stop_growing_with_the_plan(client: Client, world: World) -> None:
    grow(world, OBJECTIVES)
    small = measure(client, world)
    grow(world, 4 * OBJECTIVES)
    assert Activity.objects.filter(objective__plan=world.plan).count() == 5 * OBJECTIVES * ACTIVITIES_EACH + 2
    large = measure(client, world)
    for name, (size, activities, objectives) in large.items():
        assert size < ONE_MB, name
        assert (activities, objectives) == small[name][1:], name
        # The same rows; the bytes differ by the counts ("di 1502" becomes "di 7502") and the codes shown.
        assert abs(size - small[name][0]) <= small[name][0] // 100, (name, small[name][0], size)
    # The tree shows a page of objectives, each with its first activities; the rest are a link away.
    assert large["tree"][1] <= OBJECTIVES_PER_PAGE * ACTIVITIES_PER_PAGE
    assert large["tree"][2] == OBJECTIVES_PER_PAGE
    assert large["objective"][1] == ACTIVITIES_PER_PAGE
    assert large["objective's activities"][1] == ACTIVITIES_EACH - ACTIVITIES_PER_PAGE
    assert large["my activities"][1] == 20
    # The scores page's areas list their first objectives and say how many more there are.
    scores = page_text(as_user(client, world.diana).get(f"/piani/{world.plan.pk}/punteggi/"))
    assert re.search(r"E altri 2\d\d obiettivi dell'area", scores)


def test_the_plan_trees_queries_do_not_grow_with_the_plan(client: Client, world: World) -> None:
    as_user(client, world.diana)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    grow(world, OBJECTIVES)
    few = (queries(tree_url(world)), queries(tree_url(world, "?pagina_albero=2")))
    grow(world, 4 * OBJECTIVES)
    assert (queries(tree_url(world)), queries(tree_url(world, "?pagina_albero=2"))) == few


def test_the_tree_pages_its_objectives_with_plain_links_and_an_index_of_the_areas(client: Client, world: World) -> None:
    grow_plan(world.plan, world.social, objectives=3 * OBJECTIVES_PER_PAGE, activities_each=1)  # + the world's 2
    response = as_user(client, world.diana).get(tree_url(world))
    html, text = response.content.decode(), page_text(response)
    assert "Obiettivi da 1 a 25 di 77." in text and "Pagina 1 di 4" in text
    assert 'href="?pagina_albero=2#albero"' in html and "Precedente" not in text
    # The areas' index: each area with its objectives and a link to the page where it starts.
    assert f"{AREAS[0]} (37)" in text and f"{AREAS[1]} (38)" in text
    assert 'href="?pagina_albero=2#albero" hx-get="?pagina_albero=2" hx-target="#albero"' in html
    last = page_text(client.get(tree_url(world, "?pagina_albero=4")))
    assert "Obiettivi da 76 a 77 di 77." in last and "Pagina 4 di 4" in last
    assert "GRO-00075" in last and "GRO-00001" not in last
    # Other parameters are kept: the year of the scores.
    assert 'href="?anno=2026&amp;pagina_albero=2#albero"' in client.get(tree_url(world, "?anno=2026")).content.decode()


@pytest.mark.parametrize("asked", ["abc", "0", "-1", "999999", "1e3", "2" * 40])
def test_a_bad_page_number_shows_a_page_of_the_tree_and_changes_nothing(
    client: Client, world: World, asked: str
) -> None:
    grow(world, 2 * OBJECTIVES_PER_PAGE)
    before = database_state()
    response = as_user(client, world.diana).get(tree_url(world, f"?pagina_albero={asked}"))
    assert response.status_code == 200
    assert re.search(r"Pagina [123] di 3", page_text(response))
    response = client.get(f"/obiettivi/{first_grown(world).pk}/attivita/?pagina={asked}")
    assert response.status_code == 200 and "Pagina " in page_text(response)
    assert database_state() == before


def test_with_htmx_the_tree_answers_its_section_only(client: Client, world: World) -> None:
    grow(world, 2 * OBJECTIVES_PER_PAGE)
    response = as_user(client, world.diana).get(
        tree_url(world, "?pagina_albero=2"), headers={"HX-Request": "true", "HX-Target": "albero"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section aria-labelledby="titolo-albero" class="tg-tree" id="albero">')
    assert "<html" not in html and 'id="titolo-punteggi"' not in html and "Pagina 2 di 3" in page_text(response)
    # History restores ask for the whole page.
    restored = client.get(
        tree_url(world, "?pagina_albero=2"),
        headers={"HX-Request": "true", "HX-Target": "albero", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in restored.content.decode()


def test_an_objectives_other_activities_come_on_demand_as_rows_with_htmx_and_as_a_page_without(
    client: Client, world: World
) -> None:
    grow_plan(world.plan, world.social, objectives=1, activities_each=2 * ACTIVITIES_PER_PAGE + 5, owner=world.sara)
    grown = first_grown(world)
    url = f"/obiettivi/{grown.pk}/attivita/"
    tree = as_user(client, world.diana).get(tree_url(world)).content.decode()
    # The tree shows the first activities and links to the following ones.
    assert "Fase 20 dell&#x27;obiettivo GRO-00001" in tree and "Fase 21 dell" not in tree
    assert f'<a href="{url}?pagina=2" hx-get="{url}?pagina=2" hx-target="closest li" hx-swap="outerHTML">' in tree
    assert "Mostra altre attività (20 di 45 mostrate)" in tree
    # htmx: the next rows and the link to the ones after them, nothing else.
    fragment = client.get(f"{url}?pagina=2", headers={"HX-Request": "true"}).content.decode()
    assert fragment.startswith("<li>") and "<html" not in fragment
    assert len(ACTIVITY_LINK.findall(fragment)) == ACTIVITIES_PER_PAGE
    assert "Fase 21 dell" in fragment and "Fase 40 dell" in fragment and "Fase 41 dell" not in fragment
    assert f'hx-get="{url}?pagina=3"' in fragment and "Mostra altre attività (40 di 45 mostrate)" in fragment
    last = client.get(f"{url}?pagina=3", headers={"HX-Request": "true"}).content.decode()
    assert len(ACTIVITY_LINK.findall(last)) == 5 and "Mostra altre" not in last
    # Without JavaScript: the same address is a page of its own, with the previous and the next page.
    page = client.get(f"{url}?pagina=2")
    text = page_text(page)
    assert "<html" in page.content.decode() and "Attività da 21 a 40 di 45." in text
    assert "Precedente" in text and "Successiva" in text and "Pagina 2 di 3" in text
    assert 'href="?pagina=3"' in page.content.decode()


def test_nobody_sees_the_activities_of_an_objective_that_is_not_theirs(client: Client, world: World) -> None:
    grow(world, 1)
    url = f"/obiettivi/{first_grown(world).pk}/attivita/"
    assert as_user(client, world.anna).get(url).status_code == 200  # the social area's head
    for outsider in (world.bruno, world.tommaso, world.erica):  # another area, another body
        assert as_user(client, outsider).get(url).status_code == 404
        assert as_user(client, outsider).get(url, headers={"HX-Request": "true"}).status_code == 404


def test_the_objective_page_pages_its_activities(client: Client, world: World) -> None:
    grow_plan(world.plan, world.social, objectives=1, activities_each=ACTIVITIES_PER_PAGE + 3)
    url = f"/obiettivi/{first_grown(world).pk}/"
    first = as_user(client, world.diana).get(url)
    assert "Pagina 1 di 2 (23 attività)" in page_text(first)
    assert 'href="?pagina_attivita=2#titolo-attivita"' in first.content.decode()
    second = page_text(client.get(url + "?pagina_attivita=2&anno=2026"))
    assert "Fase 21 dell'obiettivo" in second and "Fase 20 dell'obiettivo" not in second


def test_my_activities_come_a_page_at_a_time_and_an_update_returns_to_its_page(client: Client, world: World) -> None:
    grow(world, 2)  # 50 + the world's one of Sara's
    first = page_text(as_user(client, world.sara).get("/le-mie-attivita/"))
    assert "Attività da 1 a 20 di 51." in first and "Pagina 1 di 3" in first
    third = client.get("/le-mie-attivita/?pagina=3")
    assert "Attività da 41 a 51 di 51." in page_text(third)
    assert "?pagina=3" in re.findall(r'action="(/attivita/\d+/aggiornamento/[^"]*)"', third.content.decode())[0]


def test_the_rollover_page_lists_the_first_open_activities_and_offers_all_of_them(client: Client, world: World) -> None:
    grow_plan(world.plan, world.social, objectives=1, activities_each=230)
    Plan.objects.filter(pk=world.plan.pk).update(state=PlanState.CLOSED)
    response = as_user(client, world.diana).get(f"/piani/{world.plan.pk}/anno-successivo/")
    html, text = response.content.decode(), page_text(response)
    assert response.status_code == 200
    assert html.count('name="activities"') == 200
    assert "Attività non concluse da riportare (232)" in text
    assert "Qui le prime 200; le altre 32 attività non concluse si riportano con «Riporta tutte" in text


def test_the_inbox_shows_its_requests_a_page_at_a_time_and_counts_them_all(client: Client, world: World) -> None:
    grow_plan(world.plan, world.social, objectives=1, activities_each=REQUESTS_PER_PAGE + 2, owner=world.sara)
    for activity in Activity.objects.filter(objective=first_grown(world)):
        item_rinvia(actor=world.sara, item=activity, reason="Il fornitore è in ritardo", new_planned_end=NEW_END)
    first = as_user(client, world.anna).get("/approvazioni/")
    text = page_text(first)
    assert "22 richieste attendono la tua decisione." in text and "Pagina 1 di 2" in text
    assert first.content.decode().count('p-3" id="richiesta-') == REQUESTS_PER_PAGE
    second = client.get("/approvazioni/?pagina=2")
    assert second.content.decode().count('p-3" id="richiesta-') == 2 and "Pagina 2 di 2" in page_text(second)


def test_within_a_strategic_area_each_responsibility_areas_objectives_stay_together(
    client: Client, world: World
) -> None:
    """A PEG numbered by area (seed 002): «Obiettivo 1» of the social area, its «Obiettivo 2», then the technical
    area's «Obiettivo 1», each summary naming its area; not 1, 1, 2."""
    governance = "Governance e organizzazione"
    for area, number, code in ((world.technical, 1, "TEC-1"), (world.social, 2, "SOC-2"), (world.social, 1, "SOC-9")):
        objective = Objective.objects.create(
            plan=world.plan, code=code, number=number, title=f"Obiettivo {code}", strategic_area=governance
        )
        objective.areas.add(area)
    answer = as_user(client, world.diana).get(tree_url(world))
    group = next(objectives for entry, objectives in answer.context["tree"].groups if entry.name == governance)
    assert [objective.code for objective in group] == ["SOC-9", "SOC-2", "TEC-1"]
    text = page_text(answer)
    assert "Servizi sociali · Obiettivo 1 : Obiettivo SOC-9" in text
    assert "Servizi tecnici · Obiettivo 1 : Obiettivo TEC-1" in text
