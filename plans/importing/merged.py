"""The merged cells of a workbook, read from the file itself.

openpyxl's read-only mode, which the import uses so that a workbook of 100,000 rows stays small in memory, does
not give a sheet's merged cells, and a merged cell reads as empty in every row but its first: an office that
merges the «Obiettivo» cell of three activities meant the same objective for the three. The ranges are found
in each sheet's XML (`<mergeCell ref="A2:A4"/>`, after the sheet's rows) by a scan of its bytes in chunks,
without parsing the rows again."""

from __future__ import annotations

import posixpath
import re
import zipfile
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from openpyxl.utils.cell import range_boundaries

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=[\"']([A-Z]{1,3}[0-9]+:[A-Z]{1,3}[0-9]+)[\"']")
_CHUNK = 1 << 20
_OVERLAP = 200  # longer than one mergeCell element
_WIDEST = 16_384  # Excel's last column (XFD)


@dataclass(frozen=True)
class Merge:
    """A merged range: its reference ("A2:A4") and bounds (1-based rows and columns, inclusive)."""

    ref: str
    min_col: int
    min_row: int
    max_col: int
    max_row: int

    @property
    def anchor(self) -> tuple[int, int]:
        """The first cell (row, column), the only one that holds the range's value."""
        return self.min_row, self.min_col


def merged_ranges(path: Path) -> dict[str, list[Merge]]:
    """The merged ranges of each sheet, by the sheet's name; sheets without any are left out. A workbook whose
    parts are not where the format puts them (openpyxl read it all the same) gives none."""
    try:
        with zipfile.ZipFile(path) as archive:
            return {
                name: merges for name, member in _sheet_members(archive) if (merges := list(_scan(archive, member)))
            }
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile):
        return {}


def _sheet_members(archive: zipfile.ZipFile) -> Iterator[tuple[str, str]]:
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relationships = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in relationships.iter(f"{{{_PACKAGE}}}Relationship")}
    for sheet in book.iter(f"{{{_MAIN}}}sheet"):
        target = targets.get(sheet.get(f"{{{_RELATIONSHIP}}}id"))
        name = sheet.get("name")
        if target and name is not None:
            member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            yield name, member


def _scan(archive: zipfile.ZipFile, member: str) -> Iterator[Merge]:
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            data = tail + chunk
            end = 0
            for match in _MERGE.finditer(data):
                ref = match[1].decode()
                min_col, min_row, max_col, max_row = range_boundaries(ref)
                yield Merge(ref, int(min_col or 1), int(min_row or 1), int(max_col or 1), int(max_row or 1))
                end = match.end()
            tail = data[max(end, len(data) - _OVERLAP) :]


class Coverage:
    """Which merge covers a cell without holding it (every cell of a range but its first), asked cell by cell:
    a merge of a whole column covers a million cells, and none is listed. Merged ranges never overlap, so in a
    column the one that may cover a row is the last to start at or before it."""

    def __init__(self, merges: list[Merge], first_row: int) -> None:
        self.first_row = first_row
        self.columns: dict[int, tuple[list[int], list[Merge]]] = {}
        by_column: dict[int, list[Merge]] = {}
        for merge in merges:
            if merge.max_row >= first_row:
                for column in range(merge.min_col, min(merge.max_col, merge.min_col + _WIDEST) + 1):
                    by_column.setdefault(column, []).append(merge)
        for column, found in by_column.items():
            found.sort(key=lambda merge: merge.min_row)
            self.columns[column] = ([merge.min_row for merge in found], found)

    def at(self, row: int, column: int) -> Merge | None:
        if row < self.first_row or column not in self.columns:
            return None
        starts, merges = self.columns[column]
        index = bisect_right(starts, row) - 1
        if index < 0:
            return None
        merge = merges[index]
        return merge if row <= merge.max_row and (row, column) != merge.anchor else None
