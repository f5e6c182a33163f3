"""The properties of the spreadsheets Traguardi writes, in an Italian office's defaults: the document's own title,
the body that wrote it, Italian as its language and the moment it was written (openpyxl's defaults say the
creator is "openpyxl" and give no language)."""

from __future__ import annotations

from django.utils import timezone
from openpyxl import Workbook

LANGUAGE = "it-IT"


def describe_workbook(workbook: Workbook, *, title: str, author: str) -> None:
    properties = workbook.properties
    properties.title = title
    properties.creator = author
    properties.lastModifiedBy = author
    properties.language = LANGUAGE
    now = timezone.now().replace(tzinfo=None, microsecond=0)  # openpyxl writes it as UTC ("…Z")
    properties.created = properties.modified = now
