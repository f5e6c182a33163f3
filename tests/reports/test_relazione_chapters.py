"""The chapters of the Relazione besides the objective sheets, on the demo's plans: the budget of seed 001's PEG
(entrata and spesa per objective, per area and for the body), the body's performance by level, the summary, and the
director's own chapters, written or not yet."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from docx import Document
from docx.table import Table

from plans.models import Objective, Plan
from reports import labels
from reports.models import RelazioneChapter
from reports.relazione import build_relazione
from reports.render.docx import render_docx
from reports.render.pdf import render_html

pytestmark = pytest.mark.django_db


@pytest.fixture
def peg(demo_plan: Plan) -> Plan:
    """Seed 001: the PEG 2019-2021, whose objectives carry their budget."""
    return Plan.objects.select_related("organization").get(code="PEG-2019")


def _docx_text(content: bytes) -> str:
    parts = []
    for block in Document(io.BytesIO(content)).iter_inner_content():
        if isinstance(block, Table):
            parts += [" | ".join(cell.text for cell in row.cells) for row in block.rows]
        else:
            parts.append(block.text)
    return "\n".join(parts)


def test_the_budget_of_each_objective_is_printed_with_area_and_body_totals(peg: Plan) -> None:
    relazione = build_relazione(plan=peg, year=2019)
    funded = Objective.objects.filter(plan=peg).exclude(budget_income=None, budget_expense=None).order_by("pk")
    assert relazione.budget is not None and len(relazione.budget.objectives) == funded.count() > 0
    income = sum((o.budget_income or Decimal(0) for o in funded), Decimal(0))
    expense = sum((o.budget_expense or Decimal(0) for o in funded), Decimal(0))
    assert (relazione.budget.total.income, relazione.budget.total.expense) == (income, expense)
    text = _docx_text(render_docx(relazione))
    first = funded[0]
    row = f"{first.code} – {first.title} | {labels.money(first.budget_income)} | {labels.money(first.budget_expense)}"
    assert row in text
    assert f"Totale – {peg.organization.name} | {labels.money(income)} | {labels.money(expense)}" in text
    assert "€" in labels.money(income) and "," in labels.money(income)  # Italian: 12.500,00 €


def test_the_body_s_performance_counts_each_objective_once_and_each_area_its_own(demo_plan: Plan) -> None:
    relazione = build_relazione(plan=demo_plan, year=2021)
    *areas, body = relazione.performance
    assert body.label == demo_plan.organization.name and body.total == len(relazione.objectives) == 18
    assert [row.label for row in areas] == [area.name for area in relazione.areas if area.code]
    assert [row.total for row in areas] == [len(area.objectives) for area in relazione.areas if area.code]
    html = render_html(relazione)
    # The chart is read without colour: every bar has its level's name and count, and the chart its description.
    assert 'role="img"' in html and "parzialmente raggiunto" in html
    assert f"{body.label}: raggiunto {body.reached}, parzialmente raggiunto {body.partial}" in html


def test_the_summary_counts_states_and_levels(demo_plan: Plan) -> None:
    relazione = build_relazione(plan=demo_plan, year=2021)
    assert relazione.summary is not None
    activities = [a for o in relazione.objectives for a in o.activities]
    assert relazione.summary.activities.total == len(activities) == 93
    assert relazione.summary.activities.concluso == sum(1 for a in activities if a.state == "concluso")
    indicators = relazione.summary.indicator_levels
    assert indicators.total == sum(len(o.indicators) for o in relazione.objectives)


def test_the_director_s_chapters_are_printed_and_a_missing_one_says_so(demo_plan: Plan) -> None:
    director = User.objects.get(username="direttore")
    text = "Il Consorzio ha concluso l'anno con la riorganizzazione dei servizi territoriali."
    RelazioneChapter.objects.create(plan=demo_plan, year=2021, kind="context", text=text, written_by=director)
    relazione = build_relazione(plan=demo_plan, year=2021)
    docx = _docx_text(render_docx(relazione))
    context_at = docx.index("Contesto e risorse\n" + text)
    assert docx.index("Presentazione\nCapitolo non ancora redatto dal direttore.") < context_at
    assert "Il processo di redazione e la validazione\nCapitolo non ancora redatto dal direttore." in docx
    assert "La validazione dell'Organismo indipendente di valutazione non è ancora registrata." in docx
