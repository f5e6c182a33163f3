"""Documents fit for publication in "Amministrazione trasparente": the tagged PDF with its cover and index, and
the DOCX that Word navigates and numbers (the open data are in test_publication_open_data.py).

The documents are read back as a reader would: the PDF's structure with pypdf, the DOCX's parts with
python-docx and its XML. They are prepared at a frozen moment, which the cover
and the properties must show.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils.text import slugify
from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from pytest_django import DjangoDbBlocker

from plans.models import Plan
from reports import labels
from reports.relazione import build_relazione
from reports.render.docx import render_docx
from reports.render.index import with_index
from reports.render.pdf import render_html, render_pdf
from reports.sections import Relazione

pytestmark = pytest.mark.django_db

PREPARED = dt.datetime(2027, 6, 20, 10, 30, tzinfo=ZoneInfo("Europe/Rome"))
BODY = "Consorzio IN.RE.TE."
TITLE = f"Relazione sulla Performance 2021 – {BODY}"
AREAS = (
    "Area Direzione",
    "Area Amministrativa",
    "Area Finanziaria",
    "Area Minori e Famiglie - Adulti",
    "Area Disabili - Anziani",
    "Area Inclusione e Reti Territoriali",
)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def relazione(demo_plan: Plan, django_db_blocker: DjangoDbBlocker) -> Relazione:
    with django_db_blocker.unblock():
        return build_relazione(plan=demo_plan, year=2021)


class Collected(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(scope="module")
def weasyprint_warnings() -> Iterator[list[str]]:
    """What WeasyPrint complained of while rendering: under PDF/UA, a missing language or an image without its
    alternative text is logged, not raised."""
    handler = Collected()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    yield handler.messages
    logger.removeHandler(handler)


@pytest.fixture(scope="module")
def pdf(relazione: Relazione, weasyprint_warnings: list[str]) -> PdfReader:
    with time_machine.travel(PREPARED, tick=False):
        return PdfReader(io.BytesIO(render_pdf(relazione)))


@pytest.fixture(scope="module")
def pages(pdf: PdfReader) -> list[str]:
    return [page.extract_text() for page in pdf.pages]


@pytest.fixture(scope="module")
def docx(relazione: Relazione) -> DocumentObject:
    with time_machine.travel(PREPARED, tick=False):
        return Document(io.BytesIO(render_docx(relazione)))


# The PDF


def structure_tags(element: Any) -> Iterator[str]:
    """The structure types (/H1, /Table, ...) of the tagged PDF's tree, depth first."""
    element = element.get_object()
    if isinstance(element, DictionaryObject):
        if "/S" in element:
            yield str(element["/S"])
        kids = element.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            yield from structure_tags(kid)


def test_the_pdf_is_tagged_with_language_and_title_shown(pdf: PdfReader) -> None:
    catalog: Any = pdf.root_object
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/Lang"] == "it"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    tags = set(structure_tags(catalog["/StructTreeRoot"]))
    assert {"/Document", "/H1", "/H2", "/H3", "/P", "/Table", "/TH", "/TD", "/Link"} <= tags
    xmp = pdf.xmp_metadata
    assert xmp is not None
    assert 'pdfuaid:part="1"' in xmp.stream.get_data().decode()  # it declares PDF/UA-1
    assert xmp.dc_title == {"x-default": TITLE}


def test_weasyprint_finds_nothing_missing_for_an_accessible_pdf(pdf: PdfReader, weasyprint_warnings: list[str]) -> None:
    assert weasyprint_warnings == []


