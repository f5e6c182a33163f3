"""The performance chapter of the Relazione carries the year's scores (evaluation.scores): the body's, each
area's and each objective's, with the band's label and symbol and the explanation, in HTML, PDF, DOCX and JSON.
The world: tests/evaluation/scored_world.py (SOC-1 85%, TRA-1 100%, TEC-1 40% with weight 2)."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from pypdf import PdfReader

from evaluation.models import MeasurementSystem
from evaluation.scores import plan_scores
from reports.relazione import build_relazione
from reports.render.docx import render_docx
from reports.render.opendata import render_json
from reports.render.pdf import render_html, render_pdf
from reports.sections import Relazione
from tests.evaluation.scored_world import Scored, percent, scored_world
from tests.reports.test_relazione_chapters import _docx_text
from tests.workflow.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(world: World) -> Scored:
    return scored_world(world)


@pytest.fixture
def relazione(scored: Scored) -> Relazione:
    return build_relazione(plan=scored.world.plan, year=2026)


def test_the_scores_are_the_engines_with_the_systems_words(scored: Scored, relazione: Relazione) -> None:
    scores = relazione.scores
    assert scores is not None
    assert (scores.body.label, scores.body.score) == ("Comune di Aurelia", scored.body)
    assert (scores.body.band, scores.body.symbol) == ("non raggiunto", "○")
    assert [(a.label, a.score) for a in scores.areas] == [
        ("Servizi sociali", scored.social_area),
        ("Servizi tecnici", scored.technical_area),
    ]
    by_code = {line.label.split(" – ")[0]: line for line in scores.objectives}
    assert set(by_code) == {"SOC-1", "TRA-1", "TEC-1"}
    assert (by_code["TEC-1"].score, by_code["TEC-1"].weight, by_code["TEC-1"].band) == (
        scored.tec,
        Decimal(2),
        "non raggiunto",
    )
    engine = plan_scores(scored.world.plan, 2026)
    assert by_code["SOC-1"].explanation == engine.objectives[scored.world.objective.pk].rollup.explanation
    assert scores.body.explanation == engine.body.explanation
    assert "media ponderata di 3 obiettivi misurabili su 3" in scores.body.explanation


def test_the_pdf_and_its_html_show_the_scores_with_label_symbol_and_explanation(
    scored: Scored, relazione: Relazione
) -> None:
    html = render_html(relazione)
    assert 'id="punteggi"' in html
    assert f"Comune di Aurelia: {percent(scored.body)} ○ non raggiunto" in html
    assert f"{percent(scored.social_area)} ◐ parzialmente raggiunto" in html
    assert "SOC-1 – Presa in carico unica" in html and "media di 1 indicatori misurabili su 1" in html
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(relazione))).pages)
    assert "Punteggi dell'anno" in text
    assert percent(scored.technical_area) in text and "media ponderata di 2 obiettivi" in " ".join(text.split())


def test_the_word_document_shows_the_scores(scored: Scored, relazione: Relazione) -> None:
    text = _docx_text(render_docx(relazione))
    assert f"Ente – Comune di Aurelia: {percent(scored.body)} ○ non raggiunto" in text
    assert f"Servizi tecnici | {percent(scored.technical_area)} ○ non raggiunto | media ponderata" in text
    assert f"TEC-1 – Strade sicure | 2 | {percent(scored.tec)} ○ non raggiunto | media di 1 indicatori" in text


def test_the_open_data_carry_the_scores_as_exact_decimals(scored: Scored, relazione: Relazione) -> None:
    data = json.loads(render_json(relazione))
    scores = data["scores"]
    assert scores["body"]["score"] == f"{scored.body:.2f}" and scores["body"]["label"] == "non raggiunto"
    assert [area["score"] for area in scores["areas"]] == [f"{scored.social_area:.2f}", f"{scored.technical_area:.2f}"]
    tec = next(o for o in scores["objectives"] if o["name"].startswith("TEC-1"))
    assert tec["weight"] == "2.00" and tec["symbol"] == "○" and tec["explanation"]
    assert "sistema di misurazione e valutazione 2026" in scores["rule"]


def test_the_years_system_decides_the_words_and_bands_in_the_relazione(scored: Scored) -> None:
    world = scored.world
    MeasurementSystem.objects.create(
        organization=world.aurelia, year=2026, partial=60, partial_label="in parte", partial_symbol="½"
    )
    scores = build_relazione(plan=world.plan, year=2026).scores
    assert scores is not None
    # 66.25 is now at or above 60: partially reached, in the system's own words.
    assert (scores.body.band, scores.body.symbol) == ("in parte", "½")
    assert "«in parte» da 60%" in scores.rule
