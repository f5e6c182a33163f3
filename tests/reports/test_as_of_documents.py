"""The monitoring documents (PDF, DOCX) as at a moment carry that moment's states, answers and values, not today's."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from plans.models import Plan
from reports.as_of import build_monitoring
from reports.render.monitoring import render_monitoring_docx, render_monitoring_pdf
from tests.office import assert_office_docx
from tests.reports import as_of_story as story
from tests.reports.as_of_story import Story

pytestmark = pytest.mark.django_db


@pytest.fixture
def told(db: None) -> Story:
    return story.tell()


def pdf_text(content: bytes) -> str:
    """The words of every page, one space apart: a table cell's text wraps at the column's width."""
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return " ".join([paragraph.text for paragraph in document.paragraphs] + cells)


def rows_of(content: bytes) -> list[list[str]]:
    document = Document(io.BytesIO(content))
    return [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]


@pytest.fixture(params=["pdf", "docx"])
def text_of(request: pytest.FixtureRequest) -> tuple[object, object]:
    if request.param == "pdf":
        return render_monitoring_pdf, pdf_text
    return render_monitoring_docx, docx_text


def test_the_document_at_the_moment_shows_that_moments_states_answers_and_values(
    told: Story, text_of: tuple[object, object]
) -> None:
    render, extract = text_of
    text = extract(render(build_monitoring(plan=told.world.plan, moment=told.moment)))  # type: ignore[operator]
    assert "Monitoraggio intermedio al" in text
    assert "Rinviato" in text  # activity 2 was postponed then, it has resumed since
    assert "Concluso" not in text  # nothing was concluded then
    assert story.FIRST_NOTE in text and story.SECOND_NOTE not in text
    assert story.FIRST_VALUE in text and story.SECOND_VALUE not in text
    assert story.FIRST_TARGET in text and story.SECOND_TARGET not in text
    assert story.NEW_ACTIVITY not in text
    assert "In ritardo: scadenza superata" in text  # activity 1 was late then
    assert f"Rinvio: {story.POSTPONEMENT}" in text
    assert f"scadenza {told.postponed_to:%d/%m/%Y}" in text  # the deadline moved by the postponement


def test_the_document_today_shows_todays_states(told: Story, text_of: tuple[object, object]) -> None:
    render, extract = text_of
    text = extract(render(build_monitoring(plan=told.world.plan, moment=told.today)))  # type: ignore[operator]
    assert f"Monitoraggio intermedio al {told.today:%d/%m/%Y}" in text
    assert "Concluso" in text and "Rinviato" not in text
    assert story.SECOND_NOTE in text and story.SECOND_VALUE in text and story.SECOND_TARGET in text
    assert story.NEW_ACTIVITY in text


def test_the_docx_activity_row_holds_state_dates_progress_and_slippage_in_their_columns(told: Story) -> None:
    content = render_monitoring_docx(build_monitoring(plan=told.world.plan, moment=told.moment))
    rows = rows_of(content)
    header = next(row for row in rows if row[0] == "Attività")
    assert header[2] == f"Stato al {told.today:%d/%m/%Y}"
    first = next(row for row in rows if row[0] == "Mappatura degli sportelli")
    assert first[2:] == [
        "Avviato",
        f"{told.today:%d/%m/%Y}",
        "—",
        f"40% al {told.today:%d/%m/%Y}: {story.FIRST_NOTE}",
        "In ritardo: scadenza superata",
    ]
    second = next(row for row in rows if row[0] == "Formazione degli operatori")
    assert second[2:] == ["Rinviato", "—", "—", "Nessun aggiornamento", f"Rinvio: {story.POSTPONEMENT}"]


def story_title(told: Story) -> str:
    local = timezone.localtime(told.moment)
    return f"Monitoraggio intermedio al {local:%d/%m/%Y} ore {local:%H:%M}"


def test_the_pdf_is_a4_landscape_in_italian_with_page_numbers(told: Story) -> None:
    content = render_monitoring_pdf(build_monitoring(plan=told.world.plan, moment=told.moment))
    reader = PdfReader(io.BytesIO(content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (297, 210)
    assert reader.root_object["/Lang"] == "it"
    assert "/StructTreeRoot" in reader.root_object  # tagged, for screen readers
    assert reader.metadata is not None and reader.metadata.title == f"{story_title(told)} – Comune di Aurelia"
    assert f"Pagina 1 di {len(reader.pages)}" in reader.pages[0].extract_text()


def test_the_docx_is_landscape_italian_with_page_numbers_in_the_footer(told: Story) -> None:
    document = Document(io.BytesIO(render_monitoring_docx(build_monitoring(plan=told.world.plan, moment=told.moment))))
    section = document.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (section.page_width.mm, section.page_height.mm) == pytest.approx((297, 210), abs=0.5)
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("Pagina ")
    instructions = [text.strip() for text in footer._p.xpath(".//w:instrText/text()")]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert document.styles.element.xpath("./w:docDefaults//w:lang/@w:val") == ["it-IT"]
    headings = [p.style.name for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert headings[:3] == ["Heading 1", "Heading 2", "Heading 3"]


def test_a_report_before_the_plans_objectives_were_recorded_says_when_they_were(told: Story) -> None:
    report = build_monitoring(plan=told.world.plan, moment=told.today - dt.timedelta(days=1))
    expected = (
        "Alla data del monitoraggio il piano non aveva ancora obiettivi in Traguardi: il primo è stato inserito "
        f"il {told.today:%d/%m/%Y} (ad esempio con l'importazione del piano), quindi la situazione a quella data "
        "non è nota."
    )
    assert expected in pdf_text(render_monitoring_pdf(report))
    assert expected in docx_text(render_monitoring_docx(report))


def test_a_plan_with_no_objective_at_all_says_so(told: Story) -> None:
    empty = Plan.objects.create(
        organization=told.world.aurelia,
        code="VUOTO",
        kind=Plan.Kind.PEG,
        title="Piano vuoto",
        year_start=2026,
        year_end=2026,
    )
    report = build_monitoring(plan=empty, moment=told.today)
    assert report.first_recorded is None
    assert "Alla data del monitoraggio il piano non aveva ancora obiettivi." in docx_text(
        render_monitoring_docx(report)
    )


def test_the_docx_names_its_body_title_and_moment(told: Story) -> None:
    content = render_monitoring_docx(build_monitoring(plan=told.world.plan, moment=told.moment))
    assert_office_docx(content, author="Comune di Aurelia", title_has=story_title(told))
