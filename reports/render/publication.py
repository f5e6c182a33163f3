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
    title: str  # "Relazione sulla Performance 2021 – Consorzio …"
    author: str  # the body that publishes it
    subject: str  # "Piano … (RP-2021)"
    prepared_at: dt.datetime  # aware, in the project's time zone

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


def publication_of(relazione: Relazione, *, prepared_at: dt.datetime | None = None) -> Publication:
    """The publication facts of the Relazione, prepared now unless told otherwise."""
    moment = timezone.localtime(prepared_at if prepared_at is not None else timezone.now())
    return Publication(
        title=f"{labels.TITLE} {relazione.year} – {relazione.organization_name}",
        author=relazione.organization_name,
        subject=f"{relazione.plan_title} ({relazione.plan_code})",
        prepared_at=moment.replace(microsecond=0),
    )
