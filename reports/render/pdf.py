"""The Relazione as PDF: an HTML template with print CSS (A4, page numbers, repeated table headers)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from reports import labels
from reports.sections import Relazione

TEMPLATE = "reports/relazione.html"


class OfflineFetcher(URLFetcher):
    """Refuses every URL: the document is self-contained and rendering must never reach the network."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        raise ValueError(f"risorse esterne non ammesse nella relazione: {url}")


def render_html(relazione: Relazione) -> str:
    return render_to_string(TEMPLATE, {"relazione": relazione, "labels": labels})


def render_pdf(relazione: Relazione) -> bytes:
    html = HTML(string=render_html(relazione), base_url=None, url_fetcher=OfflineFetcher())
    pdf: bytes = html.write_pdf()
    return pdf
