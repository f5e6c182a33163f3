"""The workbook as offices fill it (issue 19): sheets found whatever their case, accents and spacing, no sheet left
unread in silence, Excel's own dates and percentages read for what they show, numbers with all their decimals, and
the Italian words of the coded columns. Each case imported with exit code 0 and data lost or misread before."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from plans.importing.template import template_workbook
from plans.importing.workbook import cell_value
from plans.importing.workbook_layout import Column
from plans.models import Activity, Indicator, Measurement, Objective
from tests.plans.test_import_errors import refused
from tests.plans.test_import_plan import run_import, small_plan, write

pytestmark = pytest.mark.django_db


def workbook(tmp_path: Path) -> Path:
    return write(tmp_path, small_plan(), ".xlsx")


def with_indicator_cell(tmp_path: Path, header: str, value: str | float) -> tuple[Path, str]:
    """The small plan's workbook with `value` in its first indicator's column `header`; the file and the column."""
    path = workbook(tmp_path)
    book = load_workbook(path)
    sheet = book["Indicatori"]
    column = next(cell.column_letter for cell in sheet[1] if cell.value == header)
    sheet[f"{column}2"] = value
    book.save(path)
    return path, column


def imported(path: Path) -> Objective:
    run_import(path, "--reference-date", "2026-05-15")
    return Objective.objects.get(plan__code="PEG-2026", code="OB-1")


def test_sheets_are_found_whatever_their_case_accents_and_spacing(tmp_path: Path) -> None:
    path = workbook(tmp_path)
    book = load_workbook(path)
    book["Attività"].title = "Attivita"
    # Excel's (and openpyxl's) sheet names are unique whatever their case: renamed through another name.
    book["Indicatori"].title = "provvisorio"
    book["provvisorio"].title = "indicatori"
    book["Valori"].title = "provvisorio"
    book["provvisorio"].title = " VALORI "
    book.save(path)
    objective = imported(path)
    assert [activity.description for activity in objective.activities.order_by("position")] == [
        "Analisi",
        "Formazione",
    ]
    indicator = objective.indicators.get()
    assert (indicator.name, indicator.targets.get().raw) == ("Cartelle aggiornate", "75%")
    assert objective.planned_end == dt.date(2026, 9, 30)  # from the activities, which were read


def test_an_unknown_sheet_is_named_with_the_expected_ones_and_nothing_is_written(tmp_path: Path) -> None:
    path = workbook(tmp_path)
    book = load_workbook(path)
    book["Attività"].title = "Attivita 2026"
    book.save(path)
    message = refused(path)
    assert "piano.xlsx, foglio «Attivita 2026»: foglio sconosciuto «Attivita 2026»" in message
    assert "I fogli del modello sono: «Ente», «Piano», «Aree», «Obiettivi», «Attività»" in message
    # The sheet it stood for is missing, and says so: never read as "no activities".
    assert "manca il foglio «Attività»" in message


def test_a_missing_sheet_is_never_read_as_no_rows(tmp_path: Path) -> None:
    path = workbook(tmp_path)
    book = load_workbook(path)
    del book["Relazioni"]
    book.save(path)
    assert "piano.xlsx: manca il foglio «Relazioni»" in refused(path)


def test_a_sheet_named_twice_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path)
    book = load_workbook(path)
    book.create_sheet("Attivita")
    book.save(path)
    message = refused(path)
    assert "foglio «Attivita»: il foglio «Attività» compare due volte (anche come «Attività»)" in message


def test_excel_dates_in_the_times_are_the_day_or_the_month_they_show(tmp_path: Path) -> None:
    path = workbook(tmp_path)
    book = load_workbook(path)
    sheet = book["Attività"]
    sheet["C2"] = dt.datetime(2026, 3, 31)
    sheet["C2"].number_format = "dd/mm/yyyy"
    sheet["C3"] = dt.datetime(2026, 9, 1)
    sheet["C3"].number_format = "mmm-yy"  # "marzo 2026" typed in a cell: Excel keeps the 1st and shows the month
    sheet["D2"] = dt.datetime(2026, 4, 10)
    sheet["D2"].number_format = 'd" "mmmm yyyy'
    book.save(path)
    analysis, training = imported(path).activities.order_by("position")
    assert (analysis.planned_raw, analysis.planned_end) == ("31/03/2026", dt.date(2026, 3, 31))
    assert (analysis.actual_raw, analysis.actual_end) == ("10/04/2026", dt.date(2026, 4, 10))
    assert (training.planned_raw, training.planned_start, training.planned_end) == (
        "Settembre 2026",
        dt.date(2026, 9, 1),
        dt.date(2026, 9, 30),
    )


def test_a_percentage_cell_is_that_percentage_and_numbers_keep_every_decimal(tmp_path: Path) -> None:
    path = workbook(tmp_path)
    book = load_workbook(path)
    values = book["Valori"]
    target_row, measured_row = 2, 3
    assert values[f"C{target_row}"].value == "atteso" and values[f"C{measured_row}"].value == "consuntivo"
    values[f"E{target_row}"] = 0.75
    values[f"E{target_row}"].number_format = "0%"
    values[f"E{measured_row}"] = 40.125
    values[f"E{measured_row}"].number_format = "General"
    book.save(path)
    indicator = imported(path).indicators.get()
    target = indicator.targets.get()
    assert (target.raw, target.kind, target.value) == ("75%", "percent", Decimal(75))
    measured = Measurement.objects.get(indicator=indicator)
    assert (measured.raw, measured.value) == ("40,125", Decimal("40.125"))


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("crescente", "increase"),
        (" Decrescente ", "decrease"),
        ("più è basso, meglio è", "decrease"),
        ("Valore obiettivo", "target"),
        ("increase", "increase"),  # the plan format's code, as the workbooks written before
    ],
)
def test_the_direction_takes_the_italian_words(tmp_path: Path, written: str, code: str) -> None:
    path, _column = with_indicator_cell(tmp_path, "Verso", written)
    assert imported(path).indicators.get().direction == code


def test_an_unknown_word_in_a_coded_column_names_the_cell_and_the_words_to_use(tmp_path: Path) -> None:
    path, column = with_indicator_cell(tmp_path, "Verso", "in su")
    message = refused(path)
    assert f"foglio «Indicatori», riga 2, colonna {column} «Verso»: valore «in su» non ammesso" in message
    assert "Usa uno tra: crescente, decrescente, valore obiettivo." in message


def test_the_template_writes_the_italian_words_and_reads_them_back(tmp_path: Path) -> None:
    path = tmp_path / "modello.xlsx"
    path.write_bytes(template_workbook())
    book = load_workbook(path)
    assert book["Piano"]["B2"].value == "PEG"
    assert "crescente" in [cell.value for cell in book["Indicatori"][2]]
    run_import(path, "--reference-date", "2026-05-15")
    assert set(Indicator.objects.values_list("direction", flat=True)) == {"increase", "decrease"}
    assert Activity.objects.count() == 2


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (
            "0,1234567890123456",  # as text: Excel's own numbers hold 15 digits, all kept
            "0,1234567890123456 ha più di 15 decimali: se ne conservano solo 15. "
            "Scrivi il numero con al più 15 decimali, ad esempio 0,123456789012346.",
        ),
        (250000, "il peso 250000 è troppo grande"),
    ],
)
def test_a_weight_the_plan_cannot_hold_is_refused_rather_than_stored_as_another_number(
    tmp_path: Path, written: float | str, message: str
) -> None:
    path, column = with_indicator_cell(tmp_path, "Peso", written)
    refusal = refused(path)
    assert (
        f"foglio «Indicatori», riga 2, colonna {column} «Peso» (objectives[1].indicators[1].weight): {message}"
        in refusal
    )


def test_a_weight_with_two_decimals_is_kept(tmp_path: Path) -> None:
    path, _column = with_indicator_cell(tmp_path, "Peso", 2.25)
    assert imported(path).indicators.get().weight == Decimal("2.25")


RAW = Column("Dato", "value", "raw")


@pytest.mark.parametrize(
    ("value", "number_format", "read"),
    [
        (dt.datetime(2026, 3, 31), "dd/mm/yyyy", "31/03/2026"),
        (dt.datetime(2026, 3, 31), "General", "31/03/2026"),
        (dt.datetime(2026, 3, 1), "mmmm yyyy", "Marzo 2026"),
        (dt.datetime(2026, 3, 1), "[$-410]mmm-yy;@", "Marzo 2026"),
        (dt.datetime(2026, 3, 31, 10, 30), "hh:mm", "31/03/2026"),  # minutes, not a month
        (dt.datetime(2026, 3, 31, 10, 30), "dd/mm/yyyy hh:mm", "31/03/2026"),
        (dt.datetime(2026, 1, 1), "yyyy", "2026"),
        (0.75, "0%", "75%"),
        (0.755, "0.0%", "75,5%"),
        (75, '0"%"', "75%"),  # a literal sign: the number as shown
        (75, "0\\%", "75%"),
        (0.30000000000000004, "General", "0,3"),  # a formula's binary noise: the 0,3 Excel shows
        (2.2523, "General", "2,2523"),
        (-0.5, "General", "-0,5"),
        (1600, "#,##0", "1600"),
        (12.0, "General", "12"),
        (True, "General", "sì"),
        (False, "General", "no"),
        ("=>4", "@", "=>4"),
    ],
)
def test_a_cell_in_a_column_of_values_reads_as_it_shows(value: object, number_format: str, read: str) -> None:
    assert cell_value(value, RAW, number_format) == read


# Merged and empty cells, named as such: one problem for each merged range, and no rows failing after it.


def _merged_workbook(tmp_path: Path, *merges: tuple[str, str]) -> Path:
    path = workbook(tmp_path)
    book = load_workbook(path)
    for sheet, cells in merges:
        book[sheet].merge_cells(cells)
    book.save(path)
    return path


def test_merged_key_cells_are_named_with_their_range_and_nothing_follows_from_them(tmp_path: Path) -> None:
    # The office merged the objective of its two activities, and the objective and indicator of the two values.
    path = _merged_workbook(tmp_path, ("Attività", "A2:A3"), ("Valori", "A2:A3"), ("Valori", "B2:B3"))
    message = refused(path)
    assert (
        "foglio «Attività», riga 3, colonna A «Obiettivo»: celle unite A2:A3: il valore è scritto solo nella prima, A2"
        in message
    )
    assert "foglio «Valori», riga 3, colonna A «Obiettivo»: celle unite A2:A3" in message
    assert "foglio «Valori», riga 3, colonna B «Indicatore N.»: celle unite B2:B3" in message
    assert "Dividi le celle unite" in message
    assert "sconosciuto" not in message  # the merged value stands in for the rows after: no follow-on error
    assert message.startswith("Il file non è stato importato: 3 problema/i")


def test_a_merge_across_columns_lends_its_value_to_no_other_column(tmp_path: Path) -> None:
    path = _merged_workbook(tmp_path, ("Attività", "B2:C2"))  # the activity's text over its «Tempi»
    message = refused(path)
    assert "foglio «Attività», riga 2, colonna C «Tempi»: celle unite B2:C2" in message
    assert message.startswith("Il file non è stato importato: 1 problema/i")


def test_an_empty_key_cell_is_named_as_empty(tmp_path: Path) -> None:
    path = workbook(tmp_path)
    book = load_workbook(path)
    book["Attività"]["A3"] = None
    book["Valori"]["B3"] = None
    book.save(path)
    message = refused(path)
    assert "foglio «Attività», riga 3: la cella «Obiettivo» è vuota" in message
    assert "foglio «Valori», riga 3: la cella «Indicatore N.» è vuota" in message
    assert "sconosciuto" not in message


def test_merges_are_found_across_the_chunks_of_a_long_sheet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from plans.importing import merged

    monkeypatch.setattr(merged, "_CHUNK", 37)  # every element crosses a chunk's end somewhere
    path = workbook(tmp_path)
    book = load_workbook(path)
    wanted = [f"D{row}:E{row}" for row in range(2, 60)]
    for cells in wanted:
        book["Attività"].merge_cells(cells)
    book.save(path)
    found = merged.merged_ranges(path)
    assert sorted(merge.ref for merge in found["Attività"]) == sorted(wanted)
    assert set(found) == {"Attività"}
