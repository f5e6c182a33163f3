"""The OIV's validation document (tagged PDF and DOCX) and the Relazione's validation chapter, on the demo's
Relazione 2021 (seed 002): closed by the director, validated by the OIV with observations."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from plans.models import Plan, PlanState
from reports.relazione import build_relazione
from reports.render.docx import render_docx
from reports.render.pdf import render_html
from reports.validation_document import UnknownFormat, render_validation_document
from workflow.models import Outcome, Validation
from workflow.models.validation import DEFAULT_CRITERIA
from workflow.services.plan_lifecycle import plan_adopt, plan_close, plan_start
from workflow.services.validation import CheckInput, validation_open, validation_record

pytestmark = pytest.mark.django_db

OBSERVATIONS = "Le fonti dei dati di due indicatori vanno documentate meglio."


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return " ".join([paragraph.text for paragraph in document.paragraphs] + cells)


def close(plan: Plan, director: User) -> Plan:
    """The demo's plan is a draft: the director adopts it, starts it and closes the year."""
    if plan.state == PlanState.DRAFT:
        plan = plan_adopt(actor=director, plan=plan, act="Delibera di Giunta n. 7", adopted_on=dt.date(2021, 1, 20))
    if plan.state == PlanState.ADOPTED:
        plan = plan_start(actor=director, plan=plan)
    if plan.state == PlanState.IN_EXECUTION:
        plan = plan_close(actor=director, plan=plan)
    return plan


@pytest.fixture
def oiv(demo_plan: Plan) -> User:
    return User.objects.get(username="oiv")


@pytest.fixture
def validated(demo_plan: Plan, director: User, oiv: User) -> Validation:
    plan = close(demo_plan, director)
    draft = validation_open(actor=oiv, plan=plan)
    checks = {check.pk: CheckInput("met", f"Verificato: {check.title}.") for check in draft.checks.all()}
    last = draft.checks.order_by("-position").first()
    assert last is not None
    checks[last.pk] = CheckInput("partial", "Alcune schede usano termini tecnici.")
    return validation_record(
        actor=oiv, plan=plan, outcome=Outcome.WITH_OBSERVATIONS, checks=checks, observations=OBSERVATIONS
    )


def test_the_pdf_is_tagged_and_holds_criteria_observations_and_outcome(validated: Validation) -> None:
    content = render_validation_document(validated, "pdf")
    reader = PdfReader(io.BytesIO(content))
    assert reader.root_object["/Lang"] == "it" and "/StructTreeRoot" in reader.root_object
    text = pdf_text(content)
    assert "Documento di validazione della Relazione sulla Performance 2021" in text
    assert validated.plan.organization.name in text and validated.plan.code in text
    for title, _ in DEFAULT_CRITERIA:
        assert title in text, title
    assert "parzialmente soddisfatto" in text and "Alcune schede usano termini tecnici." in text
    assert OBSERVATIONS in text
    assert "Relazione validata con osservazioni" in text
    assert f"{timezone.localdate(validated.recorded_at):%d/%m/%Y}" in text  # the day in Italy, as the PDF says


def test_the_docx_holds_the_same(validated: Validation) -> None:
    text = docx_text(render_validation_document(validated, "docx"))
    for title, _ in DEFAULT_CRITERIA:
        assert title in text, title
    assert "Verificato: Coerenza con il Piano." in text
    assert OBSERVATIONS in text and "validata con osservazioni" in text
    assert "Organismo" in text  # the OIV, by name
    with pytest.raises(UnknownFormat):
        render_validation_document(validated, "odt")


def test_the_relazione_awaits_the_validation_then_shows_it(demo_plan: Plan, director: User, oiv: User) -> None:
    before = build_relazione(plan=demo_plan, year=2021)
    assert before.validation is None
    assert "La Relazione attende la validazione dell&#x27;OIV" in render_html(before)
    assert "La Relazione attende la validazione dell'OIV" in docx_text(render_docx(before))

    plan = close(demo_plan, director)
    draft = validation_open(actor=oiv, plan=plan)
    # A first attempt that does not validate: the chapter says so, with its motivation.
    validation_record(
        actor=oiv,
        plan=plan,
        outcome=Outcome.NOT_VALIDATED,
        checks={c.pk: CheckInput("not_met") for c in draft.checks.all()},
        motivation="Mancano gli scostamenti motivati.",
    )
    refused = build_relazione(plan=plan, year=2021)
    assert refused.validation is not None and refused.validation.outcome == Outcome.NOT_VALIDATED
    html = render_html(refused)
    assert "Mancano gli scostamenti motivati." in html and "attende una nuova validazione" in html

    second = validation_open(actor=oiv, plan=plan)
    validation_record(
        actor=oiv,
        plan=plan,
        outcome=Outcome.WITH_OBSERVATIONS,
        checks={c.pk: CheckInput("met" if c.position > 1 else "partial") for c in second.checks.all()},
        observations=OBSERVATIONS,
    )
    after = build_relazione(plan=Plan.objects.select_related("organization").get(pk=plan.pk), year=2021)
    assert after.validation is not None
    assert (after.validation.met, after.validation.partial, after.validation.not_met) == (
        len(DEFAULT_CRITERIA) - 1,
        1,
        0,
    )
    html = render_html(after)
    assert "ha registrato l&#x27;esito: Relazione validata con osservazioni." in html
    assert OBSERVATIONS in html and "Coerenza con il Piano" in html
    assert "attende la validazione" not in html and "nuova validazione" not in html
    text = docx_text(render_docx(after))
    assert "Relazione validata con osservazioni" in text and OBSERVATIONS in text
    assert f"Criteri verificati: {len(DEFAULT_CRITERIA) - 1} soddisfatti, 1 parzialmente soddisfatti" in text


def test_the_document_is_downloaded_by_the_oiv_and_the_director_only(validated: Validation, oiv: User) -> None:
    url = f"/piani/{validated.plan_id}/validazione/{validated.pk}.pdf"
    for user in (oiv, User.objects.get(username="direttore")):
        client = Client()
        client.force_login(user)
        answer = client.get(url)
        assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
        assert client.get(url.replace(".pdf", ".docx")).status_code == 200
        assert client.get(url.replace(".pdf", ".odt")).status_code == 404
    staff = User.objects.filter(username__startswith="staff-").first()
    assert staff is not None
    client = Client()
    client.force_login(staff)
    assert client.get(url).status_code == 404
