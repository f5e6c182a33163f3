"""The PIAO's performance section (DM 132/2022, sottosezione 2.2): generated as tagged PDF and DOCX from an adopted
plan, with its objectives, indicators and the targets of every year as written; «Segna come caricato sul portale»
records the upload (date, who, note) in the audit trail and on the plan page. The director prepares and records,
the OIV reads, nobody else; a draft has no section; a validated plan takes no new record.

Today is Friday 15 May 2026 (the `frozen_today` fixture)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from docx import Document
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from plans.importing.service import import_plan_file
from plans.models import IndicatorTarget, OrganizationRole, Plan, PlanState
from reports.models import PiaoUpload
from reports.piao import PlanNotAdopted, build_piao_section
from reports.piao_uploads import piao_upload_record
from reports.render.piao import render_docx, render_pdf
from tests.office import assert_office_docx
from tests.web.helpers import database_state
from tests.web.html import page_text
from tests.workflow.world import World, build_world
from workflow.errors import Conflict, InvalidInput, NotAllowed, NotVisible
from workflow.models import AuditEntry
from workflow.services.plan_lifecycle import plan_adopt


@pytest.fixture
def world(db: None, frozen_today: dt.date) -> World:
    """The world with its plan still a draft: these tests adopt it themselves."""
    return build_world(live=False)


pytestmark = pytest.mark.django_db

SEED_001 = Path(__file__).resolve().parents[2] / "plans" / "demo" / "peg-2019.yaml"


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return " ".join([paragraph.text for paragraph in document.paragraphs] + cells)


def _in_execution(world: World) -> Plan:
    IndicatorTarget.objects.create(indicator=world.indicator, year=2026, raw="=>120", kind="threshold")
    Plan.objects.filter(pk=world.plan.pk).update(
        state=PlanState.IN_EXECUTION, adoption_act="Delibera di Giunta n. 7", adopted_on=dt.date(2026, 1, 28)
    )
    return Plan.objects.select_related("organization").get(pk=world.plan.pk)


def _client(world: World, name: str) -> Client:
    client = Client()
    client.force_login(world.users[name])
    return client


@pytest.fixture
def peg_2019(db: None) -> Plan:
    """Seed 001, adopted."""
    plan = import_plan_file(SEED_001, reference_date=dt.date(2019, 12, 31)).plan
    director = User.objects.create_user("direttore-peg", password="segreta")
    OrganizationRole.objects.create(organization=plan.organization, user=director, role=OrganizationRole.Role.DIRECTOR)
    return plan_adopt(actor=director, plan=plan, act="Delibera di Giunta n. 1", adopted_on=dt.date(2019, 1, 30))


@pytest.mark.parametrize(("render", "text_of"), [(render_pdf, pdf_text), (render_docx, docx_text)])
def test_the_documents_open_and_hold_the_objectives_indicators_and_every_years_target(
    peg_2019: Plan, render: Any, text_of: Any
) -> None:
    section = build_piao_section(plan=Plan.objects.select_related("organization").get(pk=peg_2019.pk))
    assert (len(section.summary), section.indicator_count, section.period) == (7, 25, "2019–2021")
    text = text_of(render(section))
    for expected in (
        "Sottosezione 2.2 – Performance",
        "D.M. 30 giugno 2022, n. 132",
        "Delibera di Giunta n. 1 del 30/01/2019",
        "2019_ZN08",
        "2019_DN08_05",
        "Obiettivo di sintesi Servizio Sociale Professionale",
        "Servizio Sociale Professionale",
        "Valore atteso 2019",
        "Valore atteso 2021",
        "150/1600",
        "=>4",
        "24000",
        "31/12/2019",
        "2019_IND_STRATEG_08 LA PERSONA AL CENTRO",
    ):
        assert expected in text, expected


def test_the_targets_are_in_the_years_columns_as_written(peg_2019: Plan) -> None:
    section = build_piao_section(plan=Plan.objects.select_related("organization").get(pk=peg_2019.pk))
    first = next(objective for objective in section.summary if objective.code == "2019_ZN08")
    lines = {line.position: line for line in first.indicators}
    assert lines[1].targets == ("150/1600", "150/1600", "150/1600")
    assert lines[14].targets == ("31/12/2019", "", "")
    rows = [
        [cell.text for cell in row.cells]
        for table in Document(io.BytesIO(render_docx(section))).tables
        for row in table.rows
    ]
    assert ["13", lines[13].name, "", "RISULTATO", "", "", "1,00", "1,00", "1,00"] in rows


def test_the_pdf_is_tagged_with_language_and_title(world: World) -> None:
    reader = PdfReader(io.BytesIO(render_pdf(build_piao_section(plan=_in_execution(world)))))
    catalog = reader.trailer["/Root"].get_object()
    assert isinstance(catalog, DictionaryObject)
    assert "/StructTreeRoot" in catalog
    assert str(catalog["/Lang"]).startswith("it")
    assert reader.metadata is not None and reader.metadata.title is not None
    assert reader.metadata.title.startswith("Piano integrato di attività e organizzazione (PIAO) 2026")


def test_the_section_costs_the_same_whatever_the_plan(peg_2019: Plan, django_assert_max_num_queries: Any) -> None:
    plan = Plan.objects.select_related("organization").get(pk=peg_2019.pk)
    with django_assert_max_num_queries(4):
        build_piao_section(plan=plan)


def test_a_draft_has_no_section(world: World) -> None:
    with pytest.raises(PlanNotAdopted):
        build_piao_section(plan=world.plan)
    page = _client(world, "diana").get(f"/piani/{world.plan.pk}/piao/sezione-performance.pdf")
    assert page.status_code == 409 and "in bozza" in page_text(page)


def test_the_director_downloads_the_documents_and_records_the_upload(world: World) -> None:
    plan = _in_execution(world)
    client = _client(world, "diana")
    assert "non ancora caricata sul portale" in page_text(client.get(f"/piani/{plan.pk}/"))
    page = client.get(f"/piani/{plan.pk}/piao/")
    assert page.status_code == 200 and "Segna come caricato sul portale" in page_text(page)
    pdf = client.get(f"/piani/{plan.pk}/piao/sezione-performance.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert "=>120" in pdf_text(pdf.content)
    docx = client.get(f"/piani/{plan.pk}/piao/sezione-performance.docx")
    assert "piao-sezione-performance-PEG-2026-2026.docx" in docx["Content-Disposition"]
    assert "Utenti presi in carico" in docx_text(docx.content)

    answer = client.post(f"/piani/{plan.pk}/piao/", {"uploaded_on": "2026-01-30", "note": "Ricevuta n. 4711"})
    assert answer.status_code == 302
    upload = PiaoUpload.objects.get(plan=plan)
    assert (upload.uploaded_on, upload.recorded_by_id, upload.note) == (
        dt.date(2026, 1, 30),
        world.diana.pk,
        "Ricevuta n. 4711",
    )
    entry = AuditEntry.objects.get(subject="reports.piaoupload", subject_id=upload.pk, event=AuditEntry.Event.CREATED)
    assert (entry.actor_id, entry.source, entry.organization_id) == (world.diana.pk, "web", world.aurelia.pk)
    assert "Ricevuta n. 4711" in page_text(client.get(f"/piani/{plan.pk}/piao/"))
    assert "caricata sul portale il 30/01/2026" in page_text(client.get(f"/piani/{plan.pk}/"))


def test_the_oiv_reads_but_does_not_record(world: World) -> None:
    plan = _in_execution(world)
    client = _client(world, "otto")
    page = client.get(f"/piani/{plan.pk}/piao/")
    assert page.status_code == 200 and "Segna come caricato sul portale" not in page_text(page)
    assert client.get(f"/piani/{plan.pk}/piao/sezione-performance.pdf").status_code == 200
    before = database_state()
    assert client.post(f"/piani/{plan.pk}/piao/", {"uploaded_on": "2026-01-30"}).status_code == 403
    assert database_state() == before
    with pytest.raises(NotAllowed):
        piao_upload_record(actor=world.otto, plan=plan, uploaded_on=dt.date(2026, 1, 30))


@pytest.mark.parametrize(("name", "status"), [("anna", 403), ("sara", 403), ("erica", 404)])
def test_nobody_else_sees_the_section(world: World, name: str, status: int) -> None:
    plan = _in_execution(world)
    client = _client(world, name)
    if status == 403:
        assert "Sezione Performance del PIAO" not in page_text(client.get(f"/piani/{plan.pk}/"))
    before = database_state()
    assert client.get(f"/piani/{plan.pk}/piao/").status_code == status
    assert client.get(f"/piani/{plan.pk}/piao/sezione-performance.docx").status_code == status
    assert client.post(f"/piani/{plan.pk}/piao/", {"uploaded_on": "2026-01-30"}).status_code == status
    assert database_state() == before
    with pytest.raises(NotVisible if status == 404 else NotAllowed):
        piao_upload_record(actor=world.users[name], plan=plan, uploaded_on=dt.date(2026, 1, 30))


@pytest.mark.parametrize(
    ("uploaded_on", "message"),
    [("2026-05-16", "non può essere futuro"), ("2020-01-30", "La data deve cadere tra"), ("30/01", "AAAA-MM-GG")],
)
def test_a_wrong_date_is_refused_next_to_its_field(world: World, uploaded_on: str, message: str) -> None:
    plan = _in_execution(world)
    page = _client(world, "diana").post(f"/piani/{plan.pk}/piao/", {"uploaded_on": uploaded_on})
    assert page.status_code == 400 and message in page_text(page)
    assert not PiaoUpload.objects.exists()


def test_a_draft_or_a_validated_plan_takes_no_record(world: World) -> None:
    with pytest.raises(Conflict, match="Adotta prima il piano"):
        piao_upload_record(actor=world.diana, plan=world.plan, uploaded_on=dt.date(2026, 1, 30))
    Plan.objects.filter(pk=world.plan.pk).update(state=PlanState.VALIDATED)
    with pytest.raises(Conflict, match="validato") as refused:
        piao_upload_record(actor=world.diana, plan=world.plan, uploaded_on=dt.date(2026, 1, 30))
    assert refused.value.code == "plan_frozen"
    with pytest.raises(InvalidInput):
        piao_upload_record(actor=world.diana, plan=world.plan, uploaded_on=None)
    assert not PiaoUpload.objects.exists()


def test_the_docx_is_in_an_italian_office_s_defaults(peg_2019: Plan) -> None:
    section = build_piao_section(plan=Plan.objects.select_related("organization").get(pk=peg_2019.pk))
    assert_office_docx(render_docx(section), author=section.organization_name, title_has="PIAO")
