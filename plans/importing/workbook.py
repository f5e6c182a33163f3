"""Read a plan from the XLSX workbook (a sheet per entity) and write one, for the template and exports."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from plans.importing.errors import DocPath, PlanImportError, Problem, format_path
from plans.importing.merged import Coverage, Merge, merged_ranges
from plans.importing.workbook_guide import guide
from plans.importing.workbook_layout import (
    ACTIVITIES,
    AREAS,
    BASELINE_COLUMNS,
    HISTORY_ROLE,
    INDICATORS,
    LAYOUTS,
    MEASUREMENT_ROLE,
    OBJECTIVES,
    ORGANIZATION,
    PLAN,
    REPORTS,
    SHEET_INDICATORS,
    SHEETS,
    TARGET_ROLE,
    VALUES,
    Column,
    SheetLayout,
    normalise_header,
)
from plans.office import describe_workbook
from plans.parsing.months import MONTH_NAMES

# A sheet's row: its number, its values by key, and where each value was (by key; "" for the row).
SheetRow = tuple[int, dict[str, Any], dict[str, str]]
# What openpyxl raises on a damaged file: a truncated or altered archive (zip, zlib), broken XML inside it, a
# cell whose content does not match its type. Read-only mode reads a sheet's XML only while its rows are read.
DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    SyntaxError,
    OSError,
    KeyError,
    ValueError,
    TypeError,
    InvalidFileException,
)
_ITALIAN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def cell_value(value: object, column: Column, number_format: str = "General") -> Any:
    """The cell's value for the plan format. In a column of values written as text ("raw": times, values,
    weights), Excel's own types are read for what they show: a date is that day ("31/03/2026") or, formatted
    without a day, that month ("Marzo 2026") or year; a number formatted as a percentage is that percentage ("75%"
    for 0.75); every number keeps its decimals (as many as Excel's 15 digits hold), written with a comma
    ("2,2523"); TRUE and FALSE are "sì" and "no"."""
    if column.kind == "raw" and not isinstance(value, str):
        shown = _shown(value, number_format)
        if shown is not None:
            return shown
    if isinstance(value, dt.datetime | dt.date):
        return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if column.kind == "int":
        return int(value) if isinstance(value, str) and value.strip().isdigit() else value
    if isinstance(value, int | float):
        return value if column.kind == "int" else str(value)
    text = str(value).strip()
    if column.kind == "list":
        return [part.strip() for part in text.split(",") if part.strip()]
    if column.kind == "date" and (match := _ITALIAN_DATE.match(text)):
        day, month, year = (int(part) for part in match.groups())
        return f"{year:04d}-{month:02d}-{day:02d}"
    return text


# A format's literal text ("…", \x) and its colours or conditions ([Red], [>=100]) say nothing of its fields.
_LITERALS = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
# Minutes: "m" next to hours or seconds ("hh:mm", "mm:ss"), as Excel reads them.
_MINUTES = re.compile(r"h+[^dmys]*m+|m+[^dhmy]*s+")


def _shown(value: object, number_format: str) -> str | None:
    """A date, number or boolean cell as the text an office reads in it, or None for other cells."""
    written = number_format or ""
    fields = _LITERALS.sub("", written).lower()
    if isinstance(value, dt.datetime | dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        months = "m" in _MINUTES.sub("", fields)
        if "d" in fields or "h" in fields or "s" in fields or not (months or "y" in fields):
            return f"{day:%d/%m/%Y}"
        if months:
            return f"{MONTH_NAMES[day.month - 1].capitalize()} {day.year}"
        return str(day.year)
    if isinstance(value, bool):
        return "sì" if value else "no"
    if isinstance(value, int | float):
        # Excel keeps 15 significant digits: a formula's 0.30000000000000004 is the 0,3 it shows.
        number = Decimal(format(value, ".15g")) if isinstance(value, float) else Decimal(value)
        if "%" in fields:
            return _italian(number * 100) + "%"
        if "%" in written:  # a literal sign ("0\%", '0"%"'): the number is shown as it is, with the sign
            return _italian(number) + "%"
        return _italian(number)
    return None


def _italian(number: Decimal) -> str:
    """Every digit of the number, with a decimal comma and no thousands separator: "2,2523", "75", "-0,5"."""
    text = format(number.normalize(), "f")
    return text.replace(".", ",")


class WorkbookReader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.cells: dict[DocPath, str] = {}
        self.problems: list[Problem] = []
        self.reading = path.name  # the sheet and row being read, to say where a damaged file stops

    def locate(self, doc_path: DocPath) -> str:
        probe = doc_path
        while probe and probe not in self.cells:
            probe = probe[:-1]
        where = self.cells.get(probe, self.path.name)
        return f"{where} ({format_path(doc_path)})" if doc_path else where

    def _where(self, title: str, row: int, column: Column | None = None, letter: str = "") -> str:
        where = f"{self.path.name}, foglio «{title}», riga {row}"
        return f"{where}, colonna {letter} «{column.header}»" if column else where

    def read_sheet(
        self, book: Any, layout: SheetLayout, title: str, merges: list[Merge] | None = None
    ) -> list[SheetRow]:
        """The rows of the sheet `title`, the workbook's own name of the layout's sheet. A cell that a merge covers
        (all of the merged range but its first cell) is a problem, named with its range; in a merged column its
        range's value stands in for it, so that the rows that follow do not fail for it a second time."""
        self.reading = f"{self.path.name}, foglio «{title}», riga 1"
        rows = book[title].iter_rows()
        header = [cell.value for cell in next(rows, None) or ()]
        known = layout.by_header()
        columns: list[tuple[int, Column]] = []
        for index, heading in enumerate(header):
            if heading is None or not str(heading).strip():
                continue
            column = known.get(normalise_header(str(heading)))
            if column is None:
                self.problems.append(
                    Problem(
                        f"{self.path.name}, foglio «{title}», riga 1, colonna {get_column_letter(index + 1)}",
                        f"colonna sconosciuta «{heading}»",
                        f"Le colonne ammesse sono: {', '.join(c.header for c in layout.columns)}.",
                    )
                )
            else:
                columns.append((index, column))
        present = {column.key for _, column in columns}
        for column in layout.columns:
            if column.required and column.key not in present:
                self.problems.append(
                    Problem(
                        f"{self.path.name}, foglio «{title}», riga 1",
                        f"manca la colonna «{column.header}»",
                        "Aggiungi la colonna con questa intestazione, come nel modello.",
                    )
                )
        covered = Coverage(merges or [], first_row=2)
        anchors: dict[int, list[Merge]] = {}
        for each in merges or []:
            anchors.setdefault(each.min_row, []).append(each)
        anchor_values: dict[str, Any] = {}
        told: set[str] = set()
        result = []
        for number, cells in enumerate(rows, start=2):
            self.reading = self._where(title, number)
            for anchor in anchors.get(number, ()):
                if anchor.min_col - 1 < len(cells):
                    anchor_values[anchor.ref] = cells[anchor.min_col - 1].value
            if all(cell.value is None or str(cell.value).strip() == "" for cell in cells):
                continue
            data: dict[str, Any] = {}
            where: dict[str, str] = {"": self._where(title, number)}
            for index, column in columns:
                cell = cells[index] if index < len(cells) else None
                value = None if cell is None else cell.value
                letter = get_column_letter(index + 1)
                merge = covered.at(number, index + 1) if value is None else None
                if merge is not None:
                    value = self._merged(merge, title, number, column, letter, anchor_values, told)
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue
                where[column.key] = self._where(title, number, column, letter)
                number_format = getattr(cell, "number_format", "General")
                data[column.key] = self._coded(cell_value(value, column, number_format), column, where[column.key])
            result.append((number, data, where))
        return result

    def _merged(
        self, merge: Merge, title: str, row: int, column: Column, letter: str, values: dict[str, Any], told: set[str]
    ) -> Any:
        """A cell covered by a merge: one problem for the whole range; its value when the range is one column."""
        if merge.ref not in told:
            told.add(merge.ref)
            first = f"{get_column_letter(merge.min_col)}{merge.min_row}"
            self.problems.append(
                Problem(
                    self._where(title, row, column, letter),
                    f"celle unite {merge.ref}: il valore è scritto solo nella prima, {first}, e nelle altre la"
                    " cella risulta vuota",
                    "Dividi le celle unite e scrivi il valore in ogni riga (in Excel: Home → Unisci e allinea al"
                    " centro → Dividi celle).",
                )
            )
        if merge.min_col == merge.max_col and merge.min_row >= 2:
            return values.get(merge.ref)
        return None

    def _coded(self, value: Any, column: Column, where: str) -> Any:
        """A coded column's word as its code; a word the column does not know is a problem at its cell."""
        if not column.labels:
            return value
        code = column.code_of(str(value))
        if code is None:
            self.problems.append(
                Problem(
                    where,
                    f"valore «{value}» non ammesso nella colonna «{column.header}»",
                    f"Usa uno tra: {', '.join(column.words)}.",
                )
            )
            return value
        return code

    def sheet_titles(self, names: list[str]) -> dict[str, str]:
        """The workbook's own name of each layout's sheet, matched without regard to case, accents and spacing
        ("attivita" is «Attività»). A sheet of no layout, a sheet named twice and a missing sheet are problems:
        a sheet that is not read would import as "no rows", clearing what a plan held."""
        layouts = {normalise_header(layout.name): layout for layout in LAYOUTS}
        titles: dict[str, str] = {}
        expected = ", ".join(f"«{layout.name}»" for layout in LAYOUTS)
        for name in names:
            layout = layouts.get(normalise_header(name))
            if layout is None:
                self.problems.append(
                    Problem(
                        f"{self.path.name}, foglio «{name}»",
                        f"foglio sconosciuto «{name}»",
                        f"I fogli del modello sono: {expected}. Rinomina il foglio come nel modello, o toglilo.",
                    )
                )
            elif layout.name in titles:
                self.problems.append(
                    Problem(
                        f"{self.path.name}, foglio «{name}»",
                        f"il foglio «{layout.name}» compare due volte (anche come «{titles[layout.name]}»)",
                        "Tieni un solo foglio con questo nome: riunisci le righe in uno dei due.",
                    )
                )
            else:
                titles[layout.name] = name
        for layout in LAYOUTS:
            if layout.name not in titles:
                self.problems.append(
                    Problem(
                        self.path.name,
                        f"manca il foglio «{layout.name}»",
                        "Parti dal modello scaricabile, che ha tutti i fogli (un foglio senza righe sotto le"
                        " intestazioni va bene).",
                    )
                )
        return titles

    def record(self, base: DocPath, where: dict[str, str], skip: tuple[str, ...] = ()) -> None:
        self.cells[base] = where[""]
        for key, location in where.items():
            if key and key not in skip:
                self.cells[(*base, key)] = location


def load_workbook_document(path: Path) -> tuple[dict[str, Any], Any]:
    reader = WorkbookReader(path)
    if not path.exists():
        raise PlanImportError([Problem(str(path), "il file non esiste", "Controlla il percorso.")])
    try:
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            titles = reader.sheet_titles(book.sheetnames)
            merged = merged_ranges(path)
            sheets = {
                layout.name: reader.read_sheet(book, layout, titles[layout.name], merged.get(titles[layout.name]))
                if layout.name in titles
                else []
                for layout in LAYOUTS
            }
        finally:
            book.close()
    except DAMAGED as error:
        raise PlanImportError([_damaged(reader.reading, error)]) from None
    document = _assemble(reader, sheets)
    if reader.problems:
        raise PlanImportError(reader.problems)
    return document, reader.locate


def _damaged(where: str, error: Exception) -> Problem:
    if isinstance(error, zipfile.BadZipFile | InvalidFileException):
        what = "non è un file XLSX leggibile: l'archivio è troncato, o è un altro tipo di file rinominato .xlsx"
    else:
        what = "il file XLSX è danneggiato: il contenuto non si legge da qui in poi"
    return Problem(
        where,
        f"{what} (dettaglio tecnico: {type(error).__name__}: {error})",
        "Aprilo in Excel o LibreOffice e salvalo di nuovo come .xlsx, oppure parti dal modello scaricabile.",
    )


def _assemble(reader: WorkbookReader, sheets: dict[str, list[SheetRow]]) -> dict[str, Any]:
    document: dict[str, Any] = {"format": "traguardi-plan/1"}
    for layout, key in ((ORGANIZATION, "organization"), (PLAN, "plan")):
        rows = sheets[layout.name]
        if rows:
            document[key] = rows[0][1]
            reader.record((key,), rows[0][2])
        elif layout.name in sheets and not reader.problems:
            reader.problems.append(
                Problem(
                    f"{reader.path.name}, foglio «{layout.name}»",
                    "il foglio è vuoto",
                    "Compila la riga 2 sotto le intestazioni.",
                )
            )
    for layout, key in ((AREAS, "areas"), (OBJECTIVES, "objectives"), (SHEETS, "action_sheets")):
        document[key] = []
        for _, data, where in sheets[layout.name]:
            reader.record((key, len(document[key])), where)
            document[key].append(data)
    objectives = {item.get("code"): index for index, item in reversed(list(enumerate(document["objectives"])))}

    def owner(data: dict[str, Any], where: dict[str, str]) -> int | None:
        if "objective" not in data:
            reader.problems.append(
                Problem(
                    where[""],
                    "la cella «Obiettivo» è vuota",
                    f"Scrivi il codice dell'obiettivo, come nel foglio «{OBJECTIVES.name}».",
                )
            )
            return None
        index = objectives.get(data.pop("objective", None))
        if index is None:
            reader.problems.append(
                Problem(
                    where.get("objective", where[""]),
                    "obiettivo sconosciuto",
                    f"Usa un codice presente nel foglio «{OBJECTIVES.name}».",
                )
            )
        return index

    for _, data, where in sheets[ACTIVITIES.name]:
        if (index := owner(data, where)) is not None:
            items = document["objectives"][index].setdefault("activities", [])
            reader.record(("objectives", index, "activities", len(items)), where)
            items.append(data)
    numbers: dict[tuple[int, Any], int] = {}
    for _, data, where in sheets[INDICATORS.name]:
        if (index := owner(data, where)) is not None:
            items = document["objectives"][index].setdefault("indicators", [])
            number_key = (index, data.pop("number", None))
            if number_key in numbers:
                reader.problems.append(
                    Problem(
                        where.get("number", where[""]),
                        f"indicatore N. {number_key[1]} ripetuto",
                        "Numera gli indicatori di un obiettivo senza ripetizioni.",
                    )
                )
            numbers[number_key] = len(items)
            base = ("objectives", index, "indicators", len(items))
            reader.record(base, where, skip=("number", *BASELINE_COLUMNS.values()))
            _nest_baseline(reader, base, data, where)
            items.append(data)
    for _, data, where in sheets[VALUES.name]:
        _add_value(reader, document, objectives, numbers, data, where)
    for _, data, where in sheets[REPORTS.name]:
        if (index := owner(data, where)) is not None:
            items = document["objectives"][index].setdefault("reports", [])
            reader.record(("objectives", index, "reports", len(items)), where)
            items.append(data)
    sheet_codes = {item.get("code"): index for index, item in enumerate(document["action_sheets"])}
    for _, data, where in sheets[SHEET_INDICATORS.name]:
        index = sheet_codes.get(data.get("sheet"))
        if index is None:
            reader.problems.append(
                Problem(
                    where.get("sheet", where[""]),
                    "scheda sconosciuta",
                    f"Usa un codice presente nel foglio «{SHEETS.name}».",
                )
            )
            continue
        items = document["action_sheets"][index].setdefault("indicators", [])
        reader.cells[("action_sheets", index, "indicators", len(items))] = where.get("text", where[""])
        items.append(data.get("text", ""))
    return document


def _nest_baseline(reader: WorkbookReader, base: DocPath, data: dict[str, Any], where: dict[str, str]) -> None:
    """The baseline's three columns become the indicator's {"value", "year", "source"}, each cell recorded."""
    baseline = {key: data.pop(column) for key, column in BASELINE_COLUMNS.items() if column in data}
    if not baseline:
        return
    if "value" not in baseline:
        reader.problems.append(
            Problem(
                where.get(BASELINE_COLUMNS["year"]) or where.get(BASELINE_COLUMNS["source"]) or where[""],
                "anno o fonte della baseline senza il suo valore",
                "Scrivi il valore nella colonna «Baseline», o togli anno e fonte.",
            )
        )
        return
    data["baseline"] = baseline
    reader.cells[(*base, "baseline")] = where[BASELINE_COLUMNS["value"]]
    for key, column in BASELINE_COLUMNS.items():
        if column in where:
            reader.cells[(*base, "baseline", key)] = where[column]


# The Valori sheet's roles: the key of the document each one's rows go under.
ROLES = {TARGET_ROLE: "targets", MEASUREMENT_ROLE: "measurements", HISTORY_ROLE: "history"}


def _add_value(
    reader: WorkbookReader,
    document: dict[str, Any],
    objectives: dict[Any, int],
    numbers: dict[tuple[int, Any], int],
    data: dict[str, Any],
    where: dict[str, str],
) -> None:
    empty = [header for key, header in (("objective", "Obiettivo"), ("indicator", "Indicatore N.")) if key not in data]
    if empty:
        reader.problems.append(
            Problem(
                where[""],
                " e ".join(f"la cella «{header}»" for header in empty)
                + (" è vuota" if len(empty) == 1 else " sono vuote"),
                f"Scrivi Obiettivo e N. di una riga del foglio «{INDICATORS.name}».",
            )
        )
        return
    objective = objectives.get(data.pop("objective", None))
    position = numbers.get((objective, data.pop("indicator", None))) if objective is not None else None
    if objective is None or position is None:
        reader.problems.append(
            Problem(
                where[""], "indicatore sconosciuto", f"Usa Obiettivo e N. di una riga del foglio «{INDICATORS.name}»."
            )
        )
        return
    role = str(data.pop("role", "")).strip().lower()
    key = ROLES.get(role)
    if key is None:
        reader.problems.append(
            Problem(
                where.get("role", where[""]),
                f"valore «{role}» non ammesso",
                f"Scrivi «{TARGET_ROLE}», «{MEASUREMENT_ROLE}» o «{HISTORY_ROLE}» (un valore di un anno prima del "
                "piano).",
            )
        )
        return
    if key != "measurements":
        # A target's or a historical value's row: its year, value and source (the note and date are a
        # measurement's, refused below when written on another row rather than dropped).
        dropped = [name for name in ("date", "note") if name in data]
        if dropped:
            reader.problems.append(
                Problem(
                    where[dropped[0]],
                    f"{'data' if dropped[0] == 'date' else 'nota'} su una riga «{role}»",
                    f"Data e note sono di un valore «{MEASUREMENT_ROLE}»: scrivi la fonte nella colonna «Fonte», "
                    "o togli la cella.",
                )
            )
            return
    elif "source" in data:
        reader.problems.append(
            Problem(
                where["source"],
                "fonte su un valore rilevato",
                f"La fonte è di un valore «{TARGET_ROLE}» (la norma o l'atto che lo fissa) o «{HISTORY_ROLE}» (da dove "
                "viene): per un valore rilevato usa la colonna «Note».",
            )
        )
        return
    items = document["objectives"][objective]["indicators"][position].setdefault(key, [])
    reader.record(("objectives", objective, "indicators", position, key, len(items)), where)
    items.append(data)


def write_workbook(document: dict[str, Any], *, title: str = "", author: str = "") -> bytes:
    """The document as an XLSX workbook in the layout above (used for the template and for exports), titled
    `title` and written by `author` (by default the plan's title and its body), with a note under every header and
    a list on every coded column (plans.importing.workbook_guide)."""
    book = Workbook()
    plan, organization = document["plan"], document["organization"]
    describe_workbook(book, title=title or f"{plan['code']} – {plan['title']}", author=author or organization["name"])
    for default_sheet in list(book.worksheets):
        book.remove(default_sheet)
    rows = _rows_by_sheet(document)
    for layout in LAYOUTS:
        sheet = book.create_sheet(layout.name)
        sheet.append([column.header for column in layout.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        guide(sheet, layout)
        for row in rows.get(layout.name, []):
            sheet.append([_to_cell(row.get(column.key), column) for column in layout.columns])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # openpyxl writes "=…" as a formula: "=>4" or "=HYPERLINK(…)" stay text
        for index, column in enumerate(layout.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = 14 if column.kind in {"int", "date"} else 28
            if column.kind == "raw":  # stored as text so that "1,00" or "150/1600" stay as written
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = "@"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _to_cell(value: Any, column: Column) -> Any:
    if value is None:
        return None
    if column.kind == "list":
        return ", ".join(value)
    if column.labels:
        return column.label_of(str(value))
    return str(value) if column.kind == "raw" else value


def _rows_by_sheet(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {layout.name: [] for layout in LAYOUTS}
    rows[ORGANIZATION.name].append(document["organization"])
    rows[PLAN.name].append(document["plan"])
    rows[AREAS.name].extend(document.get("areas", []))
    for objective in document.get("objectives", []):
        code = objective["code"]
        rows[OBJECTIVES.name].append(objective)
        rows[ACTIVITIES.name].extend({"objective": code} | item for item in objective.get("activities", []))
        rows[REPORTS.name].extend({"objective": code} | item for item in objective.get("reports", []))
        for number, indicator in enumerate(objective.get("indicators", []), start=1):
            baseline = {column: indicator.get("baseline", {}).get(key) for key, column in BASELINE_COLUMNS.items()}
            rows[INDICATORS.name].append({"objective": code, "number": number} | indicator | baseline)
            for role, key in ((HISTORY_ROLE, "history"), (TARGET_ROLE, "targets"), (MEASUREMENT_ROLE, "measurements")):
                rows[VALUES.name].extend(
                    {"objective": code, "indicator": number, "role": role} | value for value in indicator.get(key, [])
                )
    for sheet in document.get("action_sheets", []):
        rows[SHEETS.name].append(sheet)
        rows[SHEET_INDICATORS.name].extend(
            {"sheet": sheet["code"], "text": text} for text in sheet.get("indicators", [])
        )
    return rows
