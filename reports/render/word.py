"""A Word document set up for publication, before any content: A4 with Italian margins, Italian as the language
of its styles, core properties that name the body (not python-docx's template), page numbers in the footer,
a cover and a table of contents that Word fills in on opening.

python-docx has no API for fields (PAGE, NUMPAGES, TOC), the styles' language or the settings' updateFields:
they are written here as the WordprocessingML elements Word itself writes (ECMA-376 part 1, 17.16 fields,
17.15.1.91 updateFields), each in one small function.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from reports import labels
from reports.render.publication import LANGUAGE_WITH_REGION, Publication
from reports.render.text import xml_safe

# A4, and the margins of Word's Italian "Normale" page: 2.5 cm at the top, 2 cm elsewhere.
PAGE_WIDTH, PAGE_HEIGHT = Cm(21), Cm(29.7)
TOP_MARGIN, BOTTOM_MARGIN, LEFT_MARGIN, RIGHT_MARGIN = Cm(2.5), Cm(2), Cm(2), Cm(2)
HEADER_FOOTER_DISTANCE = Cm(1.25)
ACCENT = RGBColor(0x1D, 0x4F, 0x91)  # the PDF's headings
# The levels of the table of contents: areas and chapters (Heading 1) and objectives (Heading 2).
TOC_INSTRUCTION = 'TOC \\o "1-2" \\h \\z \\u'
# Where updateFields goes in w:settings: before the first of these (CT_Settings' sequence).
_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
)


def publication_document(publication: Publication) -> DocumentObject:
    """A new document with its page, styles and properties set, its cover and its table of contents."""
    document = Document()
    _core_properties(
        document,
        title=publication.title,
        subject=publication.subject,
        author=publication.author,
        category=publication.section,
        prepared_at_utc=publication.prepared_at_utc,
    )
    _styles(document)
    _italian_settings(document)
    _page(document, publication)
    _cover(document, publication)
    _table_of_contents(document)
    return document


def office_document(title: str, author: str, *, landscape: bool = False) -> DocumentObject:
    """A new document in an Italian office's defaults, for the documents that have no cover (the monitoring report,
    the PIAO's section, the action sheets): A4, Italian as every style's language, the properties naming the
    document, its body and the moment it was prepared (never python-docx's template: "python-docx", 2013, en-US)."""
    document = Document()
    _core_properties(
        document, title=title, subject="", author=author, category="", prepared_at_utc=timezone.now().astimezone(dt.UTC)
    )
    _styles(document)
    _language_settings(document)
    _a4(document.sections[0], landscape=landscape)
    return document


def _core_properties(
    document: DocumentObject, *, title: str, subject: str, author: str, category: str, prepared_at_utc: dt.datetime
) -> None:
    properties = document.core_properties
    properties.title = xml_safe(title)
    properties.subject = xml_safe(subject)
    properties.author = xml_safe(author)
    properties.last_modified_by = xml_safe(author)
    properties.language = LANGUAGE_WITH_REGION
    properties.category = category
    properties.comments = ""
    properties.keywords = ""
    properties.revision = 1
    # python-docx writes the time as UTC ("…Z") without converting it: hand it the UTC time.
    prepared = prepared_at_utc.replace(tzinfo=None)
    properties.created = prepared
    properties.modified = prepared
    _drop_template_application_properties(document)


def _drop_template_application_properties(document: DocumentObject) -> None:
    """python-docx's template carries docProps/app.xml claiming "Microsoft Macintosh Word" wrote the file, with its
    page and word counts of an empty document. The part is optional (ECMA-376 part 2): without it nobody is
    misled, and Word writes its own when the office saves the document."""
    relationships = document.part.package.rels
    for relationship_id, relationship in list(relationships.items()):
        if relationship.reltype == RT.EXTENDED_PROPERTIES:
            del relationships[relationship_id]


def _styles(document: DocumentObject) -> None:
    """Italian as every style's language (the defaults every style inherits, and Normal's own), the body text
    at 10 pt, and Word's built-in headings (whose outline levels feed the navigation pane and the index) in the
    PDF's colour."""
    styles = document.styles
    default_run = styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if default_run is not None:  # python-docx's template has it; a template without it inherits Normal's
        _set_language(default_run)
    normal = styles["Normal"]
    normal.font.size = Pt(10)
    _set_language(normal.element.get_or_add_rPr())
    for level in (1, 2, 3):
        heading = styles[f"Heading {level}"]
        heading.font.color.rgb = ACCENT
    styles["Title"].font.color.rgb = ACCENT


def _set_language(run_properties: BaseOxmlElement) -> None:
    language = run_properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        run_properties.append(language)
    language.set(qn("w:val"), LANGUAGE_WITH_REGION)
    language.set(qn("w:eastAsia"), LANGUAGE_WITH_REGION)


def _italian_settings(document: DocumentObject) -> None:
    """Fields updated on opening (the index and the page count), and the Italian settings."""
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    successor = next((child for child in settings if child.tag.split("}")[-1] in _AFTER_UPDATE_FIELDS), None)
    if successor is None:
        settings.append(update)
    else:
        successor.addprevious(update)
    _language_settings(document)


def _language_settings(document: DocumentObject) -> None:
    """Italian for the theme's fonts, and the Italian decimal comma and list separator for the fields Word
    calculates."""
    settings = document.settings.element
    for name, value in (("w:themeFontLang", LANGUAGE_WITH_REGION), ("w:decimalSymbol", ","), ("w:listSeparator", ";")):
        element = settings.find(qn(name))
        if element is not None:
            element.set(qn("w:val"), value)


def _a4(section: Section, *, landscape: bool = False) -> None:
    """A4 (python-docx's template is US Letter) with the margins of Word's Italian "Normale" page."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = (PAGE_HEIGHT, PAGE_WIDTH) if landscape else (PAGE_WIDTH, PAGE_HEIGHT)
    section.page_width, section.page_height = width, height
    section.top_margin, section.bottom_margin = TOP_MARGIN, BOTTOM_MARGIN
    section.left_margin, section.right_margin = LEFT_MARGIN, RIGHT_MARGIN
    section.header_distance = section.footer_distance = HEADER_FOOTER_DISTANCE


def _page(document: DocumentObject, publication: Publication) -> None:
    section = document.sections[0]
    _a4(section)
    header = section.header.paragraphs[0]
    header.text = xml_safe(publication.title)
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header.runs[0].font.size = Pt(8)
    page_numbers(document)


def page_numbers(document: DocumentObject) -> None:
    """ "Pagina N di M" centred in the footer, as Word's PAGE and NUMPAGES fields: every document of reports/."""
    footer = document.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"{labels.PAGE} ")
    _field(footer, "PAGE", "1")
    footer.add_run(f" {labels.OF} ")
    _field(footer, "NUMPAGES", "1")
    for run in footer.runs:
        run.font.size = Pt(8)


