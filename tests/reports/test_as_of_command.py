"""`manage.py export_report --as-of DATE` writes the monitoring report at that date, and refuses bad input."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document
from pypdf import PdfReader

from tests.reports import as_of_story as story
from tests.reports.as_of_story import Story

pytestmark = pytest.mark.django_db


@pytest.fixture
def told(db: None) -> Story:
    return story.tell()


def export(output: Path, *options: str) -> str:
    stdout = io.StringIO()
    call_command("export_report", "--plan=PEG-2026", f"--output={output}", *options, stdout=stdout)
    return stdout.getvalue()


def test_the_pdf_as_at_today_carries_todays_states(told: Story, tmp_path: Path) -> None:
    output = tmp_path / "monitoraggio.pdf"
    message = export(output, f"--as-of={told.today.isoformat()}", "--format=pdf")
    assert str(output) in message
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(output).pages)
    assert f"Monitoraggio intermedio al {told.today:%d/%m/%Y}" in text
    assert "Concluso" in text and story.SECOND_VALUE in text
    assert sorted(path.name for path in tmp_path.iterdir()) == ["monitoraggio.pdf"]  # no temporary file left


def test_the_docx_as_at_yesterday_has_no_objective_yet(told: Story, tmp_path: Path) -> None:
    yesterday = told.today - dt.timedelta(days=1)
    export(tmp_path / "m.docx", f"--as-of={yesterday.isoformat()}", "--format=docx", f"--year={yesterday.year}")
    paragraphs = [p.text for p in Document(str(tmp_path / "m.docx")).paragraphs]
    assert paragraphs[0] == f"Monitoraggio intermedio al {yesterday:%d/%m/%Y}"
    assert any("il piano non aveva ancora obiettivi in Traguardi" in paragraph for paragraph in paragraphs)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--as-of=30/13/2026", "--format=pdf"], "--as-of: La data «30/13/2026» non è valida: scrivila"),
        (["--as-of=tomorrow", "--format=pdf"], "--as-of: La data .* è nel futuro"),
        (["--as-of=long ago", "--format=docx"], "--as-of: La data .* non cade negli anni del piano PEG-2026"),
        (["--as-of=today", "--format=xlsx"], "Il monitoraggio si esporta in pdf, docx: usa --format .*«xlsx»"),
        (["--as-of=today", "--format=pdf", "--year=1999"], "--year 1999 e --as-of .* indicano anni diversi"),
        (["--format=pdf"], "Indica --year ANNO per la Relazione, oppure --as-of AAAA-MM-GG"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(told: Story, tmp_path: Path, options: list[str], message: str) -> None:
    days = {
        "today": told.today,
        "tomorrow": told.today + dt.timedelta(days=1),
        "long ago": dt.date(told.today.year - 2, 6, 30),
    }
    options = [
        next((f"--as-of={day.isoformat()}" for name, day in days.items() if option == f"--as-of={name}"), option)
        for option in options
    ]
    with pytest.raises(CommandError, match=message):
        export(tmp_path / "m.pdf", *options)
    assert list(tmp_path.iterdir()) == []


def test_the_relazione_still_needs_no_as_of(told: Story, tmp_path: Path) -> None:
    export(tmp_path / "dati.csv", f"--year={told.today.year}", "--format=csv")
    assert "PEG-2026" in (tmp_path / "dati.csv").read_text(encoding="utf-8")
