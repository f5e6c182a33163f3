"""An indicator's baseline and weight ("peso") in the three import formats: kept as written and parsed, used by
the scores, and a bad value refused with where it is and how to fix it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from evaluation.scores import plan_scores
from plans.importing.template import EXAMPLE
from plans.importing.workbook import write_workbook
from plans.models import Indicator, IndicatorBaseline, Plan
from tests.plans.helpers import database_snapshot
from tests.plans.test_import_errors import refused
from tests.plans.test_import_plan import run_import, small_plan, write

pytestmark = pytest.mark.django_db

FORMATS = [".yaml", ".json", ".xlsx"]


def with_baselines() -> dict[str, Any]:
    """The small plan with a weighted indicator whose target is relative to its baseline, and one whose baseline
    the parser cannot read."""
    document = small_plan()
    indicators = document["objectives"][0]["indicators"]
    indicators[0] |= {"weight": "2", "baseline": {"value": "60%", "year": 2025, "source": "Monitoraggio 2025"}}
    indicators.append(
        {
            "name": "Giorni medi di presa in carico",
            "direction": "decrease",
            "weight": "1,5",
            "baseline": {"value": "30", "year": 2025},
            "targets": [{"year": 2026, "value": "Riduzione del 10% rispetto al 2025"}],
            "measurements": [{"year": 2026, "date": "2026-06-30", "value": "26"}],
        }
    )
    indicators.append(
        {
            "name": "Pratiche evase",
            "baseline": {"value": "da rilevare"},
            "targets": [{"year": 2026, "value": "+20% sulla baseline"}],
            "measurements": [{"year": 2026, "date": "2026-06-30", "value": "50"}],
        }
    )
    return document


def indicators() -> list[Indicator]:
    return list(Indicator.objects.filter(objective__code="OB-1").select_related("baseline").order_by("position"))


@pytest.mark.parametrize("suffix", FORMATS)
def test_each_format_keeps_the_baseline_raw_and_parsed_and_the_weight(tmp_path: Path, suffix: str) -> None:
    output = run_import(write(tmp_path, with_baselines(), suffix))
    folders, days, cases = indicators()
    assert (folders.weight, days.weight, cases.weight) == (Decimal(2), Decimal("1.5"), None)
    assert (folders.baseline.raw, folders.baseline.kind, folders.baseline.value) == ("60%", "percent", 60)
    assert (folders.baseline.year, folders.baseline.source) == (2025, "Monitoraggio 2025")
    assert (days.baseline.raw, days.baseline.value, days.baseline.year, days.baseline.source) == ("30", 30, 2025, "")
    # Not understood: kept as written, flagged, never read as something else.
    assert (cases.baseline.raw, cases.baseline.kind, cases.baseline.parsed, cases.baseline.year) == (
        "da rilevare",
        "text",
        False,
        None,
    )
    assert days.targets.get().kind == "relative"
    assert "baseline: 3 nuove, 0 aggiornate, 0 invariate" in output


@pytest.mark.parametrize("suffix", FORMATS)
def test_imported_baselines_are_used_by_the_scores_and_a_second_import_changes_nothing(
    tmp_path: Path, suffix: str
) -> None:
    path = write(tmp_path, with_baselines(), suffix)
    run_import(path)
    _folders, days, cases = indicators()
    scores = plan_scores(Plan.objects.get(code="PEG-2026"), 2026)
    by_id = {row.indicator_id: row.result for row in scores.objectives[days.objective_id].indicators}
    assert by_id[days.pk].score == Decimal(100)  # 26 days against at most 27 (30 less 10%)
    assert by_id[days.pk].explanation.startswith("baseline 30 (2025), -10% → atteso ≤ 27; valore 26 ≤ 27 atteso")
    assert by_id[cases.pk].score is None
    assert by_id[cases.pk].explanation == "baseline «da rilevare» non numerica: non misurabile"
    before = database_snapshot()
    assert "baseline: 0 nuove, 0 aggiornate, 3 invariate" in run_import(path)
    assert database_snapshot() == before


def test_a_changed_baseline_is_updated_and_one_left_out_is_kept_and_counted(tmp_path: Path) -> None:
    document = with_baselines()
    run_import(write(tmp_path, document))
    indicators_in_file = document["objectives"][0]["indicators"]
    indicators_in_file[1]["baseline"] = {"value": "32", "year": 2025, "source": "Dato rettificato"}
    del indicators_in_file[2]["baseline"]
    output = run_import(write(tmp_path, document))
    assert "baseline: 0 nuove, 1 aggiornata, 1 invariata, 1 presente solo nel database (non toccata)" in output
    _folders, days, cases = indicators()
    assert (days.baseline.raw, days.baseline.value, days.baseline.source) == ("32", 32, "Dato rettificato")
    assert cases.baseline.raw == "da rilevare"


@pytest.mark.parametrize(
    ("weight", "says"),
    [
        ("uno", "peso non valido: «uno» non è un numero"),
        ("1,2,3", "peso non valido: «1,2,3» non è un numero: contiene più di una virgola decimale"),
        ("-1", "il peso -1 è negativo"),
    ],
)
def test_an_unreadable_or_negative_weight_is_refused_where_it_is_written(
    tmp_path: Path, weight: str, says: str
) -> None:
    document = with_baselines()
    document["objectives"][0]["indicators"][1]["weight"] = weight
    message = refused(write(tmp_path, document))
    assert "piano.yaml, riga" in message and "(objectives[1].indicators[2].weight)" in message
    assert says in message
    assert "Scrivi il peso come un numero, ad esempio 1 o 1,5" in message
    assert not IndicatorBaseline.objects.exists()


def test_a_weight_too_large_for_its_column_is_refused(tmp_path: Path) -> None:
    document = with_baselines()
    document["objectives"][0]["indicators"][0]["weight"] = "1.000.000"
    message = refused(write(tmp_path, document, ".json"))
    assert "(objectives[1].indicators[1].weight)" in message and "il peso 1.000.000 è troppo grande" in message
    assert "al massimo 5 cifre prima della virgola" in message


def test_a_baseline_too_large_for_its_columns_is_refused(tmp_path: Path) -> None:
    document = with_baselines()
    document["objectives"][0]["indicators"][1]["baseline"]["value"] = "9" * 30
    message = refused(write(tmp_path, document))
    assert "(objectives[1].indicators[2].baseline.value)" in message and "è troppo grande" in message
    assert not IndicatorBaseline.objects.exists()


def test_a_baseline_after_the_plans_last_year_is_refused(tmp_path: Path) -> None:
    document = with_baselines()
    document["objectives"][0]["indicators"][0]["baseline"]["year"] = 2030
    message = refused(write(tmp_path, document, ".json"))
    assert "piano.json, riga" in message and "(objectives[1].indicators[1].baseline.year)" in message
    assert "la baseline è riferita al 2030, dopo l'ultimo anno del piano (2026)" in message
    assert "indica l'anno a cui si riferisce, non dopo il 2026" in message


def test_a_baseline_without_its_value_is_refused(tmp_path: Path) -> None:
    document = with_baselines()
    document["objectives"][0]["indicators"][0]["baseline"] = {"year": 2025}
    message = refused(write(tmp_path, document))
    assert "(objectives[1].indicators[1].baseline)" in message and "manca il campo obbligatorio «value»" in message


def _workbook_cell(path: Path, sheet: str, header: str, row: int, value: str | None) -> None:
    book = load_workbook(path)
    headers = [cell.value for cell in book[sheet][1]]
    book[sheet].cell(row=row, column=headers.index(header) + 1).value = value
    book.save(path)


def test_xlsx_a_bad_weight_names_sheet_row_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, with_baselines(), ".xlsx")
    _workbook_cell(path, "Indicatori", "Peso", 3, "uno e mezzo")
    message = refused(path)
    assert "foglio «Indicatori», riga 3, colonna I «Peso»" in message
    assert "peso non valido: «uno e mezzo» non è un numero" in message


def test_xlsx_a_bad_baseline_year_names_its_cell(tmp_path: Path) -> None:
    path = write(tmp_path, with_baselines(), ".xlsx")
    _workbook_cell(path, "Indicatori", "Anno baseline", 2, "l'anno scorso")
    message = refused(path)
    assert "foglio «Indicatori», riga 2, colonna K «Anno baseline»" in message
    assert "atteso un numero intero" in message


def test_xlsx_a_baseline_year_without_its_value_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, with_baselines(), ".xlsx")
    _workbook_cell(path, "Indicatori", "Baseline", 3, None)
    message = refused(path)
    assert "foglio «Indicatori», riga 3, colonna K «Anno baseline»" in message
    assert "anno o fonte della baseline senza il suo valore" in message
    assert "Scrivi il valore nella colonna «Baseline», o togli anno e fonte." in message


def test_the_template_shows_a_weight_a_baseline_and_a_relative_target(tmp_path: Path) -> None:
    path = tmp_path / "modello.xlsx"
    path.write_bytes(write_workbook(EXAMPLE))
    sheet = load_workbook(path)["Indicatori"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[-4:] == ["Peso", "Baseline", "Anno baseline", "Fonte baseline"]
    run_import(path)
    first, second = Indicator.objects.select_related("baseline").order_by("position")
    assert (first.weight, first.baseline.raw, first.baseline.year) == (Decimal(2), "60%", 2025)
    assert second.targets.get().raw == "Riduzione del 10% rispetto alla baseline"
