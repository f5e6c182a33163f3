"""The properties of the spreadsheets Traguardi writes, in an Italian office's defaults: the document's own title,
the body that wrote it, Italian as its language and the moment it was written (openpyxl's defaults say the
creator is "openpyxl" and give no language)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import get_language, to_locale
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

LANGUAGE = "it-IT"


def active_language() -> str:
    """The language of the request (or of the mail being written), as a document property wants it: it-IT, en."""
    code = get_language() or "it"
    return LANGUAGE if code == "it" else to_locale(code).replace("_", "-")


def describe_workbook(workbook: Workbook, *, title: str, author: str, language: str = LANGUAGE) -> None:
    """Characters XML cannot hold (a control character in a body's imported name) are left out: openpyxl refuses
    to save them."""
    title, author = ILLEGAL_CHARACTERS_RE.sub("", title), ILLEGAL_CHARACTERS_RE.sub("", author)
    properties = workbook.properties
    properties.title = title
    properties.creator = author
    properties.lastModifiedBy = author
    properties.language = language
    now = timezone.now().replace(tzinfo=None, microsecond=0)  # openpyxl writes it as UTC ("…Z")
    properties.created = properties.modified = now
