"""What every DOCX and XLSX Traguardi writes must be, in an Italian office's defaults (issue 21): A4, Italian on
every style, the document's own title, its body as author, the moment it was written; nothing of python-docx's or
openpyxl's templates ("python-docx", 2013, en-US, "openpyxl")."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from openpyxl import load_workbook

A4 = {(210, 297), (297, 210)}


def written_just_now(moment: dt.datetime | None) -> bool:
    """The property holds the moment the file was written (python-docx and openpyxl read it back as UTC)."""
    if moment is None:
        return False
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return abs(aware - timezone.now()) < dt.timedelta(minutes=5)


def assert_office_docx(content: bytes, *, author: str, title_has: str) -> None:
    document = Document(io.BytesIO(content))
    for section in document.sections:
        assert section.page_width is not None and section.page_height is not None
        assert (round(section.page_width.mm), round(section.page_height.mm)) in A4
    properties = document.core_properties
    assert properties.language == "it-IT"
    assert title_has in properties.title
    assert properties.author == properties.last_modified_by == author
    assert written_just_now(properties.created) and written_just_now(properties.modified)
    template_words = (properties.comments, properties.keywords, properties.author)
    assert not any("python-docx" in word for word in template_words)
    assert set(document.styles.element.xpath("./w:docDefaults//w:lang/@w:val")) == {"it-IT"}
    normal = document.styles["Normal"].element.xpath("./w:rPr/w:lang/@w:val")
    assert normal == ["it-IT"]
    kinds = {relationship.reltype for relationship in document.part.package.rels.values()}
    assert RT.EXTENDED_PROPERTIES not in kinds  # no "Microsoft Macintosh Word" app.xml of python-docx's template


def assert_office_xlsx(content: bytes, *, author: str, title_has: str, language: str = "it-IT") -> None:
    properties = load_workbook(io.BytesIO(content)).properties
    assert properties.creator == properties.lastModifiedBy == author
    assert properties.title is not None and title_has in properties.title
    assert properties.language == language
    assert written_just_now(properties.created) and written_just_now(properties.modified)