def _cover(document: DocumentObject, publication: Publication) -> None:
    centred = [
        document.add_paragraph(xml_safe(publication.author)),
        document.add_heading(xml_safe(publication.heading), level=0),
        document.add_paragraph(xml_safe(publication.plan_title)),
        document.add_paragraph(f"{_('Codice del piano')}: {xml_safe(publication.plan_code)}"),
        document.add_paragraph(f"{_('Data di predisposizione')}: {publication.prepared_on}"),
    ]
    for paragraph in centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    centred[0].paragraph_format.space_before = Pt(150)
    centred[-1].paragraph_format.space_before = Pt(100)
    centred[-1].add_run().add_break(WD_BREAK.PAGE)


def _table_of_contents(document: DocumentObject) -> None:
    """Word's own table of contents over the Heading styles, filled in when Word opens the document (settings'
    updateFields, and the field marked dirty); until then it says how to fill it in. LibreOffice reads the field
    as its own index, which "Aggiorna tutto" fills with the same entries and pages (tried with LibreOffice 7)."""
    document.add_paragraph(_("Indice"), style="TOC Heading")
    placeholder = _(
        "L'indice si compila all'apertura in Word (oppure con F9); in LibreOffice con Strumenti › Aggiorna › "
        "Aggiorna tutto."
    )
    _field(document.add_paragraph(), TOC_INSTRUCTION, placeholder, dirty=True)
    document.add_page_break()


def _field(paragraph: Paragraph, instruction: str, placeholder: str, *, dirty: bool = False) -> None:
    """A complex field: begin, instruction, separate, the result shown until Word updates it, end."""
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    if dirty:
        begin.set(qn("w:dirty"), "true")
    paragraph.add_run()._r.append(begin)
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    paragraph.add_run()._r.append(code)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    paragraph.add_run()._r.append(separate)
    paragraph.add_run(placeholder)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)
