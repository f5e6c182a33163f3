"""The formats of a Piano di Zona's document (its action sheets): which renderer, which content type, which file
name; the documents (PDF, DOCX) at the Relazione's download URLs, the data (CSV, JSON) at the open data's."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from reports.action_sheets import ActionSheetsDocument
from reports.formats import OPEN_DATA, RELAZIONE
from reports.render import action_sheets as render

_UNSAFE_IN_FILENAME = re.compile(r"[^\w.-]+")


@dataclass(frozen=True)
class SheetsFormat:
    extension: str
    content_type: str
    render: Callable[[ActionSheetsDocument], bytes]
    prefix: str  # of the file name

    def filename(self, document: ActionSheetsDocument) -> str:
        """ "schede-PSZ-2011-2013.pdf", "dati-aperti-schede-PSZ-2011-2013.csv"."""
        code = _UNSAFE_IN_FILENAME.sub("-", document.plan_code)
        return f"{self.prefix}-{code}-{document.year_start}-{document.year_end}.{self.extension}"


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORMATS: dict[str, dict[str, SheetsFormat]] = {
    RELAZIONE: {
        "pdf": SheetsFormat("pdf", "application/pdf", render.render_pdf, "schede"),
        "docx": SheetsFormat("docx", DOCX, render.render_docx, "schede"),
    },
    OPEN_DATA: {
        "csv": SheetsFormat("csv", "text/csv; charset=utf-8", render.render_csv, "dati-aperti-schede"),
        "json": SheetsFormat("json", "application/json", render.render_json, "dati-aperti-schede"),
    },
}


EVERY_FORMAT = FORMATS[RELAZIONE] | FORMATS[OPEN_DATA]
