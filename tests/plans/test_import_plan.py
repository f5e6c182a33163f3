"""import_plan: YAML, JSON and XLSX; atomic, idempotent, updates by code, dry run, progress on large files."""

from __future__ import annotations

import copy
import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command

from plans.importing.workbook import write_workbook
from plans.models import Activity, Indicator, IndicatorTarget, Measurement, Objective, Plan, WorkState
from tests.plans.helpers import database_snapshot

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "plans" / "demo"


def small_plan() -> dict[str, Any]:
    return {
        "format": "traguardi-plan/1",
        "organization": {"slug": "comune-prova", "name": "Comune di Prova", "kind": "comune"},
        "areas": [{"code": "SOC", "name": "Area Sociale"}, {"code": "FIN", "name": "Area Finanziaria"}],
        "plan": {"code": "PEG-2026", "kind": "peg", "title": "PEG 2026", "year_start": 2026, "year_end": 2026},
        "objectives": [
            {
                "code": "OB-1",
                "areas": ["SOC", "FIN"],
                "title": "Cartella sociale informatizzata",
                "budget_expense": "12.500,50",
                "activities": [
                    {"description": "Analisi", "planned": "Marzo", "actual": "Aprile"},
                    {"description": "Formazione", "planned": "Maggio-Settembre", "actual": "no"},
                ],
                "indicators": [
                    {
                        "name": "Cartelle aggiornate",
                        "unit": "%",
                        "targets": [{"year": 2026, "value": "75%"}],
                        "measurements": [{"year": 2026, "date": "2026-06-30", "value": "40%"}],
                    }
                ],
                "reports": [{"date": "2026-06-30", "text": "Avviata l'analisi."}],
            }
        ],
    }


def write(tmp_path: Path, document: dict[str, Any], suffix: str = ".yaml") -> Path:
    path = tmp_path / f"piano{suffix}"
    if suffix == ".yaml":
        path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    elif suffix == ".json":
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    else:
        path.write_bytes(write_workbook(document))
    return path


def run_import(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_plan", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".xlsx"])
def test_each_format_imports_the_whole_plan(tmp_path: Path, suffix: str) -> None:
    run_import(write(tmp_path, small_plan(), suffix), "--reference-date", "2026-05-15")
    objective = Objective.objects.get(plan__code="PEG-2026", code="OB-1")
    assert sorted(objective.areas.values_list("code", flat=True)) == ["FIN", "SOC"]
    assert str(objective.budget_expense) == "12500.50"
    analysis, training = objective.activities.order_by("position")
    assert (analysis.planned_raw, analysis.actual_raw, analysis.state) == ("Marzo", "Aprile", WorkState.CONCLUSO)
    assert (training.planned_end, training.actual_hint, training.state) == (
        dt.date(2026, 9, 30),
        "not_done",
        WorkState.PROGRAMMATO,
    )
    indicator = objective.indicators.get()
    assert (indicator.targets.get().raw, indicator.measurements.get().value) == ("75%", 40)
    assert objective.reports.get().text == "Avviata l'analisi."


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".xlsx"])
def test_importing_the_same_file_twice_changes_nothing(tmp_path: Path, suffix: str) -> None:
    path = write(tmp_path, small_plan(), suffix)
    run_import(path)
    before = database_snapshot()
    output = run_import(path)
    assert database_snapshot() == before
    assert "0 nuovi, 0 aggiornati" in output and " 1 nuov" not in output


