"""Each malformed file is refused with its location and what to do, and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from plans.models import Activity, Objective, Organization, Plan
from tests.plans.test_import_plan import run_import, small_plan, write

pytestmark = pytest.mark.django_db


def refused(path: Path) -> str:
    """Import `path`, expect a refusal, check that nothing was written, return the message."""
    before = [model.objects.count() for model in (Organization, Plan, Objective, Activity)]
    with pytest.raises(CommandError) as refusal:
        call_command("import_plan", str(path))
    assert [model.objects.count() for model in (Organization, Plan, Objective, Activity)] == before
    message = str(refusal.value)
    assert message.startswith("Il file non è stato importato")
    return message


def edited(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    document = small_plan()
    change(document)
    return document


def test_wrong_type_names_line_column_field_and_expectation(tmp_path: Path) -> None:
    document = edited(lambda d: d["plan"].__setitem__("year_start", "duemilaventisei"))
    message = refused(write(tmp_path, document))
    assert "piano.yaml, riga" in message and "(plan.year_start)" in message
    assert "atteso un numero intero, trovato un testo ('duemilaventisei')" in message


def test_unknown_area_says_which_areas_exist(tmp_path: Path) -> None:
    message = refused(write(tmp_path, edited(lambda d: d["objectives"][0]["areas"].append("XYZ"))))
    assert "(objectives[1].areas[3])" in message
    assert "area sconosciuta «XYZ»" in message and "(FIN, SOC)" in message


def test_impossible_date_is_refused_with_the_format_to_use(tmp_path: Path) -> None:
    document = edited(lambda d: d["objectives"][0]["reports"][0].__setitem__("date", "2026-02-30"))
    message = refused(write(tmp_path, document))
    assert "(objectives[1].reports[1].date)" in message
    assert "«2026-02-30» non è una data valida" in message and "AAAA-MM-GG" in message


def test_duplicate_objective_code_points_at_both_rows(tmp_path: Path) -> None:
    def duplicate(document: dict[str, Any]) -> None:
        document["objectives"].append(dict(document["objectives"][0], title="Un altro"))

    message = refused(write(tmp_path, edited(duplicate)))
    assert "(objectives[2].code)" in message
    assert "Il codice obiettivo «OB-1» è ripetuto (già usato all'elemento 1)" in message


def test_missing_xlsx_column_names_sheet_and_header(tmp_path: Path) -> None:
    path = write(tmp_path, small_plan(), ".xlsx")
    book = load_workbook(path)
    book["Attività"].delete_cols(2)  # the "Attività" (description) column
    book.save(path)
    message = refused(path)
    assert "piano.xlsx, foglio «Attività», riga 1: manca la colonna «Attività»" in message


def test_missing_yaml_field_says_which(tmp_path: Path) -> None:
    message = refused(write(tmp_path, edited(lambda d: d["objectives"][0].pop("title"))))
    assert "(objectives[1])" in message and "manca il campo obbligatorio «title»" in message


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".xlsx"])
def test_truncated_file_is_refused(tmp_path: Path, suffix: str) -> None:
    path = write(tmp_path, small_plan(), suffix)
    content = path.read_bytes()
    path.write_bytes(content[: len(content) * 2 // 3])
    message = refused(path)
    assert "troncato" in message


def test_truncated_yaml_reports_the_line(tmp_path: Path) -> None:
    path = tmp_path / "piano.yaml"
    path.write_text(yaml.safe_dump(small_plan(), sort_keys=False) + "objectives:\n  - code: 'OB-2\n", encoding="utf-8")
    assert "piano.yaml, riga" in refused(path)


def test_xlsx_cell_errors_name_sheet_row_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, small_plan(), ".xlsx")
    book = load_workbook(path)
    book["Valori"]["D2"] = "anno?"
    book.save(path)
    message = refused(path)
    assert "foglio «Valori», riga 2, colonna D «Anno»" in message
    assert "atteso un numero intero" in message


def test_xlsx_row_of_an_unknown_objective_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, small_plan(), ".xlsx")
    book = load_workbook(path)
    book["Attività"]["A3"] = "OB-99"
    book.save(path)
    message = refused(path)
    assert "foglio «Attività», riga 3, colonna A «Obiettivo»: obiettivo sconosciuto" in message


def test_unknown_owner_is_refused(tmp_path: Path) -> None:
    document = edited(lambda d: d["objectives"][0]["activities"][0].__setitem__("owner", "nessuno"))
    message = refused(write(tmp_path, document))
    assert "(objectives[1].activities[1].owner)" in message and "utente «nessuno» inesistente" in message


def test_unreadable_amount_is_refused(tmp_path: Path) -> None:
    message = refused(write(tmp_path, edited(lambda d: d["objectives"][0].__setitem__("budget_income", "12,3,4"))))
    assert "(objectives[1].budget_income)" in message and "6.195.143,71" in message


def test_unknown_extension_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "piano.docx"
    path.write_text("x", encoding="utf-8")
    assert "Usa un file .yaml, .yml, .json o .xlsx" in refused(path)


def test_a_refused_update_leaves_the_previous_import_intact(tmp_path: Path) -> None:
    run_import(write(tmp_path, small_plan()))
    broken = small_plan()
    broken["objectives"][0]["title"] = "Titolo nuovo"
    broken["objectives"][0]["activities"][0]["owner"] = "nessuno"
    refused(write(tmp_path, broken))
    assert Objective.objects.get(code="OB-1").title == "Cartella sociale informatizzata"
