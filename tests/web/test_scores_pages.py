"""Scores where people look: the plan's scores page (/piani/<id>/punteggi/), the plan page, the objective page and
the director's dashboard. Each score shows its figure, the band's label and symbol and a colour, and its
explanation is one click away; nobody sees a score of what is not theirs.

The world: tests/evaluation/scored_world.py (SOC-1 85%, TRA-1 100%, TEC-1 40%). Today is 15 May 2026."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from evaluation.models import MeasurementSystem
from plans.models import Indicator, Objective, Plan
from tests.evaluation.scored_world import Scored, percent, scored_world
from tests.web.helpers import indicator_values
from tests.web.html import page_text, tables
from tests.workflow.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(world: World) -> Scored:
    return scored_world(world)


def as_user(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def scores_url(scored: Scored, year: str = "") -> str:
    return f"/piani/{scored.world.plan.pk}/punteggi/" + (f"?anno={year}" if year else "")


def test_the_director_sees_every_score_from_the_body_down_to_each_indicator_with_its_explanation(
    client: Client, scored: Scored
) -> None:
    world = scored.world
    response = as_user(client, world.diana).get(scores_url(scored, "2026"))
    assert response.status_code == 200
    html, text = response.content.decode(), page_text(response)
    # The body: weighted mean of the three objectives, with the rule's words and the system's label and symbol.
    assert 'id="ente"' in html
    assert f"{percent(scored.body)} ○ non raggiunto" in text  # (85 + 100 + 40 × 2) / 4, below 80
    assert "media ponderata di 3 obiettivi misurabili su 3" in text
    # The areas, each with its objectives linked to their entries.
    assert f'id="area-{world.social.pk}"' in html and f'id="area-{world.technical.pk}"' in html
    assert f"{percent(scored.social_area)} ◐ parzialmente raggiunto" in text
    assert f'href="#obiettivo-{scored.technical.pk}"' in html
    # Every objective and indicator, with the indicator's explanation (the values and the rule).
    for objective in (world.objective, world.transversal, scored.technical):
        assert f'id="obiettivo-{objective.pk}"' in html
    assert f'id="indicatore-{scored.technical_indicator.pk}"' in html
    assert f"{percent(scored.tec)} ○ non raggiunto" in text
    assert "valore 20% non ≥ 50% atteso: non raggiunto" in text
    assert f"{percent(scored.tra)} ● raggiunto" in text
    assert "tg-light tg-light-rosso" in html and "tg-light tg-light-verde" in html and "tg-light-giallo" in html


@pytest.mark.parametrize(
    ("persona", "objectives", "areas", "body"),
    [
        ("diana", {"SOC-1", "TRA-1", "TEC-1"}, {"social", "technical"}, True),
        ("otto", {"SOC-1", "TRA-1", "TEC-1"}, {"social", "technical"}, True),
        ("anna", {"SOC-1", "TRA-1"}, {"social"}, False),
        ("bruno", {"TRA-1", "TEC-1"}, {"technical"}, False),
        ("sara", {"SOC-1", "TRA-1"}, set(), False),
        ("tommaso", {"TRA-1", "TEC-1"}, set(), False),
    ],
)
def test_each_person_sees_the_scores_of_what_is_theirs_only(
    client: Client, scored: Scored, persona: str, objectives: set[str], areas: set[str], body: bool
) -> None:
    world = scored.world
    html = as_user(client, getattr(world, persona)).get(scores_url(scored)).content.decode()
    pks = {"SOC-1": world.objective.pk, "TRA-1": world.transversal.pk, "TEC-1": scored.technical.pk}
    shown = {code for code, pk in pks.items() if f'id="obiettivo-{pk}"' in html}
    assert shown == objectives
    area_pks = {"social": world.social.pk, "technical": world.technical.pk}
    assert {name for name, pk in area_pks.items() if f'id="area-{pk}"' in html} == areas
    assert ('id="ente"' in html) is body
    if "TEC-1" not in objectives:
        assert "Strade riasfaltate" not in html and "Strade sicure" not in html


def test_another_bodys_director_gets_404_on_every_page_with_scores(client: Client, scored: Scored) -> None:
    world = scored.world
    as_user(client, world.erica)
    for url in (scores_url(scored), f"/piani/{world.plan.pk}/", f"/obiettivi/{world.objective.pk}/"):
        assert client.get(url).status_code == 404, url
    # Her own plan's scores page works, and says nothing of Aurelia.
    own = client.get(f"/piani/{scored.borgo_plan.pk}/punteggi/")
    assert own.status_code == 200 and "Aurelia" not in own.content.decode()


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("2019", "Il piano PEG-2026 copre gli anni dal 2026 al 2026: 2019 non è uno di questi."),
        ("duemila", "«duemila» non è un anno"),
        ("20266", "«20266» non è un anno"),
        ("-1", "«-1» non è un anno"),
    ],
)
def test_a_bad_year_answers_400_with_the_reason_in_italian(
    client: Client, scored: Scored, year: str, message: str
) -> None:
    world = scored.world
    as_user(client, world.diana)
    for url in (scores_url(scored), f"/piani/{world.plan.pk}/", f"/obiettivi/{world.objective.pk}/"):
        response = client.get(url, {"anno": year})
        assert response.status_code == 400, url
        assert message in page_text(response), url


def test_the_objective_page_shows_its_score_and_each_indicators_score_weight_and_explanation(
    client: Client, scored: Scored
) -> None:
    world = scored.world
    response = as_user(client, world.anna).get(f"/obiettivi/{world.objective.pk}/")
    html, text = response.content.decode(), page_text(response)
    assert "Punteggio 2026" in text
    assert f"Obiettivo: {percent(scored.soc)} ◐ parzialmente raggiunto" in text
    assert "media di 1 indicatori misurabili su 1" in text
    table = next(t for t in tables(response) if t.caption == "Punteggi 2026 degli indicatori")
    row = table.row_with("Utenti presi in carico")
    assert row is not None
    assert row[1] == "1" and row[2] == "100" and row[3] == "85"
    assert row[4].startswith(percent(scored.soc))
    assert "più è meglio: valore / atteso = 85,0%" in row[5]
    # The explanation is also one click away on the plan's scores page, at the objective's own entry.
    assert f'/piani/{world.plan.pk}/punteggi/?anno=2026#obiettivo-{world.objective.pk}"' in html


def test_the_plan_page_shows_the_body_and_area_scores_to_the_director_and_each_objectives_score(
    client: Client, scored: Scored
) -> None:
    world = scored.world
    response = as_user(client, world.diana).get(f"/piani/{world.plan.pk}/")
    html, text = response.content.decode(), page_text(response)
    assert "Punteggi 2026" in text
    assert f"Ente: {percent(scored.body)}" in text
    assert f"Servizi tecnici: {percent(scored.technical_area)} ○ non raggiunto" in text
    assert '<details class="tg-explained" id="ente">' in html
    assert "media ponderata di 3 obiettivi misurabili su 3" in text  # the explanation, in place
    assert f'/piani/{world.plan.pk}/punteggi/?anno=2026#obiettivo-{scored.technical.pk}"' in html


def test_staff_see_their_objectives_scores_on_the_plan_page_but_not_the_body_nor_the_areas(
    client: Client, scored: Scored
) -> None:
    world = scored.world
    response = as_user(client, world.sara).get(f"/piani/{world.plan.pk}/")
    html, text = response.content.decode(), page_text(response)
    assert 'id="ente"' not in html and f'id="area-{world.social.pk}"' not in html
    assert f"Punteggio 2026: {percent(scored.soc)}" in text
    assert "I punteggi dell'ente e delle aree sono visibili" in text


def test_the_scores_follow_the_years_measurement_system(client: Client, scored: Scored) -> None:
    """A director who raises «parzialmente raggiunto» to 90% sees SOC-1's 85% become «non raggiunto», with the
    system's own words and symbol."""
    world = scored.world
    MeasurementSystem.objects.create(
        organization=world.aurelia, year=2026, partial=90, missed_label="mancato", missed_symbol="✗"
    )
    text = page_text(as_user(client, world.diana).get(f"/obiettivi/{world.objective.pk}/"))
    assert f"Obiettivo: {percent(scored.soc)} ✗ mancato" in text


