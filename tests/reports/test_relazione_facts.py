"""The Relazione tells the year as it happened: an activity concluded and another postponed through the workflow
appear in the PDF, the DOCX and the open data beside the imported Consuntivo text, with no contradiction.

On the demo plan (seed 002, Relazione 2021), on 4 December 2026: in the area of the "Inclusione" activities whose
imported Consuntivo says "No", a staff member starts and concludes one, and the area head approves; in the Area
Direzione a staff member asks to postpone an activity still under way, which the area head and the director
approve.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zoneinfo
from collections.abc import Iterator

import pytest
import time_machine
from django.contrib.auth.models import User
from docx import Document
from docx.table import Table
from pypdf import PdfReader

from plans.models import Activity, Area, Plan
from reports.relazione import build_relazione
from reports.render.docx import render_docx
from reports.render.opendata import render_json
from reports.render.pdf import render_pdf
from reports.sections import Relazione
from tests.reports.seed002 import squeeze
from workflow.services import approval_approve, item_avvia, item_concludi, item_rinvia

pytestmark = pytest.mark.django_db

ROME = zoneinfo.ZoneInfo("Europe/Rome")
DAY = dt.datetime(2026, 12, 4, 10, 0, tzinfo=ROME)
REASON = "Il fornitore del gestionale ha consegnato in ritardo il modulo delle cartelle"
NEW_END = dt.date(2027, 3, 31)


def _people(area: Area) -> tuple[User, User]:
    staff = area.members.order_by("username").first()
    assert area.head is not None and staff is not None
    return area.head, staff


class Year:
    def __init__(self, plan: Plan) -> None:
        activities = Activity.objects.filter(objective__plan=plan).order_by("pk")
        concluded = activities.filter(actual_raw="No", state="programmato").first()
        assert concluded is not None  # the seed has activities whose Consuntivo says "No"
        self.concluded: Activity = concluded
        self.head, self.staff = _people(self.concluded.objective.areas.get())
        direction = Area.objects.get(organization=plan.organization, code="DIR")
        self.postponed = activities.get(objective__areas=direction, state="avviato")
        self.postponing_head, self.postponing_staff = _people(direction)
        self.director = User.objects.get(username="direttore")


@pytest.fixture
def year(demo_plan: Plan) -> Iterator[Year]:
    facts = Year(demo_plan)
    with time_machine.travel(DAY, tick=False):
        item_avvia(actor=facts.staff, item=facts.concluded)
        concluded = item_concludi(actor=facts.staff, item=facts.concluded, comment="Documento approvato")
        approval_approve(actor=facts.head, request=concluded.request)
        postponed = item_rinvia(
            actor=facts.postponing_staff, item=facts.postponed, reason=REASON, new_planned_end=NEW_END
        )
        approval_approve(actor=facts.postponing_head, request=postponed.request)
        approval_approve(actor=facts.director, request=postponed.request, comment="Nuova scadenza congrua")
        yield facts


@pytest.fixture
def relazione(demo_plan: Plan, year: Year) -> Relazione:
    with time_machine.travel(DAY, tick=False):
        return build_relazione(plan=Plan.objects.get(pk=demo_plan.pk), year=2021)


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def _pdf_text(relazione: Relazione) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(relazione))).pages)


def _docx_text(relazione: Relazione) -> str:
    document = Document(io.BytesIO(render_docx(relazione)))
    parts = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            parts += [cell.text for row in block.rows for cell in row.cells]
        else:
            parts.append(block.text)
    return "\n".join(parts)


def _expected_phrases(year: Year) -> list[str]:
    head, director = _name(year.head), _name(year.director)
    return [
        # the imported Consuntivo, as written, and the workflow's conclusion with its date and decider
        year.concluded.description,
        "Conclusione effettiva: 04/12/2026",
        f"Conclusione chiesto da {_name(year.staff)} il 04/12/2026",
        f"approvato da {head} (responsabile d'area) il 04/12/2026",
        "Il consuntivo importato («No») non dà l'attività per conclusa; "
        "nel flusso di lavoro è stata conclusa il 04/12/2026.",
        # the postponement: reason, new deadline, both deciders
        f"motivo: «{REASON}»",
        "nuova scadenza 31/03/2027",
        f"approvato da {_name(year.postponing_head)} (responsabile d'area) il 04/12/2026",
        f"approvato da {director} (direttore) il 04/12/2026: «Nuova scadenza congrua»",
    ]


@pytest.mark.parametrize("render", [_pdf_text, _docx_text], ids=["pdf", "docx"])
def test_the_documents_carry_the_actual_date_the_postponement_and_the_deciders(
    relazione: Relazione, year: Year, render: object
) -> None:
    text = squeeze(render(relazione))  # type: ignore[operator]
    missing = [phrase for phrase in _expected_phrases(year) if squeeze(phrase) not in text]
    assert missing == []
    # The imported Consuntivo stays beside the facts: the row reads description, Tempi, "No", then the facts.
    row = squeeze(year.concluded.description + year.concluded.planned_raw + "No" + "Stato: concluso")
    assert row in text
    # And the annex of changes lists the postponement under its objective, with its motivation.
    annex = text[text.index(squeeze("Allegato 1 – Variazioni e scostamenti")) :]
    assert squeeze(REASON) in annex and squeeze(year.postponed.description) in annex


def test_the_open_data_says_each_fact_once_and_names_the_disagreement(relazione: Relazione, year: Year) -> None:
    document = json.loads(render_json(relazione))
    activities = {a["description"]: a for o in document["objectives"] for a in o["activities"]}
    concluded = activities[year.concluded.description]
    assert (concluded["actual_as_written"], concluded["state"], concluded["actual_end"]) == (
        "No",
        "concluso",
        "2026-12-04",
    )
    assert "actual" not in concluded  # no second field that could say otherwise
    assert "«No»" in concluded["discrepancy"] and "04/12/2026" in concluded["discrepancy"]
    assert [(e["transition"], e["status"], e["actual_end"]) for e in concluded["events"]] == [
        ("avvia", "approved", None),
        ("concludi", "approved", "2026-12-04"),
    ]
    postponed = activities[year.postponed.description]
    assert (postponed["state"], postponed["planned_end"]) == ("rinviato", "2027-03-31")
    [event] = postponed["events"]
    assert (event["reason"], event["new_planned_end"]) == (REASON, "2027-03-31")
    assert [(d["step"], d["decision"], d["by"]) for d in event["decisions"]] == [
        ("area_head", "approved", _name(year.postponing_head)),
        ("director", "approved", _name(year.director)),
    ]
    # Every activity: a concluded state has its end date, an open one has none, and a disagreement is worded.
    for activity in activities.values():
        assert (activity["state"] == "concluso") == (activity["actual_end"] is not None), activity["description"]


def test_an_imported_consuntivo_that_agrees_with_the_facts_raises_no_disagreement(relazione: Relazione) -> None:
    rows = [a for o in relazione.objectives for a in o.activities]
    agreeing = [a for a in rows if a.actual == "Febbraio 2022" and a.state == "concluso"]
    assert agreeing and all(a.discrepancy == "" for a in agreeing)


def test_the_summary_and_the_annex_count_what_happened(relazione: Relazione, year: Year) -> None:
    assert relazione.summary is not None
    assert relazione.summary.postponements == 1
    changes = [c for area in relazione.annex for o in area.objectives for c in o.changes]
    assert [(c.kind, c.motivation, c.new_planned_end) for c in changes if c.kind == "rinvio"] == [
        ("rinvio", REASON, NEW_END)
    ]
