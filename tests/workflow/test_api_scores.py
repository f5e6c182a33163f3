"""GET /api/plans/{id}/scores/?year= and the objective's `score`: evaluation.scores.as_json, less what the caller
may not see; a year outside the plan answers 400 in the one error shape. The world:
tests/evaluation/scored_world.py (SOC-1 85%, TRA-1 100%, TEC-1 40%)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from api.serializers.scores import ObjectiveScoreSummarySerializer, PlanScoresSerializer
from evaluation.scores import as_json, plan_scores
from tests.evaluation.scored_world import Scored, scored_world
from tests.workflow.test_api import assert_error, client_for
from tests.workflow.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(world: World) -> Scored:
    return scored_world(world)


def url(scored: Scored) -> str:
    return f"/api/plans/{scored.world.plan.pk}/scores/"


def two(value: Decimal) -> str:
    return f"{value:.2f}"


def test_the_director_gets_every_score_as_the_engine_computes_it(scored: Scored) -> None:
    world = scored.world
    response = client_for(world.diana).get(url(scored), {"year": 2026})
    assert response.status_code == 200
    body = response.json()
    assert body["plan"] == world.plan.pk and body["year"] == 2026
    assert body["body"]["score"] == two(scored.body)
    assert body["body"]["label"] == "non raggiunto" and body["body"]["symbol"] == "○"
    assert {a["area"]: a["score"] for a in body["areas"]} == {
        world.social.pk: two(scored.social_area),
        world.technical.pk: two(scored.technical_area),
    }
    objectives = {o["code"]: o for o in body["objectives"]}
    assert objectives["TEC-1"]["score"] == two(scored.tec) and objectives["TEC-1"]["weight"] == "2.00"
    indicator = objectives["TEC-1"]["indicators"][0]
    assert indicator["expected"] == "50%" and indicator["actual"] == "20%"
    assert indicator["label"] == "non raggiunto" and "valore 20% non ≥ 50% atteso" in indicator["explanation"]
    # Nothing of its own: the engine's JSON, with the symbols beside the labels.
    engine = as_json(plan_scores(world.plan, 2026))
    assert [o["score"] for o in body["objectives"]] == [o["score"] for o in engine["objectives"]]
    assert body["body"]["explanation"] == engine["body"]["explanation"]


@pytest.mark.parametrize(
    ("persona", "codes", "areas", "sees_body"),
    [
        ("otto", {"SOC-1", "TRA-1", "TEC-1"}, {"social", "technical"}, True),
        ("anna", {"SOC-1", "TRA-1"}, {"social"}, False),
        ("sara", {"SOC-1", "TRA-1"}, set(), False),
        ("tommaso", {"TRA-1", "TEC-1"}, set(), False),
    ],
)
def test_each_caller_gets_the_scores_of_what_is_theirs(
    scored: Scored, persona: str, codes: set[str], areas: set[str], sees_body: bool
) -> None:
    world = scored.world
    body = client_for(getattr(world, persona)).get(url(scored)).json()
    assert body["year"] == 2026  # this year, while the plan runs
    assert {o["code"] for o in body["objectives"]} == codes
    names = {world.social.pk: "social", world.technical.pk: "technical"}
    assert {names[a["area"]] for a in body["areas"]} == areas
    assert (body["body"] is not None) is sees_body
    # The answer has the documented shape (the schema's serializer reads it back).
    documented = PlanScoresSerializer(data=body)
    assert documented.is_valid(), documented.errors


def test_another_bodys_director_and_anonymous_callers_get_nothing(scored: Scored) -> None:
    assert_error(client_for(scored.world.erica).get(url(scored)), 404, "not_found")
    assert client_for(None).get(url(scored)).status_code in (401, 403)


@pytest.mark.parametrize(
    ("year", "says"),
    [("2019", "copre gli anni dal 2026 al 2026"), ("anno", "non è un anno"), ("99999999999999999999", "non è un anno")],
)
def test_a_bad_year_answers_400_with_the_reason(scored: Scored, year: str, says: str) -> None:
    error = assert_error(client_for(scored.world.diana).get(url(scored), {"year": year}), 400, "invalid")
    assert says in error["fields"]["year"][0]


def test_the_objective_detail_carries_its_score_of_the_year(scored: Scored) -> None:
    world = scored.world
    detail = client_for(world.anna).get(f"/api/objectives/{world.objective.pk}/").json()
    score = detail["score"]
    assert score["year"] == 2026 and score["score"] == two(scored.soc)
    assert score["label"] == "parzialmente raggiunto" and score["symbol"] == "◐" and score["basis"] == "indicators"
    assert "media di 1 indicatori misurabili su 1" in score["explanation"]
    assert ObjectiveScoreSummarySerializer(data=score).is_valid()


def test_the_schema_documents_the_scores_and_the_year(scored: Scored) -> None:
    schema = client_for(scored.world.diana).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/plans/{id}/scores/"]["get"]
    assert [p["name"] for p in operation["parameters"] if p["in"] == "query"] == ["year"]
    assert "400" in operation["responses"] and "404" in operation["responses"]
    assert "score" in schema["components"]["schemas"]["ObjectiveDetail"]["properties"]
