"""`manage.py export_report` refuses bad input with a clear Italian message, and then writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from plans.models import Plan
from tests.reports.commands import export_report
from tests.workflow.world import World

pytestmark = pytest.mark.django_db
PLAN = "PEG-2026"


def export(output: Path, fmt: str, *, plan: str = PLAN, year: str = "2026", **extra: str) -> str:
    return export_report(output, fmt, plan=plan, year=year, **extra)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"plan": "RP-2099"}, "Il piano «RP-2099» non esiste. Controlla --plan .*; piani esistenti: PEG-2026."),
        ({"organization": "ente-inesistente"}, "nell'ente «ente-inesistente»"),
        ({"year": "2030"}, "L'anno «2030» non è un anno del piano PEG-2026. Indica --year tra 2026 e 2026."),
        ({"year": "duemila"}, "L'anno «duemila» non è un anno del piano"),
        (
            {"format": "odt"},
            "Il formato «odt» non è previsto. Usa --format con uno tra: pdf, docx, xlsx, csv, it.csv, json.",
        ),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(
    world: World, tmp_path: Path, arguments: dict[str, str], message: str
) -> None:
    options = {"fmt": "csv", "plan": PLAN, "year": "2026"} | {
        ("fmt" if key == "format" else key): value for key, value in arguments.items()
    }
    fmt = options.pop("fmt")
    with pytest.raises(CommandError, match=message):
        export(tmp_path / "dati.csv", fmt, **options)
    assert list(tmp_path.iterdir()) == []


def test_an_output_folder_that_does_not_exist_is_refused(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"La cartella «.*manca» non esiste: creala"):
        export(tmp_path / "manca" / "dati.csv", "csv")
    assert list(tmp_path.iterdir()) == []


def test_an_output_that_is_a_folder_is_refused(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="è una cartella: indica con --output un nome di file"):
        export(tmp_path, "csv")
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_cannot_be_written_leaves_nothing_behind(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The rename fails as a full disk or a read-only target would: the temporary file must go too.
    def refuse(self: Path, target: Path) -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "replace", refuse)
    with pytest.raises(CommandError, match=r"Impossibile scrivere «.*dati\.csv» \(Permission denied\)"):
        export(tmp_path / "dati.csv", "csv")
    assert list(tmp_path.iterdir()) == []


def test_an_ambiguous_plan_code_asks_for_the_organization(world: World, tmp_path: Path) -> None:
    Plan.objects.create(
        organization=world.borgo, code=PLAN, kind=Plan.Kind.PEG, title="PEG di Borgo", year_start=2026, year_end=2026
    )
    with pytest.raises(CommandError, match=r"Più enti hanno un piano «PEG-2026» \(aurelia, borgo\)"):
        export(tmp_path / "dati.json", "json")
    assert list(tmp_path.iterdir()) == []
    export(tmp_path / "dati.json", "json", organization="borgo")
    assert json.loads((tmp_path / "dati.json").read_text(encoding="utf-8"))["plan"]["title"] == "PEG di Borgo"