def test_the_dashboard_shows_the_body_and_area_scores_of_the_plan_running_this_year(
    client: Client, scored: Scored
) -> None:
    world = scored.world
    director = page_text(as_user(client, world.diana).get("/scadenze/"))
    assert "Punteggi dell'anno" in director
    assert f"Ente: {percent(scored.body)}" in director
    assert f"Servizi sociali: {percent(scored.social_area)}" in director
    assert f"Servizi tecnici: {percent(scored.technical_area)}" in director
    head = page_text(as_user(client, world.anna).get("/scadenze/"))
    assert f"Servizi sociali: {percent(scored.social_area)}" in head
    assert "Servizi tecnici:" not in head and "Ente:" not in head
    staff = page_text(as_user(client, world.sara).get("/scadenze/"))
    assert "Punteggi dell'anno" not in staff
    # The area filter keeps that area's score.
    filtered = page_text(
        as_user(client, world.diana).get("/scadenze/", {"plan": world.plan.pk, "area": world.technical.pk})
    )
    assert "Servizi tecnici:" in filtered and "Servizi sociali:" not in filtered


def test_the_dashboard_shows_the_chosen_plans_year_and_with_all_plans_those_running_this_year(
    client: Client, scored: Scored
) -> None:
    world = scored.world
    old = Plan.objects.create(
        organization=world.aurelia,
        code="PEG-2024",
        kind=Plan.Kind.PEG,
        title="PEG 2024",
        year_start=2024,
        year_end=2024,
    )
    as_user(client, world.diana)
    chosen = page_text(client.get("/scadenze/", {"plan": old.pk}))
    assert "PEG-2024 – PEG 2024 — 2024" in chosen  # its own (last) year: nothing measured, and it says so
    assert "Ente: — – non misurabile" in chosen
    every = page_text(client.get("/scadenze/", {"plan": ""}))
    assert "PEG-2026 – PEG 2026 — 2026" in every and "PEG-2024" not in every.split("Punteggi dell'anno")[1]


