"""Nothing understood halfway in silence (issue 19): the import lists every time and value it keeps as written
without a meaning, with its place in the file, counts them in its summary (--dry-run too), and --strict refuses
the file while any is left, writing nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from plans.models import Activity, IndicatorBaseline, IndicatorTarget, Objective, Plan
from tests.plans.test_import_plan import run_import, small_plan, write

pytestmark = pytest.mark.django_db


def with_unread_values() -> dict[str, Any]:
    document = small_plan()
    objective = document["objectives"][0]
    objective["activities"][0]["planned"] = "quando possibile"
    indicator = objective["indicators"][0]
    indicator["targets"] = [{"year": 2026, "value": "da definire"}]
    indicator["baseline"] = {"value": "da rilevare", "year": 2025}
    return document


def test_the_yaml_import_lists_each_unread_value_with_its_line_and_keeps_it_as_written(tmp_path: Path) -> None:
    output = run_import(write(tmp_path, with_unread_values()), "--reference-date", "2026-05-15")
    assert "valori non interpretati, conservati come scritti: 3 (--strict rifiuta il file)" in output
    lines = [line for line in output.splitlines() if line.startswith("  - ")]
    assert len(lines) == 3
    planned, baseline, target = lines
    assert "piano.yaml, riga" in planned and "(objectives[1].activities[1].planned)" in planned
    assert (
        "tempi dell'attività, testo non interpretato «quando possibile», conservato com'è scritto, senza date"
        in planned
    )
    assert "baseline dell'indicatore, testo non interpretato «da rilevare»" in baseline
    assert (
        "valore atteso 2026, testo non interpretato «da definire», conservato com'è scritto, senza un numero" in target
    )
    activity = Activity.objects.get(description="Analisi")
    assert (activity.planned_raw, activity.planned_end) == ("quando possibile", None)
    assert IndicatorTarget.objects.get().raw == "da definire"
    assert IndicatorBaseline.objects.get().raw == "da rilevare"


def test_the_workbook_import_names_sheet_row_and_column(tmp_path: Path) -> None:
    output = run_import(write(tmp_path, with_unread_values(), ".xlsx"), "--reference-date", "2026-05-15")
    assert "piano.xlsx, foglio «Attività», riga 2, colonna C «Tempi»" in output
    assert "piano.xlsx, foglio «Indicatori», riga 2, colonna J «Baseline»" in output
    assert "piano.xlsx, foglio «Valori», riga 2, colonna E «Dato»" in output


def test_a_dry_run_lists_them_too_and_writes_nothing(tmp_path: Path) -> None:
    output = run_import(write(tmp_path, with_unread_values()), "--dry-run", "--reference-date", "2026-05-15")
    assert "(prova: nulla è stato scritto)" in output
    assert "valori non interpretati, conservati come scritti: 3" in output
    assert not Plan.objects.exists()


def test_strict_refuses_the_file_with_every_unread_value_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as refusal:
        call_command("import_plan", str(write(tmp_path, with_unread_values())), "--strict")
    message = str(refusal.value)
    assert message.startswith("Il file non è stato importato: 3 problema/i, nulla è stato scritto.")
    assert "tempi dell'attività, testo non interpretato «quando possibile». Riscrivi il testo in una forma" in message
    assert "o importa senza --strict per conservarlo com'è" in message
    assert not Plan.objects.exists() and not Objective.objects.exists()


def test_a_plan_understood_throughout_says_so_and_imports_under_strict(tmp_path: Path) -> None:
    output = run_import(write(tmp_path, small_plan()), "--strict", "--reference-date", "2026-05-15")
    assert "valori non interpretati: nessuno" in output
    assert Activity.objects.count() == 2