def test_demo_yaml_round_trips_through_the_xlsx_workbook(tmp_path: Path) -> None:
    document = yaml.load((DEMO / "relazione-2021.yaml").read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    run_import(write(tmp_path, document, ".xlsx"), "--reference-date", "2021-12-31")
    via_xlsx = database_snapshot()
    output = run_import(DEMO / "relazione-2021.yaml", "--reference-date", "2021-12-31")
    assert database_snapshot() == via_xlsx, "the YAML found something the XLSX import had not written"
    assert "attività: 0 nuove, 0 aggiornate, 93 invariate" in output


def test_an_edited_file_updates_rows_by_code_and_keeps_their_state(tmp_path: Path) -> None:
    run_import(write(tmp_path, small_plan()), "--reference-date", "2026-05-15")
    edited = small_plan()
    edited["objectives"][0]["title"] = "Cartella sociale: seconda fase"
    edited["objectives"][0]["areas"] = ["SOC"]
    edited["objectives"][0]["activities"][0]["planned"] = "Giugno"
    edited["objectives"][0]["indicators"][0]["measurements"][0]["value"] = "45%"
    output = run_import(write(tmp_path, edited))
    objective = Objective.objects.get(code="OB-1")
    assert objective.title == "Cartella sociale: seconda fase"
    assert list(objective.areas.values_list("code", flat=True)) == ["SOC"]
    analysis = objective.activities.get(position=1)
    assert (analysis.planned_raw, analysis.planned_end, analysis.state) == (
        "Giugno",
        dt.date(2026, 6, 30),
        WorkState.CONCLUSO,
    )
    assert Objective.objects.count() == 1 and Activity.objects.count() == 2
    # A changed measurement is history: the old value stays beside the new one.
    assert list(Measurement.objects.order_by("pk").values_list("raw", flat=True)) == ["40%", "45%"]
    assert "attività: 0 nuove, 1 aggiornata, 1 invariata" in output


def test_a_moved_deadline_clears_the_reminder_date_of_that_activity_only(tmp_path: Path) -> None:
    run_import(write(tmp_path, small_plan()), "--reference-date", "2026-05-15")
    Activity.objects.update(next_reminder_on=dt.date(2026, 6, 1))
    edited = small_plan()
    edited["objectives"][0]["activities"][1]["planned"] = "Ottobre"
    edited["objectives"][0]["activities"][1]["description"] = "Formazione del personale"
    edited["objectives"][0]["indicators"][0]["targets"][0]["value"] = "80%"
    output = run_import(write(tmp_path, edited, ".json"))
    analysis, training = Activity.objects.order_by("position")
    assert (training.description, training.planned_end, training.next_reminder_on) == (
        "Formazione del personale",
        dt.date(2026, 10, 31),
        None,
    )
    assert (analysis.planned_end, analysis.next_reminder_on) == (dt.date(2026, 3, 31), dt.date(2026, 6, 1))
    target = IndicatorTarget.objects.get()
    assert (target.raw, target.kind, target.value) == ("80%", "percent", 80)
    assert "attività: 0 nuove, 1 aggiornata, 1 invariata" in output
    assert "valori attesi: 0 nuovi, 1 aggiornato, 0 invariati" in output


def test_rows_missing_from_an_edited_file_are_reported_not_deleted(tmp_path: Path) -> None:
    run_import(write(tmp_path, small_plan()))
    shorter = small_plan()
    del shorter["objectives"][0]["activities"][1]
    output = run_import(write(tmp_path, shorter))
    assert Activity.objects.count() == 2
    assert "attività: 0 nuove, 0 aggiornate, 1 invariata, 1 presente solo nel database (non toccata)" in output


def test_dry_run_reports_and_writes_nothing(tmp_path: Path) -> None:
    output = run_import(write(tmp_path, small_plan()), "--dry-run")
    assert "prova: nulla è stato scritto" in output
    assert "attività: 2 nuove" in output
    assert not Plan.objects.exists() and not Activity.objects.exists()


def test_organization_option_imports_into_an_existing_body(tmp_path: Path) -> None:
    run_import(write(tmp_path, small_plan()))
    other = small_plan()
    other["organization"] = {"slug": "ignorato", "name": "Ignorato"}
    other["plan"]["code"] = "PEG-2026-BIS"
    run_import(write(tmp_path, other), "--organization", "comune-prova")
    assert Plan.objects.get(code="PEG-2026-BIS").organization.slug == "comune-prova"


def test_large_files_show_a_progress_bar(tmp_path: Path) -> None:
    document = small_plan()
    template = document["objectives"][0]
    document["objectives"] = []
    for number in range(1, 251):
        objective = copy.deepcopy(template)
        objective["code"] = f"OB-{number}"
        document["objectives"].append(objective)
    errors = StringIO()
    call_command("import_plan", str(write(tmp_path, document, ".json")), stdout=StringIO(), stderr=errors)
    assert "Importazione [" in errors.getvalue()
    assert "100% (250/250 obiettivi)" in errors.getvalue()
    assert Indicator.objects.count() == 250 and Activity.objects.count() == 500


def test_small_files_show_no_progress_bar(tmp_path: Path) -> None:
    errors = StringIO()
    call_command("import_plan", str(write(tmp_path, small_plan())), stdout=StringIO(), stderr=errors)
    assert errors.getvalue() == ""
