"""`manage.py export_report` writes a valid file in every format, with the values of seed 002."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from plans.models import Plan
from tests.reports.commands import export_report
from tests.reports.conftest import DEMO_PLAN

pytestmark = pytest.mark.django_db


def export(output: Path, fmt: str, **extra: str) -> str:
    return export_report(output, fmt, plan=DEMO_PLAN, year="2021", **extra)


def test_pdf_is_a_readable_pdf_with_the_report(demo_plan: Plan, tmp_path: Path) -> None:
    output = tmp_path / "relazione.pdf"
    message = export(output, "pdf")
    assert str(output) in message
    reader = PdfReader(output)
    assert len(reader.pages) > 10
    assert "Relazione sulla Performance 2021" in reader.pages[0].extract_text()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["relazione.pdf"]  # no temporary file left


def test_docx_is_an_editable_word_document(demo_plan: Plan, tmp_path: Path) -> None:
    export(tmp_path / "relazione.docx", "docx")
    document = Document(str(tmp_path / "relazione.docx"))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    chapters = ["Presentazione", "Sintesi dei risultati", "Contesto e risorse"]
    chapters += ["La performance dell'ente nel suo complesso", "Gli obiettivi"]
    closing = ["Allegato 1 – Variazioni e scostamenti", "Allegato 2 – Gli indicatori"]
    closing += ["Il processo di redazione e la validazione"]
    assert headings[:5] == chapters
    assert headings[5] == "Centro di responsabilità: Area Direzione"
    assert len(headings) == 5 + 6 + 3
    assert headings[-3:] == closing
    activities = next(table for table in document.tables if table.rows[0].cells[0].text == "Attività")
    header = [cell.text for cell in activities.rows[0].cells]
    assert header == ["Attività", "Tempi", "Consuntivo", "Stato e fatti dell'anno"]
    assert activities.rows[0]._tr.xpath("./w:trPr/w:tblHeader")  # repeated on every page


def test_xlsx_has_objectives_activities_and_indicators_sheets(demo_plan: Plan, tmp_path: Path) -> None:
    export(tmp_path / "relazione.xlsx", "xlsx")
    workbook = load_workbook(tmp_path / "relazione.xlsx")
    assert workbook.sheetnames == ["Obiettivi", "Attività", "Indicatori"]
    objectives, activities, indicators = (workbook[name] for name in workbook.sheetnames)
    assert objectives.max_row == 1 + 18
    assert activities.max_row == 1 + 93
    assert indicators.max_row == 1 + 53
    for sheet in (objectives, activities, indicators):
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
    rows = [[cell.value for cell in row] for row in indicators.iter_rows(min_row=2)]
    first = next(row for row in rows if row[0] == "RP21-DIR-1")
    description = "Atti/documenti/elaborazioni prodotti complessivamente per la realizzazione del percorso"
    assert first[2:9] == ["Atti/documenti", description, "n.", "100", "83", 83, "giallo"]
    assert indicators.cell(row=1, column=6).value == "Valore atteso 2021"


def test_csv_has_one_row_per_indicator_with_expected_actual_and_percent(demo_plan: Plan, tmp_path: Path) -> None:
    export(tmp_path / "dati.csv", "csv")
    raw = (tmp_path / "dati.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # plain UTF-8, no BOM
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    assert len(rows) == 53
    first = rows[0]
    assert (first["plan"], first["year"], first["areas"], first["objective_code"]) == (
        "RP-2021",
        "2021",
        "DIR",
        "RP21-DIR-1",
    )
    assert (first["indicator"], first["unit"], first["expected"], first["actual"]) == (
        "Atti/documenti",
        "n.",
        "100",
        "83",
    )
    assert (first["percent"], first["light"]) == ("83.0", "giallo")
    assert first["objective_title"].startswith("Avviare il percorso di revisione")


def test_json_nests_objectives_activities_and_indicators(demo_plan: Plan, tmp_path: Path) -> None:
    export(tmp_path / "dati.json", "json")
    document = json.loads((tmp_path / "dati.json").read_text(encoding="utf-8"))
    assert list(document) == ["organization", "plan", "year", "prepared_on", "publication", "objectives", "scores"]
    # The year's scores (issue 16): RP21-DIR-1's indicators 83 of 100, 1 of 1, 1 of 1 score (83 + 100 + 100) / 3.
    scored = document["scores"]["objectives"][0]
    assert scored["name"].startswith("RP21-DIR-1 – ") and scored["score"] == "94.33"
    section = "Amministrazione trasparente › Performance › Relazione sulla Performance"
    assert document["publication"]["section"] == section
    assert (document["plan"]["code"], document["year"]) == ("RP-2021", 2021)
    assert len(document["objectives"]) == 18
    objective = document["objectives"][0]
    assert (objective["code"], objective["areas"], objective["number"]) == ("RP21-DIR-1", ["DIR"], 1)
    indicator = objective["indicators"][0]
    assert (indicator["name"], indicator["expected"], indicator["actual"]) == ("Atti/documenti", "100", "83")
    assert (indicator["percent"], indicator["light"], indicator["measured_on"]) == (83.0, "giallo", "2021-12-31")
    late = objective["activities"][4]
    assert (late["planned"], late["planned_end"], late["actual_as_written"], late["actual_end"]) == (
        "Dicembre",
        "2021-12-31",
        "Febbraio 2022",
        "2022-02-28",
    )
    # Imported concluded in February 2022, as its Consuntivo says: nothing to report as a disagreement.
    assert (late["state"], late["events"], late["discrepancy"]) == ("concluso", [], None)
    assert objective["reports"][0]["date"] == "2021-12-31"


def test_json_is_the_same_at_every_run(demo_plan: Plan, tmp_path: Path) -> None:
    export(tmp_path / "a.json", "json")
    export(tmp_path / "b.json", "json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_an_existing_file_is_replaced_whole(demo_plan: Plan, tmp_path: Path) -> None:
    output = tmp_path / "dati.csv"
    output.write_text("vecchio contenuto", encoding="utf-8")
    export(output, "csv")
    assert output.read_text(encoding="utf-8").startswith("organization,plan,year")
