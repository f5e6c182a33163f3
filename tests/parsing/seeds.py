"""Read the tab-separated tables out of the seed documents in ``<repo>/../shared/seeds/``."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def find_seeds_dir() -> Path:
    """TRAGUARDI_SEEDS_DIR if set; otherwise ``../shared/seeds`` beside this checkout or, for a clone made
    elsewhere (CI clones main into a temporary folder), beside the repository it was cloned from."""
    if os.environ.get("TRAGUARDI_SEEDS_DIR"):
        return Path(os.environ["TRAGUARDI_SEEDS_DIR"])
    candidates = [REPO.parent / "shared" / "seeds"]
    origin = subprocess.run(
        ["git", "config", "--get", "remote.origin.url"], cwd=REPO, capture_output=True, text=True, check=False
    ).stdout.strip()
    if origin and "://" not in origin and ":" not in origin.split("/")[0]:  # a local path, not a URL
        candidates.append(Path(origin).resolve().parent / "shared" / "seeds")
    return next((candidate for candidate in candidates if candidate.is_dir()), candidates[0])


SEEDS_DIR = find_seeds_dir()
PEG_2019 = SEEDS_DIR / "001_c71833301f1f6255.txt"
PERFORMANCE_REPORT_2021 = SEEDS_DIR / "002_65db54c7f61cb771.txt"

_TAG = re.compile(r"<[^>]+>")
# A line whose first cell starts like this closes the current table.
_TABLE_BREAKS = ("indicatori di risultato", "report al", "modalità di attuazione")


def _cells(line: str) -> list[str]:
    return [_TAG.sub("", cell).strip() for cell in line.split("\t")]


def _header_positions(cells: list[str], columns: tuple[str, ...]) -> tuple[int, ...] | None:
    """Index of the first cell starting with each wanted column name, or None if one is missing."""
    lowered = [cell.casefold() for cell in cells]
    positions: list[int] = []
    for column in columns:
        found = next((i for i, cell in enumerate(lowered) if cell.startswith(column)), None)
        if found is None:
            return None
        positions.append(found)
    return tuple(positions)


def table_rows(path: Path, columns: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The cells under ``columns`` of every table whose header names them all.

    Cells are taken at the header's positions, so rows with an empty extra column
    ("Attività\\t\\tTempi\\tConsuntivo\\t") are read correctly. The line with only the
    years ("\\t\\t\\t2021\\t2021") is skipped; a line without tabs ends the table.
    """
    rows: list[tuple[str, ...]] = []
    positions: tuple[int, ...] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = _cells(line)
        header = _header_positions(cells, columns)
        if header is not None:
            positions = header
            continue
        if positions is None:
            continue
        if "\t" not in line:
            if line.strip():
                positions = None
            continue
        if cells[0].casefold().startswith(_TABLE_BREAKS):
            positions = None
            continue
        if not cells[0]:
            continue
        rows.append(tuple(cells[i] if i < len(cells) else "" for i in positions))
    return rows


def distinct(rows: list[tuple[str, ...]]) -> set[str]:
    return {cell for row in rows for cell in row}
