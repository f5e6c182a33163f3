"""Running `export_report` from the tests."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.management import call_command


def export_report(output: Path, fmt: str, *, plan: str, year: str, **extra: str) -> str:
    """Run the command with `--name=value` options; return what it printed."""
    stdout = io.StringIO()
    options = [f"--{name}={value}" for name, value in extra.items()]
    call_command(
        "export_report",
        f"--plan={plan}",
        f"--year={year}",
        f"--format={fmt}",
        f"--output={output}",
        *options,
        stdout=stdout,
    )
    return stdout.getvalue()
