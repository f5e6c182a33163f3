"""The Relazione as PDF: an HTML template with print CSS (A4, page numbers, repeated table headers), written as a
tagged PDF (PDF/UA-1) for publication in "Amministrazione trasparente": a structure tree, marked content, the
document's language and title shown by the reader, and a cover and an index that give each chapter's page."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from reports import labels
from reports.render.index import with_index
from reports.render.publication import LANGUAGE, Publication, publication_of
from reports.sections import Relazione

TEMPLATE = "reports/relazione.html"
# WeasyPrint's accessible variant: it tags the content, marks the catalog (/MarkInfo /Marked true), asks the
# reader to show the title instead of the file name (/DisplayDocTitle) and writes the PDF/UA identification
# in the XMP metadata. Its requirement of a /Lang is met by the template's <html lang>.
PDF_VARIANT = "pdf/ua-1"
# For archiving (the evidence pack): PDF/A-3, level A, which is tagged as well (structure tree, Unicode text),
# embeds every font and the sRGB output intent, and says so in its XMP metadata (pdfaid:part 3, conformance A).
PDF_A_VARIANT = "pdf/a-3a"


class OfflineFetcher(URLFetcher):
    """Refuses every URL: the document is self-contained and rendering must never reach the network."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        raise ValueError(f"risorse esterne non ammesse nella relazione: {url}")


def render_html(relazione: Relazione, publication: Publication | None = None) -> str:
    """The document's HTML, with its index filled in from the headings of its chapters."""
    context = {
        "relazione": relazione,
        "labels": labels,
        "publication": publication or publication_of(relazione),
        "language": LANGUAGE,
    }
    return with_index(render_to_string(TEMPLATE, context))


def html_to_pdf(html: str, *, variant: str = PDF_VARIANT) -> bytes:
    """A self-contained HTML page as a tagged PDF; other documents of reports/ can share it."""
    document = HTML(string=html, base_url=None, url_fetcher=OfflineFetcher())
    pdf: bytes = document.write_pdf(pdf_variant=variant)
    return pdf


def render_pdf(relazione: Relazione) -> bytes:
    return html_to_pdf(render_html(relazione))


def render_pdf_a(relazione: Relazione, publication: Publication | None = None) -> bytes:
    """The Relazione for long-term archiving (PDF/A-3a): the evidence pack's copy."""
    return html_to_pdf(render_html(relazione, publication), variant=PDF_A_VARIANT)
