"""Import from Word: the Relazione that Traguardi exports as DOCX imports back to the same plan, value for value
(seed 002's Relazione, and the plan built from seed 001); a body's own document, laid out as tables, is read with
every cell it could not place listed with its place, and `--strict` refuses it then, writing nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from docx.oxml import OxmlElement

from plans.importing import PlanImportError, import_plan_file
from plans.importing.word import Identity
from plans.models import Organization, Plan
from reports.relazione import build_relazione
from reports.render.docx import render_docx

pytestmark = pytest.mark.django_db
DEMO = Path(__file__).resolve().parents[2] / "plans" / "demo"
REFERENCE = dt.date(2026, 5, 15)


def _facts(plan: Plan, year: int) -> list[dict[str, Any]]:
    """What a Relazione of `year` says of the plan: each objective's text, activities and indicators, the values
    of the year as written."""
    facts = []
    for objective in plan.objectives.order_by("code"):
        facts.append(
            {
                "code": objective.code,
                "number": objective.number,
                "programme": objective.programme,
                "title": objective.title,
                "reports": list(objective.reports.order_by("date").values_list("date", "text")),
                "areas": sorted(objective.areas.values_list("name", flat=True)),
                "fields": [
                    getattr(objective, name)
                    for name in (
                        "strategic_area",
                        "services",
                        "operational_objective",
                        "end_users",
                        "peg_project",
                        "networks",
                        "description",
                    )
                ],
                "activities": list(
                    objective.activities.order_by("position").values_list("description", "planned_raw", "actual_raw")
                ),
                "indicators": [
                    (
                        indicator.name,
                        indicator.description,
                        indicator.unit,
                        list(indicator.targets.filter(year=year).values_list("raw", flat=True)),
                        list(indicator.measurements.filter(year=year).values_list("raw", flat=True)),
                    )
                    for indicator in objective.indicators.order_by("position")
                ],
            }
        )
    return facts


def _export(plan: Plan, year: int, folder: Path) -> Path:
    path = folder / f"relazione-{plan.code}.docx"
    path.write_bytes(render_docx(build_relazione(plan=plan, year=year)))
    return path


@pytest.mark.parametrize(("source", "year"), [("relazione-2021.yaml", 2021), ("peg-2019.yaml", 2019)])
def test_the_relazione_exported_as_docx_imports_back_to_the_same_plan(tmp_path: Path, source: str, year: int) -> None:
    original = import_plan_file(DEMO / source, reference_date=REFERENCE).plan
    document = _export(original, year, tmp_path)
    Organization.objects.create(slug="ritorno", name="Ente di ritorno")

    result = import_plan_file(document, organization_slug="ritorno", reference_date=REFERENCE)

    back = result.plan
    assert (back.organization.slug, back.code, back.title) == ("ritorno", original.code, original.title)
    assert _facts(back, year) == _facts(original, year)
    assert back.objectives.count() == original.objectives.count() > 0
    assert [item for item in result.unplaced if item.inside] == []
    assert result.draft is not None and len(result.draft) == original.objectives.count()


def own_word_document(folder: Path, *, activity_time: str = "Marzo") -> Path:
    """A Comune's PEG as its office writes it in Word: headers in capitals and without accents, header fields in
    pairs on a row, a column the reader does not know, a year row under the indicators' header, a merged cell, a
    stray line and a stray table inside the sheet."""
    word = Document()
    word.add_heading("PEG 2026 – Comune di Borgo", level=0)
    word.add_heading("Centro di responsabilità: Area Servizi Sociali", level=1)
    word.add_heading("Obiettivo 1", level=2)
    word.add_paragraph("Ridurre i tempi di presa in carico")
    header = word.add_table(rows=2, cols=4)
    for cell, text in zip(
        header.rows[0].cells, ["AREA STRATEGICA", "La persona al centro", "Codice", "PEG26-SS-1"], strict=True
    ):
        cell.text = text
    for cell, text in zip(header.rows[1].cells, ["Utenti finali", "Famiglie", "Assessore", "Rossi"], strict=True):
        cell.text = text
    word.add_paragraph("Nota a margine scritta dall'ufficio")
    word.add_heading("Fasi", level=3)
    activities = word.add_table(rows=3, cols=4)
    for row, texts in zip(
        activities.rows,
        [
            ["ATTIVITA'", "TEMPI", "Consuntivo", "Note"],
            ["Mappatura dei casi", activity_time, "", "vedi delibera"],
            ["", "", "", ""],
        ],
        strict=True,
    ):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    merged = activities.rows[2].cells[0].merge(activities.rows[2].cells[1])
    merged.text = "Avvio dello sportello"
    indicators = word.add_table(rows=3, cols=4)
    for row, texts in zip(
        indicators.rows,
        [
            ["Descrizione", "Unità di misura", "Valore atteso", "Valore consuntivo"],
            ["", "", "2026", "2026"],
            ["Giorni medi di attesa", "giorni", "<= 30", "35"],
        ],
        strict=True,
    ):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    stray = word.add_table(rows=1, cols=2)
    stray.rows[0].cells[0].text = "Firma"
    stray.rows[0].cells[1].text = "Il dirigente"
    path = folder / "peg-borgo.docx"
    word.save(str(path))
    return path


def test_a_bodys_own_word_document_is_read_and_every_cell_it_cannot_place_is_listed_with_its_place(
    tmp_path: Path,
) -> None:
    Organization.objects.create(slug="borgo", name="Comune di Borgo")
    path = own_word_document(tmp_path)

    result = import_plan_file(
        path, organization_slug="borgo", reference_date=REFERENCE, identity=Identity(code="PEG-2026", year=2026)
    )

    plan = result.plan
    assert (plan.code, plan.title, plan.year_start, plan.year_end) == (
        "PEG-2026",
        "PEG 2026 – Comune di Borgo",
        2026,
        2026,
    )
    objective = plan.objectives.get()
    assert (objective.code, objective.number, objective.title) == (
        "PEG26-SS-1",
        1,
        "Ridurre i tempi di presa in carico",
    )
    assert (objective.strategic_area, objective.end_users) == ("La persona al centro", "Famiglie")
    assert list(objective.areas.values_list("name", flat=True)) == ["Area Servizi Sociali"]
    assert list(objective.activities.order_by("position").values_list("description", "planned_raw")) == [
        ("Mappatura dei casi", "Marzo"),
        ("Avvio dello sportello", ""),
    ]
    indicator = objective.indicators.get()
    assert (indicator.name, indicator.unit) == ("Giorni medi di attesa", "giorni")
    assert list(indicator.targets.values_list("year", "raw")) == [(2026, "<= 30")]
    assert list(indicator.measurements.values_list("year", "raw")) == [(2026, "35")]
    listed = {(item.where, item.text) for item in result.unplaced if item.inside}
    assert listed == {
        ("peg-borgo.docx, tabella 1, riga 2, colonna 3", "Assessore: Rossi"),
        ("peg-borgo.docx, paragrafo 5 («Nota a margine scritta dall'ufficio»)", "Nota a margine scritta dall'ufficio"),
        ("peg-borgo.docx, tabella 2, riga 2, colonna 4", "vedi delibera"),
        ("peg-borgo.docx, tabella 4, riga 1, colonna 1", "Firma"),
        ("peg-borgo.docx, tabella 4, riga 1, colonna 2", "Il dirigente"),
    }
    summary = result.summary()
    assert "celle e tabelle non collocate: 5, di cui 5 nelle schede degli obiettivi" in summary
    assert "peg-borgo.docx, tabella 2, riga 2, colonna 4: «vedi delibera», colonna «Note» non prevista" in summary


def test_strict_refuses_a_document_with_unplaced_cells_and_writes_nothing(tmp_path: Path) -> None:
    Organization.objects.create(slug="borgo", name="Comune di Borgo")
    path = own_word_document(tmp_path, activity_time="quando possibile")

    with pytest.raises(PlanImportError) as refusal:
        import_plan_file(path, organization_slug="borgo", strict=True, identity=Identity(code="PEG-2026", year=2026))

    problems = [str(problem) for problem in refusal.value.problems]
    assert any(
        p.startswith("peg-borgo.docx, tabella 2, riga 2, colonna 4: «vedi delibera» non collocato") for p in problems
    )
    assert any(
        p.startswith(
            "peg-borgo.docx, tabella 2, riga 2, colonna 2: tempi dell'attività, testo non interpretato "
            "«quando possibile»"
        )
        for p in problems
    )
    assert not Plan.objects.filter(code="PEG-2026").exists()


def test_the_command_lists_the_unplaced_cells_and_its_strict_mode_exits_non_zero(tmp_path: Path, capsys: Any) -> None:
    Organization.objects.create(slug="borgo", name="Comune di Borgo")
    path = own_word_document(tmp_path)
    options = {"organization": "borgo", "plan_code": "PEG-2026", "year": 2026}

    call_command("import_plan", str(path), dry_run=True, **options)

    out = capsys.readouterr().out
    assert "(prova: nulla è stato scritto)" in out
    assert "- peg-borgo.docx, tabella 4, riga 1, colonna 1: «Firma», tabella non riconosciuta" in out
    with pytest.raises(CommandError, match="5 problema/i, nulla è stato scritto"):
        call_command("import_plan", str(path), strict=True, **options)
    assert not Plan.objects.filter(code="PEG-2026").exists()


@pytest.mark.parametrize(
    ("options", "where", "fix"),
    [
        ({"plan_code": "PEG-2026"}, "--organization", "--organization SLUG"),
        ({"organization": "borgo"}, "peg-borgo.docx", "--plan-code CODICE"),
    ],
)
def test_what_a_bodys_document_does_not_say_is_asked_for(
    tmp_path: Path, options: dict[str, str], where: str, fix: str
) -> None:
    Organization.objects.create(slug="borgo", name="Comune di Borgo")
    path = own_word_document(tmp_path)

    with pytest.raises(CommandError) as refusal:
        call_command("import_plan", str(path), **options)

    assert f"- {where}: " in str(refusal.value) and fix in str(refusal.value)
    assert not Plan.objects.exists()


def test_a_file_that_is_not_a_word_document_is_refused_with_its_name(tmp_path: Path) -> None:
    Organization.objects.create(slug="borgo", name="Comune di Borgo")
    path = tmp_path / "piano.docx"
    path.write_bytes(b"questo non e' un documento")

    with pytest.raises(PlanImportError) as refusal:
        import_plan_file(path, organization_slug="borgo", identity=Identity(code="P", year=2026))

    assert str(refusal.value.problems[0]) == (
        "piano.docx: il file non è un documento Word (.docx) leggibile. Salvalo di nuovo come .docx."
    )


def _table(word: Any, rows: list[list[str]]) -> Any:
    table = word.add_table(rows=len(rows), cols=len(rows[0]))
    for row, texts in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    return table


def _sheet(word: Any, area: str, heading: str, code: str, activity: str) -> None:
    word.add_heading(f"Centro di responsabilità: {area}", level=1)
    word.add_heading(heading, level=2)
    word.add_paragraph("Titolo dell'obiettivo")
    _table(word, [["Codice", code]])
    _table(word, [["Attività", "Tempi"], [activity, "Giugno"]])


def test_one_sheet_under_two_areas_is_one_objective_of_both_and_two_sheets_with_one_code_are_refused(
    tmp_path: Path,
) -> None:
    Organization.objects.create(slug="borgo", name="Comune di Borgo")
    shared = Document()
    _sheet(shared, "Area Sociale", "Obiettivo 1", "OB-1", "Mappatura")
    _sheet(shared, "AREA SOCIALE", "Obiettivo 1", "OB-1", "Mappatura")  # the same area, written otherwise
    _sheet(shared, "Area Tecnica", "Obiettivo 1", "OB-1", "Mappatura")
    shared.save(str(tmp_path / "condiviso.docx"))
    identity = Identity("P-2026", "Piano 2026", 2026)

    plan = import_plan_file(tmp_path / "condiviso.docx", organization_slug="borgo", identity=identity).plan

    objective = plan.objectives.get()
    assert sorted(objective.areas.values_list("name", flat=True)) == ["Area Sociale", "Area Tecnica"]
    assert objective.activities.count() == 1

    clash = Document()
    _sheet(clash, "Area Sociale", "Obiettivo 1", "OB-1", "Mappatura")
    _sheet(clash, "Area Tecnica", "Obiettivo 1", "OB-1", "Sportello")  # restarted numbering, no own code
    clash.save(str(tmp_path / "doppio.docx"))
    with pytest.raises(PlanImportError) as refusal:
        import_plan_file(
            tmp_path / "doppio.docx", organization_slug="borgo", identity=Identity("P-2027", "Piano 2027", 2027)
        )
    assert str(refusal.value.problems[0]) == (
        "doppio.docx, paragrafo 5 («Obiettivo 1»): due obiettivi diversi con lo stesso codice «OB-1» (l'altro: "
        "doppio.docx, paragrafo 2 («Obiettivo 1»)). Aggiungi a ogni scheda una riga «Codice» con il codice "
        "dell'obiettivo, diverso per ognuno."
    )
    assert not Plan.objects.filter(code="P-2027").exists()


def test_cells_are_read_by_their_grid_column_whatever_the_merges(tmp_path: Path) -> None:
    """A header over two columns, a time merged down over two activities, a year row under the values' headers, a
    table inside a content control: each value where the reader sees it."""
    Organization.objects.create(slug="borgo", name="Comune di Borgo")
    word = Document()
    word.add_heading("Centro di responsabilità: Area Sociale", level=1)
    word.add_heading("Obiettivo n. 4 – Sportello unico", level=2)
    activities = _table(
        word, [["Attività", "", "Tempi", "Note"], ["Apertura", "", "Marzo", ""], ["Formazione", "", "", ""]]
    )
    activities.rows[0].cells[0].merge(activities.rows[0].cells[1])
    activities.rows[0].cells[0].paragraphs[0].text = "Attività"
    time_down = activities.rows[1].cells[2].merge(activities.rows[2].cells[2])
    time_down.paragraphs[0].text = "Marzo"
    indicators = _table(
        word,
        [
            ["Indicatore", "Valore atteso", "Valore consuntivo"],
            ["", "2027", "2026"],
            ["Pratiche evase", "100", "80"],
        ],
    )
    body = word.element.body
    control = OxmlElement("w:sdt")
    content = OxmlElement("w:sdtContent")
    control.append(content)
    indicators._tbl.addprevious(control)
    content.append(indicators._tbl)
    assert control.getparent() is body
    word.save(str(tmp_path / "griglia.docx"))

    result = import_plan_file(
        tmp_path / "griglia.docx", organization_slug="borgo", identity=Identity("P-2026", "Piano 2026", 2026)
    )

    objective = result.plan.objectives.get()
    assert (objective.code, objective.number, objective.title) == ("4", None, "Sportello unico")
    assert list(objective.activities.order_by("position").values_list("description", "planned_raw")) == [
        ("Apertura", "Marzo"),
        ("Formazione", "Marzo"),
    ]
    indicator = objective.indicators.get()
    assert list(indicator.targets.values_list("year", "raw")) == [(2027, "100")]
    assert list(indicator.measurements.values_list("year", "raw")) == [(2026, "80")]
    assert (result.plan.year_start, result.plan.year_end) == (2026, 2027)


@pytest.mark.parametrize(
    ("build", "problem"),
    [
        (lambda word: None, "nessuna scheda di obiettivo trovata"),
        (lambda word: word.add_paragraph("Obiettivo di sintesi del servizio"), "nessuna scheda di obiettivo trovata"),
    ],
)
def test_a_document_without_objective_sheets_is_refused(tmp_path: Path, build: Any, problem: str) -> None:
    Organization.objects.create(slug="borgo", name="Comune di Borgo")
    word = Document()
    build(word)
    word.save(str(tmp_path / "vuoto.docx"))

    with pytest.raises(PlanImportError) as refusal:
        import_plan_file(tmp_path / "vuoto.docx", organization_slug="borgo", identity=Identity("P", "Piano", 2026))

    assert refusal.value.problems[0].what == problem


def test_a_table_inside_a_cell_and_a_repeated_field_are_listed(tmp_path: Path) -> None:
    Organization.objects.create(slug="borgo", name="Comune di Borgo")
    word = Document()
    word.add_heading("Centro di responsabilità: Area Sociale", level=1)
    word.add_heading("Obiettivo 1 Titolo", level=2)
    header = _table(word, [["Area strategica", "Welfare"], ["Area strategica", "Casa"]])
    header.rows[1].cells[1].add_table(rows=1, cols=1).rows[0].cells[0].text = "dentro"
    word.save(str(tmp_path / "annidata.docx"))

    result = import_plan_file(
        tmp_path / "annidata.docx", organization_slug="borgo", identity=Identity("P-2026", "Piano 2026", 2026)
    )

    assert result.plan.objectives.get().strategic_area == "Welfare"
    assert [(item.where, item.why) for item in result.unplaced] == [
        (
            "annidata.docx, tabella 1, riga 2, colonna 2",
            "la cella contiene 1 tabella/e: non lette, solo il testo della cella",
        ),
        (
            "annidata.docx, tabella 1, riga 2, colonna 2",
            "campo «Area strategica» già indicato in annidata.docx, tabella 1, riga 1, colonna 2: vale quel valore, "
            "questo è non importato",
        ),
    ]


def test_a_heading_that_opens_no_sheet_keeps_what_follows_from_the_objective_above(tmp_path: Path) -> None:
    Organization.objects.create(slug="borgo", name="Comune di Borgo")
    word = Document()
    _sheet(word, "Area Sociale", "Obiettivo 1", "OB-1", "Mappatura")
    word.add_heading("Obiettivo strategico B – Casa", level=2)  # no number: not a sheet the reader knows
    _table(word, [["Attività", "Tempi"], ["Bando alloggi", "Luglio"]])
    word.save(str(tmp_path / "titoli.docx"))

    result = import_plan_file(
        tmp_path / "titoli.docx", organization_slug="borgo", identity=Identity("P-2026", "Piano 2026", 2026)
    )

    assert list(result.plan.objectives.get().activities.values_list("description", flat=True)) == ["Mappatura"]
    assert [(item.where, item.inside) for item in result.unplaced] == [
        ("titoli.docx, paragrafo 4 («Obiettivo strategico B – Casa»)", True),
        ("titoli.docx, tabella 3", True),
    ]
    assert result.unplaced[1].why == "dopo un titolo non riconosciuto: non importata"
