"""Seed 004's Piano di Zona sheet on its plan page and in its own document (PDF, DOCX, CSV, JSON).

The expected texts are phrases of the seed document itself (checked against it first), one per part of the
sheet, under the seed's labels; the indicators are the three the sheet's evaluation methods list.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from pytest_django import DjangoDbBlocker

from plans.demo import load_demo
from plans.models import ActionSheet, ActionSheetIndicator, Objective, Plan
from reports.action_sheets import ActionSheetsDocument, blocks, build_action_sheets
from reports.render.action_sheets import render_docx, render_pdf
from tests.office import assert_office_docx
from tests.reports.commands import export_report
from tests.reports.conftest import REFERENCE_DATE
from tests.reports.seed002 import squeeze
from tests.reports.test_views import client_for
from web.views.plans import SHEETS_PAGE_SIZE

pytestmark = pytest.mark.django_db

SEED = "004"
TITLE = "SEGRETARIATO SOCIALE PROFESSIONALE"
LEVEL = "LIVELLI ESSENZIALI GENERALI"
GOAL = "gestione associata dei Servizi e degli Interventi per una continuità in base ad una programmazione"
# (label, a phrase of that part of the seed's sheet)
PARTS = (
    ("Obiettivi", "alla lettura e decodificazione della domanda, alla presa in carico della persona"),
    ("Strategia", "decentramento del servizio nei quartieri"),
    ("Attività previste", "cura i rapporti con l'Autorità giudiziaria"),
    ("Tempistica", "Il servizio è attivo per tutto l'arco di vigenza del Piano."),
    ("Strutture organizzative ed operative previste", "Coordinatore del Servizio ( referente Ufficio Sociale)"),
    (
        "Strumenti di partecipazione attiva, comunicazione, informazione",
        "riunione settimanale di equipe per la programmazione degli interventi",
    ),
    ("Azioni sussidiarie", "non si rilevano azioni sussidiarie erogate da altre istituzioni pubbliche o private"),
    ("Metodologie di valutazione", "il grado di soddisfazione del servizio da parte degli utenti"),
    ("Rischi e criticità", "Eccessivo carico di lavoro per gli operatori"),
    ("Modalità di gestione dell'azione", "Affidamento attraverso gara pubblica a cooperative o consorzi sociali."),
    ("Costo orario del servizio", "quello previsto dai Contratti collettivi nazionali di lavoro"),
)
INDICATORS = (
    "Raggiungimento dell'obiettivo regionale al termine del triennio 1 assistente sociale ogni 12.000 abitanti",
    "Percentuale di progetti personalizzati redatti sul totale degli utenti",
    "Incremento percentuale annuo degli utenti",
)
_TAG = re.compile(r"<[^>]+>")


@pytest.fixture(scope="module")
def pdz_plan(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Plan]:
    """The Piano Sociale di Zona of seed 004, imported with the demo; rolled back at the end of the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(reference_date=REFERENCE_DATE)
        yield Plan.objects.select_related("organization").get(code="PSZ")
        transaction.set_rollback(True)


@pytest.fixture
def director(pdz_plan: Plan) -> User:
    return User.objects.get(username="direttore")


@pytest.fixture(scope="module")
def document(pdz_plan: Plan, django_db_blocker: DjangoDbBlocker) -> ActionSheetsDocument:
    with django_db_blocker.unblock():
        return build_action_sheets(plan=pdz_plan)


@pytest.fixture(scope="module")
def pdf_text(document: ActionSheetsDocument) -> str:
    reader = PdfReader(io.BytesIO(render_pdf(document)))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture(scope="module")
def docx_text(document: ActionSheetsDocument) -> str:
    word = Document(io.BytesIO(render_docx(document)))
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in word.paragraphs] + cells)


def _expected() -> list[str]:
    return [TITLE, LEVEL, GOAL, *(text for part in PARTS for text in part), *INDICATORS]


def _missing(text: str, expected: list[str]) -> list[str]:
    haystack = squeeze(text)
    return [phrase for phrase in expected if squeeze(phrase) not in haystack]


def _page_text(content: bytes) -> str:
    return html.unescape(_TAG.sub(" ", content.decode()))


def test_the_expected_phrases_are_the_seed_s(seed_text: dict[str, str]) -> None:
    seed = squeeze(html.unescape(_TAG.sub("", seed_text[SEED])))
    phrases = [TITLE, LEVEL, GOAL, *(phrase for _label, phrase in PARTS), *INDICATORS]
    assert [phrase for phrase in phrases if squeeze(phrase) not in seed] == []


