"""What makes a document fit for publication, shared by every renderer: its title, author, language and
the moment it was prepared, as the cover, the PDF's metadata and the DOCX's core properties show them.

The Relazione is an Italian legal document (D.Lgs. 150/2009 art. 10), and what it quotes (objectives, reports,
motivations) was written in Italian whatever the reader's interface language: its language is Italian.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from reports import labels
from reports.sections import Relazione

LANGUAGE = "it"  # BCP 47, as the PDF's /Lang and <html lang> want it
LANGUAGE_WITH_REGION = "it-IT"  # as Word wants it in w:lang

# Where the Relazione and its data are published: the "Performance" section of "Amministrazione trasparente",
# sub-section "Relazione sulla Performance" (D.Lgs. 33/2013 art. 10 c. 8 lett. b; the tree of sections is
# Annex 1 of ANAC's resolution 1310/2016). ANAC prescribes no table layout for these data, as it does for
# other obligations: the open data follow the Relazione's own structure. Names of the law: never translated.
ANAC_SECTION = "Amministrazione trasparente › Performance › Relazione sulla Performance"
ANAC_REFERENCE = "D.Lgs. 33/2013, art. 10, c. 8, lett. b); delibera ANAC n. 1310/2016, Allegato 1"


@dataclass(frozen=True)
class Publication:
    """A published document's facts, whatever the document: the Relazione, and the monitoring report or the action
    sheets when they want the same cover, properties and page setup (reports.render.word, pdf.html_to_pdf)."""

    heading: str  # the cover's title: "Relazione sulla Performance 2021"
    author: str  # the body that publishes it
    plan_title: str
    plan_code: str
    prepared_at: dt.datetime  # aware, in the project's time zone
    section: str = ANAC_SECTION  # where it is published

    @property
    def title(self) -> str:
        """The document's title in its properties: "Relazione sulla Performance 2021 – Consorzio …"."""
        return f"{self.heading} – {self.author}"

    @property
    def subject(self) -> str:
        """ "Piano … (RP-2021)"."""
        return f"{self.plan_title} ({self.plan_code})"

    @property
    def prepared_on(self) -> str:
        """ "06/12/2026", as every date in the documents."""
        return f"{self.prepared_at:%d/%m/%Y}"

    @property
    def prepared_at_w3c(self) -> str:
        """The W3C date-time of HTML's dcterms meta tags, with its UTC offset."""
        return self.prepared_at.isoformat(timespec="seconds")

    @property
    def prepared_at_utc(self) -> dt.datetime:
        return self.prepared_at.astimezone(dt.UTC)


def prepared_now(prepared_at: dt.datetime | None = None) -> dt.datetime:
    """The moment of preparation, to the second, in the project's time zone."""
    return timezone.localtime(prepared_at if prepared_at is not None else timezone.now()).replace(microsecond=0)


def publication_of(relazione: Relazione, *, prepared_at: dt.datetime | None = None) -> Publication:
    """The publication facts of the Relazione, prepared now unless told otherwise."""
    return Publication(
        heading=f"{labels.TITLE} {relazione.year}",
        author=relazione.organization_name,
        plan_title=relazione.plan_title,
        plan_code=relazione.plan_code,
        prepared_at=prepared_now(prepared_at),
    )