class Images(HTMLParser):
    """The images of an HTML page that have no text alternative: <img> without alt, <svg> without <title>."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self.without_text: list[str] = []
        self._svg_titled: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.count += 1
            if not (dict(attrs).get("alt") or "").strip():
                self.without_text.append(str(dict(attrs).get("src", "img"))[:60])
        elif tag == "svg":
            self.count += 1
            self._svg_titled.append(False)
        elif tag == "title" and self._svg_titled:
            self._svg_titled[-1] = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg" and self._svg_titled and not self._svg_titled.pop():
            self.without_text.append("svg")


def images_without_text(html: str) -> list[str]:
    parser = Images()
    parser.feed(html)
    return parser.without_text


def test_every_image_or_chart_of_the_document_has_a_text_alternative(relazione: Relazione) -> None:
    assert images_without_text(render_html(relazione)) == []
    # The check itself sees what it must refuse.
    page = '<img src="a.png" alt="Grafico"><img src="b.png"><svg><title>Obiettivi</title></svg><svg><g/></svg>'
    assert images_without_text(page) == ["b.png", "svg"]


def test_the_pdf_metadata_name_the_document_the_body_and_the_moment_it_was_prepared(pdf: PdfReader) -> None:
    info = pdf.metadata
    assert info is not None
    assert (info.title, info.author, info.subject) == (TITLE, BODY, "Relazione sulla Performance 2021 (RP-2021)")
    assert info["/CreationDate"] == info["/ModDate"] == "D:20270620103000+02'00"


def test_the_cover_gives_body_title_plan_and_date_of_preparation(pages: list[str]) -> None:
    cover = pages[0].splitlines()
    assert cover[:5] == [
        BODY,
        "Relazione sulla Performance 2021",
        "Relazione sulla Performance 2021",  # the plan's title, in the demo the same words
        "Codice del piano: RP-2021",
        "Data di predisposizione: 20/06/2027",
    ]
    assert "Obiettivo" not in pages[0]  # the cover is a page of its own


def test_the_index_lists_every_area_with_the_page_where_it_starts(pdf: PdfReader, pages: list[str]) -> None:
    index = pages[1]
    assert index.startswith("Indice")
    entries = re.findall(r"^Centro di responsabilità: (.+?) \.{3,}\s+(\d+)$", index, re.MULTILINE)
    assert [name for name, _page in entries] == list(AREAS)
    for name, page in entries:
        # The page the index gives is the page where the area's heading is, and not the one before.
        heading = f"Centro di responsabilità: {name}"
        assert heading in pages[int(page) - 1].splitlines(), name
        assert heading not in pages[int(page) - 2].splitlines(), name
    assert [int(page) for _name, page in entries] == sorted(int(page) for _name, page in entries)
    # Each entry is a link to its heading, described by the heading's slug, on the page the index gives.
    links = [annotation.get_object() for annotation in pdf.pages[1].get("/Annots", [])]
    targets = list(dict.fromkeys(str(link["/Dest"]) for link in links if link["/Subtype"] == "/Link"))
    opening = ["Presentazione", "Sintesi dei risultati", "Contesto e risorse"]
    opening += ["La performance dell'ente nel suo complesso", "Gli obiettivi"]
    closing = ["Allegato 1 – Variazioni e scostamenti", "Allegato 2 – Gli indicatori"]
    closing += ["Il processo di redazione e la validazione"]
    areas = [f"centro-di-responsabilita-{slugify(name)}" for name in AREAS]
    assert targets == [*(slugify(title) for title in opening), *areas, *(slugify(title) for title in closing)]
    assert all(link["/Contents"] == link["/Dest"] for link in links)
    destinations = pdf.named_destinations
    found = [pdf.get_destination_page_number(destinations[target]) for target in areas]
    assert found == [int(page) - 1 for _name, page in entries]  # counted from 0


def test_every_page_is_numbered_out_of_the_total(pages: list[str]) -> None:
    total = len(pages)
    assert total > 10
    for number, text in enumerate(pages, start=1):
        assert f"Pagina {number} di {total}" in text


def test_traffic_lights_are_written_not_only_coloured(pages: list[str]) -> None:
    assert "83,0% (giallo)" in "\n".join(pages)


def test_the_index_is_built_from_the_chapters_after_its_place_and_escapes_their_text() -> None:
    html = (
        "<h2>Indice</h2><ol><!-- index entries --></ol>"
        '<section><h2 class="x">Presentazione &amp; contesto</h2></section>'
        '<h2 id="allegato">Allegato <em>A</em> &lt;script&gt;</h2><h3>Non un capitolo</h3>'
    )
    result = with_index(html)
    assert result.count("<li>") == 2
    assert '<li><a href="#presentazione-contesto">Presentazione &amp; contesto</a></li>' in result
    assert '<li><a href="#allegato">Allegato A &lt;script&gt;</a></li>' in result
    assert '<h2 id="presentazione-contesto" class="x">Presentazione &amp; contesto</h2>' in result
    assert "<h2>Indice</h2>" in result  # before the index: not a chapter, left as it was
    assert with_index("<h2>Senza indice</h2>") == "<h2>Senza indice</h2>"


def test_chapters_of_the_same_name_or_without_letters_get_anchors_of_their_own() -> None:
    html = '<div id="area"></div><!-- index entries --><h2>Area</h2><h2>Area</h2><h2>…</h2>'
    result = with_index(html)
    assert re.findall(r'<h2 id="([^"]+)">', result) == ["area-2", "area-3", "capitolo-3"]
    assert re.findall(r'href="#([^"]+)"', result) == ["area-2", "area-3", "capitolo-3"]


# The DOCX


def instructions(element: Any) -> list[str]:
    return [" ".join(node.text.split()) for node in element.iter(f"{W}instrText")]


def test_the_docx_footer_numbers_every_page_out_of_the_total(docx: DocumentObject) -> None:
    footer = docx.sections[0].footer
    assert instructions(footer._element) == ["PAGE", "NUMPAGES"]
    assert footer.paragraphs[0].text == "Pagina 1 di 1"  # the fields' text until Word computes them
    assert not docx.sections[0].different_first_page_header_footer  # the same footer on every page


def test_the_docx_styles_are_in_italian(docx: DocumentObject) -> None:
    styles = docx.styles.element
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert default is not None and default.get(qn("w:val")) == "it-IT"
    normal = docx.styles["Normal"].element.find(f"{W}rPr/{W}lang")
    assert normal is not None and normal.get(qn("w:val")) == "it-IT"
    theme = docx.settings.element.find(qn("w:themeFontLang"))
    assert theme is not None and theme.get(qn("w:val")) == "it-IT"


def test_the_docx_headings_are_words_own_heading_styles(docx: DocumentObject, relazione: Relazione) -> None:
    by_style: dict[str, list[str]] = {}
    for paragraph in docx.paragraphs:
        if paragraph.style is not None:
            by_style.setdefault(paragraph.style.name, []).append(paragraph.text)
    opening = ["Presentazione", "Sintesi dei risultati", "Contesto e risorse"]
    opening += ["La performance dell'ente nel suo complesso", "Gli obiettivi"]
    closing = ["Allegato 1 – Variazioni e scostamenti", "Allegato 2 – Gli indicatori"]
    closing += ["Il processo di redazione e la validazione"]
    areas = [f"Centro di responsabilità: {name}" for name in AREAS]
    assert by_style["Heading 1"] == [*opening, *areas, *closing]
    sheets = [labels.objective_heading(o) for area in relazione.areas for o in area.objectives]
    assert [heading for heading in by_style["Heading 2"] if heading in set(sheets)] == sheets
    assert "Descrizione obiettivo" in by_style["Heading 3"]
    for level in (1, 2, 3):
        style = docx.styles[f"Heading {level}"]
        assert style.builtin
        outline = style.element.find(f"{W}pPr/{W}outlineLvl")  # what Word's navigation pane lists
        assert outline is not None and outline.get(qn("w:val")) == str(level - 1)


def test_the_docx_is_a4_with_italian_margins(docx: DocumentObject) -> None:
    section = docx.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(margin.mm) for margin in margins if margin is not None] == [25, 20, 20, 20]


def test_nothing_in_the_docx_comes_from_python_docx_s_template_properties(relazione: Relazione) -> None:
    with zipfile.ZipFile(io.BytesIO(render_docx(relazione))) as package:
        assert "docProps/app.xml" not in package.namelist()
        assert "docProps/core.xml" in package.namelist()
        core = package.read("docProps/core.xml").decode()
        content_types = package.read("[Content_Types].xml").decode()
    assert "python-docx" not in core and "2013-12-23" not in core
    assert "app.xml" not in content_types


def test_the_docx_properties_name_the_body_and_the_moment_it_was_prepared(docx: DocumentObject) -> None:
    properties = docx.core_properties
    assert (properties.title, properties.author, properties.last_modified_by) == (TITLE, BODY, BODY)
    assert properties.language == "it-IT"
    assert properties.category == "Amministrazione trasparente › Performance › Relazione sulla Performance"
    prepared = PREPARED.astimezone(dt.UTC)
    assert properties.created == properties.modified == prepared
    assert "python-docx" not in properties.comments
    assert properties.revision == 1


def test_the_docx_has_a_cover_then_a_table_of_contents_that_word_updates_on_opening(docx: DocumentObject) -> None:
    texts = [paragraph.text for paragraph in docx.paragraphs]
    assert texts[:5] == [
        BODY,
        "Relazione sulla Performance 2021",
        "Relazione sulla Performance 2021",
        "Codice del piano: RP-2021",
        "Data di predisposizione: 20/06/2027",
    ]
    toc_heading = next(p for p in docx.paragraphs if p.style is not None and p.style.name == "TOC Heading")
    assert toc_heading.text == "Indice"
    assert texts.index("Indice") < texts.index(f"Centro di responsabilità: {AREAS[0]}")
    assert instructions(docx.element.body) == ['TOC \\o "1-2" \\h \\z \\u']
    update = docx.settings.element.find(qn("w:updateFields"))
    assert update is not None and update.get(qn("w:val")) == "true"