def test_the_plan_page_shows_every_part_of_the_sheet_and_its_indicators(pdz_plan: Plan, director: User) -> None:
    response = client_for(director).get(reverse("web:plan", args=[pdz_plan.pk]))
    assert response.status_code == 200
    text = _page_text(response.content)
    assert _missing(text, [*_expected(), "Scheda 1 – SEGRETARIATO SOCIALE PROFESSIONALE"]) == []
    assert "Nessun obiettivo da mostrare" not in text
    # The downloads are the sheets' document, without the Relazione's XLSX.
    assert "Documento del Piano di Zona e dati aperti" in text
    assert reverse("reports:relazione", args=[pdz_plan.pk, 2011, "xlsx"]) not in response.content.decode()


def test_the_plan_page_marks_up_parts_as_headings_and_indicators_as_a_table(pdz_plan: Plan, director: User) -> None:
    content = client_for(director).get(reverse("web:plan", args=[pdz_plan.pk])).content.decode()
    assert re.search(r"<h3[^>]*>Scheda 1 – SEGRETARIATO SOCIALE PROFESSIONALE</h3>", content)
    for label, _phrase in PARTS:
        assert f">{html.escape(label)}</h4>" in content, label
    assert '<th scope="col">Indicatore</th>' in content
    # The lists of the imported text are lists again.
    assert "<li>decentramento del servizio nei quartieri;</li>" in content


def test_the_plan_page_pages_the_sheets_in_a_constant_number_of_queries(pdz_plan: Plan, director: User) -> None:
    client = client_for(director)
    page = reverse("web:plan", args=[pdz_plan.pk])
    client.get(page)  # the session and the roles, read once
    with CaptureQueriesContext(connection) as one_sheet:
        client.get(page)
    for number in range(2, 2 + 2 * SHEETS_PAGE_SIZE):
        sheet = ActionSheet.objects.create(
            plan=pdz_plan, code=f"LIVEAS-{number}", number=number, title=f"Azione {number}"
        )
        ActionSheetIndicator.objects.create(sheet=sheet, position=1, text=f"Utenti dell'azione {number}")
    with CaptureQueriesContext(connection) as many_sheets:
        first = client.get(page)
    assert len(many_sheets) == len(one_sheet)
    text = _page_text(first.content)
    assert "Scheda 5 – Azione 5" in text and "Scheda 6 – Azione 6" not in text
    assert "11 schede." in text and "Pagina 1 di 3" in text
    last = _page_text(client.get(page, {"pagina": 3}).content)
    assert "Scheda 11 – Azione 11" in last and "Utenti dell'azione 11" in last and TITLE not in last


def test_the_builder_reads_the_sheets_in_two_queries(pdz_plan: Plan, django_assert_num_queries: object) -> None:
    for number in range(2, 6):
        sheet = ActionSheet.objects.create(plan=pdz_plan, code=f"LIVEAS-{number}", number=number, title="Azione")
        ActionSheetIndicator.objects.create(sheet=sheet, position=1, text="Utenti")
    with django_assert_num_queries(2):  # type: ignore[operator]
        document = build_action_sheets(plan=pdz_plan)
    assert [sheet.code for sheet in document.sheets] == [f"LIVEAS-{n}" for n in range(1, 6)]


def test_the_pdf_has_the_sheet_its_parts_and_its_indicators(pdf_text: str) -> None:
    assert _missing(pdf_text, [*_expected(), "Piano di Zona: schede di azione 2011–2013"]) == []


def test_the_pdf_is_tagged_with_language_and_title(document: ActionSheetsDocument) -> None:
    reader = PdfReader(io.BytesIO(render_pdf(document)))
    catalog = reader.trailer["/Root"].get_object()
    assert isinstance(catalog, DictionaryObject)
    assert "/StructTreeRoot" in catalog
    mark_info = catalog["/MarkInfo"].get_object()
    assert isinstance(mark_info, DictionaryObject) and mark_info["/Marked"]
    assert str(catalog["/Lang"]).startswith("it")
    assert reader.metadata is not None and reader.metadata.title is not None
    assert reader.metadata.title.startswith("Piano di Zona: schede di azione 2011–2013")


