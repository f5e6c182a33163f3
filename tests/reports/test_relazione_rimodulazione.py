"""The Relazione's annex of changes lists every approved rimodulazione of the year: what changed, old → new, the
motivation, the act and its date; a rejected one is listed as a rejection and changes no value; the change of
target the rimodulazione wrote is not listed a second time as a bare change of target.

Today is Friday 15 May 2026 (the `frozen_today` fixture)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from docx.table import Table
from pypdf import PdfReader

from plans.models import IndicatorTarget
from reports.relazione import build_relazione
from reports.render.docx import render_docx
from reports.render.pdf import render_pdf
from reports.sections import Change, Relazione
from tests.reports.seed002 import squeeze
from tests.workflow.world import World, build_world
from workflow.services import approval_reject
from workflow.services.changes import change_approve, change_request
from workflow.services.plan_lifecycle import plan_adopt


@pytest.fixture
def world(db: None, frozen_today: dt.date) -> World:
    """The world with its plan still a draft: these tests adopt it themselves."""
    return build_world(live=False)


pytestmark = pytest.mark.django_db

ACT = "Decreto del direttore n. 7"
MOTIVATION = "Nuove risorse dal fondo regionale"


@pytest.fixture
def relazione(world: World) -> Relazione:
    plan_adopt(actor=world.diana, plan=world.plan, act="Delibera di Giunta n. 12", adopted_on=dt.date(2026, 1, 20))
    IndicatorTarget.objects.create(indicator=world.indicator, year=2026, raw="=>10", kind="threshold")
    target = {"indicators": [{"id": world.indicator.pk, "targets": {"2026": "=>12"}}]}
    request = change_request(actor=world.anna, objective=world.objective, changes=target, motivation=MOTIVATION)
    change_approve(actor=world.diana, request=request.request, act=ACT, act_date=dt.date(2026, 5, 14))
    rejected = change_request(
        actor=world.anna, objective=world.objective, changes={"weight": "3"}, motivation="Peso maggiore"
    )
    approval_reject(actor=world.diana, request=rejected.request, comment="Il peso resta com'è")
    return build_relazione(plan=world.plan, year=2026)


def _changes(relazione: Relazione) -> list[Change]:
    return [change for area in relazione.annex for objective in area.objectives for change in objective.changes]


def test_the_annex_lists_the_approved_rimodulazione_with_old_and_new_value_motivation_and_act(
    relazione: Relazione,
) -> None:
    changes = _changes(relazione)
    assert [change.kind for change in changes] == ["rimodulazione", "rifiuto"]
    approved, rejected = changes
    assert approved.lines == (("Indicatore 1. Utenti presi in carico: valore atteso 2026", "=>10", "=>12"),)
    assert (approved.motivation, approved.act, approved.on) == (
        MOTIVATION,
        f"{ACT} del 14/05/2026",
        dt.date(2026, 5, 15),
    )
    assert rejected.motivation == "Peso maggiore" and rejected.act == ""
    # The rejected change of weight changed nothing: no line says the weight moved.
    assert not [change for change in changes if change.kind == "target"]


def _pdf_text(relazione: Relazione) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(relazione))).pages)


def _docx_text(relazione: Relazione) -> str:
    document = Document(io.BytesIO(render_docx(relazione)))
    parts = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            parts += [cell.text for row in block.rows for cell in row.cells]
        else:
            parts.append(block.text)
    return "\n".join(parts)


@pytest.mark.parametrize("render", [_pdf_text, _docx_text], ids=["pdf", "docx"])
def test_the_documents_show_the_rimodulazione_in_the_annex(relazione: Relazione, render: object) -> None:
    text = squeeze(render(relazione))  # type: ignore[operator]
    annex = text[text.index(squeeze("Allegato 1 – Variazioni e scostamenti")) :]
    for phrase in (
        "Rimodulazione approvata",
        MOTIVATION,
        "valore atteso 2026: da «=>10» a «=>12»",
        f"atto: {ACT} del 14/05/2026",
    ):
        assert squeeze(phrase) in annex, phrase
