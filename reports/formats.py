"""The downloadable formats: which renderer, which content type, which file name."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from reports.render.docx import render_docx
from reports.render.opendata import CsvObjective, render_csv, render_json, stream_csv
from reports.render.opendata_it import render_csv_it, stream_csv_it
from reports.render.pdf import render_pdf
from reports.render.xlsx import render_xlsx
from reports.sections import Relazione

RELAZIONE = "relazione"
OPEN_DATA = "dati-aperti"
_UNSAFE_IN_FILENAME = re.compile(r"[^\w.-]+")


@dataclass(frozen=True)
class Format:
    extension: str
    kind: str  # RELAZIONE (documents) or OPEN_DATA (data)
    content_type: str
    render: Callable[[Relazione], bytes]
    # Documents the Relazione's documents page offers to prepare in the background. Whether a download goes to a
    # worker is decided by its estimate (reports.sizing), for any format that has one.
    background: bool = False
    # The CSV files are written as they are read (reports.opendata), without building the whole Relazione.
    stream: Callable[[Relazione, Iterable[CsvObjective]], Iterator[bytes]] | None = None

    def filename(self, relazione: Relazione) -> str:
        """ "relazione-RP-2021-2021.pdf", "dati-aperti-RP-2021-2021.csv"."""
        code = _UNSAFE_IN_FILENAME.sub("-", relazione.plan_code)
        return f"{self.kind}-{code}-{relazione.year}.{self.extension}"


FORMATS: dict[str, Format] = {
    fmt.extension: fmt
    for fmt in (
        Format("pdf", RELAZIONE, "application/pdf", render_pdf, background=True),
        Format(
            "docx",
            RELAZIONE,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            render_docx,
            background=True,
        ),
        Format(
            "xlsx",
            RELAZIONE,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            render_xlsx,
            background=True,
        ),
        Format("csv", OPEN_DATA, "text/csv; charset=utf-8", render_csv, stream=stream_csv),
        # The CSV for Italian spreadsheets (";", decimal comma, BOM): the name still ends in ".csv", so it opens
        # with a double click, and "it" before it marks the language, as in "relazione.it.html" (the way web
        # servers name the variants of one resource by language). ".csv" stays the machine-oriented file.
        Format("it.csv", OPEN_DATA, "text/csv; charset=utf-8", render_csv_it, stream=stream_csv_it),
        Format("json", OPEN_DATA, "application/json", render_json),
    )
}


def formats_of(kind: str) -> dict[str, Format]:
    return {extension: fmt for extension, fmt in FORMATS.items() if fmt.kind == kind}