def test_the_docx_has_the_sheet_its_parts_and_its_indicators(docx_text: str, document: ActionSheetsDocument) -> None:
    assert _missing(docx_text, _expected()) == []
    word = Document(io.BytesIO(render_docx(document)))
    headings = [p.text for p in word.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert "Scheda 1 – SEGRETARIATO SOCIALE PROFESSIONALE" in headings
    assert [label for label, _phrase in PARTS if label not in headings] == []
    assert "PAGE" in word.sections[0].footer._element.xml  # page numbers


def test_the_relazione_urls_give_the_sheets_document(pdz_plan: Plan, director: User) -> None:
    client = client_for(director)
    pdf = client.get(reverse("reports:relazione", args=[pdz_plan.pk, 2012, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="schede-PSZ-2011-2013.pdf"'
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert _missing(text, _expected()) == []
    docx = client.get(reverse("reports:relazione", args=[pdz_plan.pk, 2011, "docx"]))
    assert docx.status_code == 200 and docx.content.startswith(b"PK\x03\x04")
    assert (
        _missing("\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs), [TITLE, *INDICATORS]) == []
    )


def test_the_open_data_has_one_row_per_sheet_indicator_and_the_whole_sheet(pdz_plan: Plan, director: User) -> None:
    client = client_for(director)
    answer = client.get(reverse("reports:opendata", args=[pdz_plan.pk, 2011, "csv"]))
    assert answer["Content-Disposition"] == 'attachment; filename="dati-aperti-schede-PSZ-2011-2013.csv"'
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8"))))
    assert [(row["sheet_code"], row["indicator_position"], row["indicator"]) for row in rows] == [
        ("LIVEAS-1", str(position), text) for position, text in enumerate(INDICATORS, start=1)
    ]
    assert {row["sheet_title"] for row in rows} == {TITLE}
    data = json.loads(client.get(reverse("reports:opendata", args=[pdz_plan.pk, 2011, "json"])).content)
    [sheet] = data["action_sheets"]
    assert (sheet["code"], sheet["title"], sheet["level"], sheet["area"]) == ("LIVEAS-1", TITLE, LEVEL, "US")
    assert [indicator["text"] for indicator in sheet["indicators"]] == list(INDICATORS)
    assert "decentramento del servizio nei quartieri" in sheet["strategy"]
    assert sheet["management_mode"] == "Affidamento attraverso gara pubblica a cooperative o consorzi sociali."


@pytest.mark.parametrize(
    ("name", "fmt", "message"),
    [
        (
            "relazione",
            "xlsx",
            "Il formato «xlsx» non è disponibile per le schede del Piano di Zona. Formati disponibili: pdf, docx.",
        ),
        (
            "opendata",
            "pdf",
            "Il formato «pdf» non è disponibile per le schede del Piano di Zona. Formati disponibili: csv, json.",
        ),
    ],
)
def test_a_format_the_sheets_do_not_have_gets_a_clear_404(
    pdz_plan: Plan, director: User, name: str, fmt: str, message: str
) -> None:
    response = client_for(director).get(reverse(f"reports:{name}", args=[pdz_plan.pk, 2011, fmt]))
    assert response.status_code == 404
    assert message in _page_text(response.content)


def test_a_year_outside_the_piano_di_zona_gets_a_clear_404(pdz_plan: Plan, director: User) -> None:
    response = client_for(director).get(reverse("reports:relazione", args=[pdz_plan.pk, 2021, "pdf"]))
    assert response.status_code == 404
    assert "L'anno 2021 non è un anno del piano: scegli un anno tra 2011 e 2013." in _page_text(response.content)


@pytest.mark.parametrize(
    "path",
    [
        lambda plan: reverse("web:plan", args=[plan.pk]),
        lambda plan: reverse("reports:relazione", args=[plan.pk, 2011, "pdf"]),
        lambda plan: reverse("reports:opendata", args=[plan.pk, 2011, "json"]),
        lambda plan: reverse("reports:action_sheets", args=[plan.pk, "docx"]),
    ],
)
def test_an_outsider_gets_404_and_not_a_word_of_the_sheet(pdz_plan: Plan, outsider: User, path: object) -> None:
    response = client_for(outsider).get(path(pdz_plan))  # type: ignore[operator]
    assert response.status_code == 404
    assert TITLE not in response.content.decode() and "PSZ" not in response.content.decode()


def test_a_plan_with_sheets_and_objectives_keeps_its_relazione(pdz_plan: Plan, director: User) -> None:
    """The objectives are what a Relazione sulla Performance reports on: the sheets stay on the plan page."""
    objective = Objective.objects.create(
        plan=pdz_plan, code="PSZ-1", number=1, title="Ridurre le attese allo sportello"
    )
    objective.areas.add(*pdz_plan.organization.areas.all())
    client = client_for(director)
    pdf = client.get(reverse("reports:relazione", args=[pdz_plan.pk, 2011, "pdf"]))
    assert pdf["Content-Disposition"] == 'attachment; filename="relazione-PSZ-2011.pdf"'
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Relazione sulla Performance 2011" in text and "Ridurre le attese allo sportello" in text
    assert TITLE not in text
    page = _page_text(client.get(reverse("web:plan", args=[pdz_plan.pk])).content)
    assert "Ridurre le attese allo sportello" in page and "Relazione sulla Performance e dati aperti" in page
    assert _missing(page, [TITLE, *INDICATORS]) == []
    # The sheets' document has its own URL, which the plan page gives.
    sheets_url = reverse("reports:action_sheets", args=[pdz_plan.pk, "pdf"])
    assert sheets_url in client.get(reverse("web:plan", args=[pdz_plan.pk])).content.decode()
    sheets = client.get(sheets_url)
    assert sheets["Content-Disposition"] == 'attachment; filename="schede-PSZ-2011-2013.pdf"'
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(sheets.content)).pages)
    assert _missing(text, _expected()) == []


def test_a_plan_without_sheets_shows_no_sheet_section_and_has_no_sheets_document(
    pdz_plan: Plan, director: User
) -> None:
    other = Plan.objects.get(code="RP-2021")
    client = client_for(director)
    text = _page_text(client.get(reverse("web:plan", args=[other.pk])).content)
    assert "Schede del Piano di Zona" not in text and "Relazione sulla Performance e dati aperti" in text
    response = client.get(reverse("reports:action_sheets", args=[other.pk, "pdf"]))
    assert response.status_code == 404
    assert "Il piano RP-2021 non ha schede." in _page_text(response.content)


def test_the_sheets_url_gives_every_format_and_refuses_others(pdz_plan: Plan, director: User) -> None:
    client = client_for(director)
    for fmt, magic in (("pdf", b"%PDF-"), ("docx", b"PK\x03\x04"), ("csv", b"organization,plan"), ("json", b"{")):
        answer = client.get(reverse("reports:action_sheets", args=[pdz_plan.pk, fmt]))
        assert answer.status_code == 200 and answer.content.startswith(magic), fmt
    refused = client.get(reverse("reports:action_sheets", args=[pdz_plan.pk, "xlsx"]))
    assert refused.status_code == 404
    message = "Il formato «xlsx» non è disponibile per le schede del Piano di Zona. Formati disponibili: "
    assert message + "pdf, docx, csv, json." in _page_text(refused.content)


def test_imported_text_becomes_paragraphs_and_lists() -> None:
    text = "Il servizio:\nriga due\n\n- primo;\n- secondo.\n\n\nUltimo."
    parts = blocks(text)
    assert [(block.bulleted, block.items) for block in parts] == [
        (False, ("Il servizio:\nriga due",)),
        (True, ("primo;", "secondo.")),
        (False, ("Ultimo.",)),
    ]
    assert blocks("  \n\n ") == ()


def test_the_plan_list_counts_the_sheets_beside_the_objectives(pdz_plan: Plan, director: User) -> None:
    content = client_for(director).get(reverse("web:plans")).content.decode()
    rows = {
        code: re.findall(r'<td class="text-end">(\d+)</td>', row)
        for code, row in re.findall(r"<tr><td>[^<]*</td><td><a [^>]*>([A-Z0-9-]+) —(.*?)</tr>", content, re.S)
    }
    assert rows["PSZ"] == ["0", "1"]
    assert rows["RP-2021"][1] == "0" and int(rows["RP-2021"][0]) > 0


def test_a_sheet_without_number_or_level_and_with_markup_in_its_text(pdz_plan: Plan, director: User) -> None:
    """Imported text is text: markup is shown, not interpreted; a control character does not break the DOCX."""
    ActionSheet.objects.create(
        plan=pdz_plan,
        code="EXTRA-A",
        title="Sportello <b>mobile</b>",
        timing="Dal 2012\x0b al 2013 <script>alert(1)</script>",
    )
    client = client_for(director)
    content = client.get(reverse("web:plan", args=[pdz_plan.pk])).content.decode()
    assert "Scheda EXTRA-A – Sportello &lt;b&gt;mobile&lt;/b&gt;" in content
    assert "<script>alert(1)" not in content and "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    document = build_action_sheets(plan=pdz_plan)
    assert [group.level for group in document.levels] == [LEVEL, ""]
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(document))).pages)
    assert _missing(pdf_text, ["Schede senza livello", "Scheda EXTRA-A – Sportello <b>mobile</b>"]) == []
    docx_text = "\n".join(p.text for p in Document(io.BytesIO(render_docx(document))).paragraphs)
    assert "Dal 2012 al 2013 <script>alert(1)</script>" in docx_text


def test_export_report_writes_the_sheets_document_of_a_piano_di_zona(pdz_plan: Plan, tmp_path: Path) -> None:
    output = tmp_path / "schede.pdf"
    printed = export_report(output, "pdf", plan="PSZ", year=str(pdz_plan.year_start))
    assert printed.startswith(f"Scritto {output}")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(output.read_bytes())).pages)
    assert _missing(text, _expected()) == []
    with pytest.raises(CommandError, match="schede del Piano di Zona: usa --format con uno tra: pdf, docx, csv, json"):
        export_report(tmp_path / "schede.xlsx", "xlsx", plan="PSZ", year=str(pdz_plan.year_start))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["schede.pdf"]


def test_the_docx_is_in_an_italian_office_s_defaults(document: ActionSheetsDocument) -> None:
    content = render_docx(document)
    author = document.organization_name
    assert_office_docx(content, author=author, title_has=author)