def test_the_scores_page_costs_the_same_queries_whatever_the_plans_size(client: Client, scored: Scored) -> None:
    world = scored.world
    as_user(client, world.diana)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(scores_url(scored)).status_code == 200
        return len(captured)

    few = queries()
    for number in range(12):
        objective = Objective.objects.create(plan=world.plan, code=f"ALT-{number}", title=f"Altro {number}")
        objective.areas.add(world.social if number % 2 else world.technical)
        indicator = Indicator.objects.create(objective=objective, position=1, name=f"Misura {number}")
        indicator_values(indicator, 2026, expected="10", actual=str(number))
    assert queries() == few


def test_the_scores_page_pages_the_objectives_and_every_link_finds_its_entry(
    client: Client, scored: Scored, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two objectives a page here (fifty in the application): SOC-1 and TEC-1 on the first, TRA-1 on the second;
    the objective page's link and the area's list lead to the page that holds the entry."""
    monkeypatch.setattr("evaluation.visibility.OBJECTIVES_PER_PAGE", 2)
    monkeypatch.setattr("web.views.scores.OBJECTIVES_PER_PAGE", 2)
    world = scored.world
    as_user(client, world.diana)
    entry = f'id="obiettivo-{world.transversal.pk}"'
    first = client.get(scores_url(scored, "2026")).content.decode()
    assert entry not in first and f'id="obiettivo-{world.objective.pk}"' in first
    link = f"/piani/{world.plan.pk}/punteggi/?anno=2026&amp;pagina=2#obiettivo-{world.transversal.pk}"
    assert link in first  # from the social area's list
    assert 'id="ente"' in first and "Pagina 1 di 2" in page_text(client.get(scores_url(scored, "2026")))
    objective_page = client.get(f"/obiettivi/{world.transversal.pk}/").content.decode()
    assert link in objective_page
    second = client.get(scores_url(scored, "2026"), {"pagina": "2"}).content.decode()
    assert entry in second and 'id="ente"' in second
