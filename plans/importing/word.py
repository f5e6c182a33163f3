"""Read a plan from a Word document (DOCX) whose objectives are laid out as tables, as a PEG or a Relazione is:

- a heading (or a line set apart) "Obiettivo 3", "Obiettivo n. 3", "Obiettivo 2019_ZN08" or "Programma P1 –
  Obiettivo 3", with the title after it on the same line or in the next paragraph, under a "Centro di
  responsabilità: <area>" heading;
- a table of header fields, label beside value ("Codice", "Area strategica", "Obiettivo operativo", …), in two
  columns or in several pairs a row;
- the paragraphs after "Descrizione obiettivo", the reports after "Report al 31/12/2021";
- an activities table ("Attività", "Tempi", "Consuntivo", "Codice", "Enti esterni") and an indicators table
  ("Indicatore", "Descrizione", "Unità misura", "Tipo", "Note", "Valore atteso 2021", "Valore consuntivo 2021").

Headers and labels are matched without regard to case, accents and spacing (plans.importing.word_layout). What the
reader gives is a plan in the plan format (plans/schema), validated and written by the same service as every other
file, with the place in the document of each value ("piano.docx, tabella 4, riga 3, colonna 2"). Every cell it
could not place, and every table outside the objectives' sheets, is listed with its place (`Unplaced`): nothing is
dropped in silence, and what would be misread (two objectives with one code) refuses the document.

The Relazione that Traguardi exports (reports.render.docx) carries the plan's title and code in the document's
subject and each objective's code in its header table, so that it imports back to the same plan; the columns it
computes from the year's facts are left out, named once. A body's own document says neither title nor code, and
the person importing it gives them (`Identity`).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn

from plans.importing import word_layout as layout
from plans.importing.errors import DocPath, PlanImportError, Problem, format_path
from plans.importing.word_layout import Cell, key

DAMAGED = (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, OSError, SyntaxError, EOFError)
SHOWN = 200  # characters of an unplaced text shown in the list
UNZIPPED_LIMIT = 200 * 1024 * 1024  # bytes: a Word document's parts, unpacked; more is not a plan but a zip bomb
NOT_IMPORTED = "non importato"


@dataclass(frozen=True)
class Identity:
    """What a body's own document does not say and the person importing it gives: the plan's code, title, year."""

    code: str = ""
    title: str = ""
    year: int | None = None


@dataclass(frozen=True)
class Unplaced:
    """A cell (or a whole table, or a paragraph) the reader could not place in the plan, with its place. `inside`:
    it was inside an objective's sheet, so something the office wrote there is not imported (a strict import
    refuses the document); outside every sheet (a chapter's table) it is listed only."""

    where: str
    text: str
    why: str
    inside: bool = True

    def __str__(self) -> str:
        return f"{self.where}: «{self.text}», {self.why}"

    def problem(self) -> Problem:
        return Problem(
            self.where,
            f"«{self.text}» non collocato: {self.why}",
            "Sposta il testo in un campo della scheda dell'obiettivo, nel documento; oppure importa senza rifiutare "
            "le celle non collocate (da riga di comando, senza --strict): il testo non sarà importato.",
        )


@dataclass
class WordPlan:
    document: dict[str, Any]
    places: dict[DocPath, str]
    unplaced: list[Unplaced]
    name: str

    def locate(self, path: DocPath) -> str:
        """The place of the value at `path` or, failing that, of the nearest item that holds it."""
        for end in range(len(path), 0, -1):
            place = self.places.get(path[:end])
            if place is not None:
                return place if end == len(path) else f"{place} ({format_path(path)})"
        return f"{self.name} ({format_path(path)})" if path else self.name


@dataclass
class _Objective:
    label: str
    place: str
    values: dict[str, Any] = field(default_factory=dict)
    places: dict[DocPath, str] = field(default_factory=dict)
    areas: list[str] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    description: list[str] = field(default_factory=list)
    reports: list[dict[str, Any]] = field(default_factory=list)

    def content(self) -> tuple[Any, ...]:
        """What the sheet says, wherever it is: an objective of several areas is the same sheet under each."""
        values = {name: value for name, value in self.values.items() if name != "code"}
        return values, self.activities, self.indicators, self.description, self.reports


def read_word_plan(
    path: Path,
    *,
    organization_slug: str,
    identity: Identity | None = None,
    areas: list[dict[str, Any]] | None = None,
) -> WordPlan:
    """The plan that the Word document at `path` lays out, for `organization_slug`. `areas` are the body's areas
    (in the plan format): an area the document names is the body's area of that name."""
    try:
        if sum(member.file_size for member in zipfile.ZipFile(path).infolist()) > UNZIPPED_LIMIT:
            raise ValueError("too large unpacked")
        word = docx.Document(str(path))
        ours = layout.TITLE_AND_CODE.match((word.core_properties.subject or "").strip())
        reader = _Reader(path.name, layout.heading_levels(word), computed=ours is not None)
        for block in layout.blocks(word.element.body):
            if block.tag == qn("w:p"):
                reader.paragraph(block)
            else:
                reader.table(block)
    except DAMAGED:
        raise PlanImportError(
            [Problem(path.name, "il file non è un documento Word (.docx) leggibile", "Salvalo di nuovo come .docx.")]
        ) from None
    return reader.finish(word, organization_slug, identity or Identity(), areas or [])


class _Reader:
    def __init__(self, name: str, levels: dict[str, int], *, computed: bool) -> None:
        self.name = name
        self.levels = levels
        self.computed_columns = computed  # a Relazione Traguardi exported: its computed columns are left out
        self.paragraphs = 0
        self.tables = 0
        self.area: str | None = None
        self.chapter = ""  # a chapter that is not the objectives' sheets: read past
        self.current: _Objective | None = None
        self.section = ""
        self.sheet_level: int | None = None  # the heading level of the current objective's title
        self.lost = False  # after a heading that looked like a sheet but was not recognised
        self.objectives: list[_Objective] = []
        self.unplaced: list[Unplaced] = []
        self.computed: dict[str, None] = {}
        self.title_lines: list[str] = []
        # The last run of tables outside the sheets: chapter, first and last table, how many, the first's header,
        # its entry in the list.
        self.outside_run: tuple[str, int, int, int, str, Unplaced] | None = None

    # Paragraphs: headings that open an area, an objective or a part of its sheet, and the text of those parts.
    def paragraph(self, element: Any) -> None:
        self.paragraphs += 1
        text = layout.paragraph_text(element)
        if not text:
            return
        level = layout.heading_level(element, self.levels)
        name = key(text)
        top = level is not None and level <= 1
        if level == 0:
            self.title_lines.append(text)
        if self.chapter and not top:
            return  # inside a chapter that is not the sheets: an annex names areas and objectives too
        objective = layout.OBJECTIVE.match(text)
        if area := layout.AREA.match(text):
            self._close(area=area.group("name").strip())
        elif name == layout.NO_AREA:
            self._close(area=None)
        elif objective and self._opens(level, element):
            self._open(objective, level)
        elif top:
            chapter = text if any(name.startswith(other) for other in layout.OTHER_CHAPTERS) else ""
            self._close(area=None, chapter=chapter)
        elif self._ends_sheet(level, name):
            self._lose(text)
        elif self.current is not None:
            self._in_objective(text, name, level)

    def _ends_sheet(self, level: int | None, name: str) -> bool:
        """A heading as high as the objective's own that is no part of a sheet: another sheet the reader does not
        recognise. What follows it must not be taken for the objective above."""
        if self.current is None or level is None or self.sheet_level is None or level > self.sheet_level:
            return False
        return name not in layout.SECTIONS and not layout.REPORT.match(name)

    def _lose(self, text: str) -> None:
        self.unplaced.append(
            Unplaced(
                self._paragraph_place(text),
                _shown(text),
                "titolo che non apre una scheda «Obiettivo N»: quanto segue, fino al prossimo obiettivo, non è "
                f"{NOT_IMPORTED}",
            )
        )
        self.current, self.section, self.lost = None, "", True

    def _opens(self, level: int | None, element: Any) -> bool:
        """An "Obiettivo N" line opens a sheet as a heading, as the first under an area, or set apart in bold (a
        line of a description that starts so does not)."""
        return level is not None or layout.all_bold(element) or (self.current is None and self.area is not None)

    def _close(self, *, area: str | None, chapter: str = "") -> None:
        self.area, self.chapter, self.current, self.section, self.lost = area, chapter, None, "", False

    def _open(self, match: Any, level: int | None) -> None:
        self.current = _Objective(label=match.group("label"), place=self._paragraph_place(match.group(0)))
        self.sheet_level, self.lost = level, False
        if match.group("programme"):
            self._set(self.current, "programme", match.group("programme").strip(), self.current.place)
        if match.group("title"):
            self._set(self.current, "title", match.group("title").strip(), self.current.place)
        if self.area:
            self.current.areas.append(self.area)
        self.objectives.append(self.current)
        self.section = "title"

    def _in_objective(self, text: str, name: str, level: int | None) -> None:
        objective = self.current
        assert objective is not None
        report = layout.REPORT.match(name)
        if name in layout.SECTIONS:
            self.section = layout.SECTIONS[name]
        elif report:
            day, month, year = (int(part) for part in report.groups())
            objective.reports.append({"date": f"{year:04d}-{month:02d}-{day:02d}", "text": []})
            objective.places[("reports", len(objective.reports) - 1)] = self._paragraph_place(text)
            self.section = "report"
        elif self.section == "title" and "title" not in objective.values and level is None:
            self._set(objective, "title", text, self._paragraph_place(text))  # the line after the heading
        elif self.section == "description":
            objective.description.append(text)
            objective.places.setdefault(("description",), self._paragraph_place(text))
        elif self.section == "report":
            objective.reports[-1]["text"].append(text)
        else:
            self.unplaced.append(
                Unplaced(self._paragraph_place(text), _shown(text), "testo fuori dai campi della scheda dell'obiettivo")
            )

    # Tables: the header fields, the activities, the indicators; anything else is listed.
    def table(self, element: Any) -> None:
        self.tables += 1
        rows = [row for row in layout.table_rows(element) if row]
        if not any(cell.text for row in rows for cell in row):
            return
        objective = None if self.chapter else self.current
        for number, row in enumerate(rows, start=1):
            for cell in row:
                if cell.nested:
                    self.unplaced.append(
                        Unplaced(
                            self._cell_place(number, cell.column),
                            _shown(cell.text) or "…",
                            f"la cella contiene {cell.nested} tabella/e: non lette, solo il testo della cella",
                            inside=objective is not None or self.lost,
                        )
                    )
        if objective is None:
            self._outside(rows, inside=self.lost and not self.chapter)
            return
        header = {cell.column: key(cell.text) for cell in rows[0]}
        names = set(header.values())
        roles = {layout.ACTIVITY_COLUMNS.get(name) for name in names}
        if {"description", "planned"} <= roles:
            self._activities(objective, rows)
        elif names & {"indicatore", "nome indicatore"} or any(layout.TARGET.match(name) for name in names):
            self._indicators(objective, rows)
        elif rows[0] and _header_field(key(rows[0][0].text)):
            self._header(objective, rows)
        else:
            for number, row in enumerate(rows, start=1):
                for cell in row:
                    if cell.text:
                        self.unplaced.append(
                            Unplaced(
                                self._cell_place(number, cell.column),
                                _shown(cell.text),
                                "tabella non riconosciuta (né campi dell'obiettivo, né attività, né indicatori)",
                            )
                        )

    def _outside(self, rows: list[list[Cell]], *, inside: bool) -> None:
        """A table outside the objectives' sheets: listed, together with the chapter's other such tables before it.
        `inside`: after a heading that looked like a sheet's, so possibly a sheet's data."""
        header = " | ".join(cell.text for cell in rows[0] if cell.text)
        run = self.outside_run
        if (
            run
            and (run[0], run[2], run[5].inside) == (self.chapter, self.tables - 1, inside)
            and self.unplaced[-1] is run[5]
        ):
            self.unplaced.pop()
            first, count, header = run[1], run[3] + 1, run[4]
        else:
            first, count = self.tables, 1
        where = f"{self.name}, tabella {first}" if count == 1 else f"{self.name}, tabelle {first}–{self.tables}"
        item = Unplaced(
            where + (f" (capitolo «{self.chapter}»)" if self.chapter else ""),
            _shown(header if count == 1 else f"{count} tabelle, la prima: {header}"),
            ("dopo un titolo non riconosciuto" if inside else "fuori dalle schede degli obiettivi")
            + (": non importata" if count == 1 else ": non importate"),
            inside=inside,
        )
        self.unplaced.append(item)
        self.outside_run = (self.chapter, first, self.tables, count, header, item)

    def _header(self, objective: _Objective, rows: list[list[Cell]]) -> None:
        for number, row in enumerate(rows, start=1):
            for index in range(0, len(row), 2):
                label = row[index]
                value = row[index + 1] if index + 1 < len(row) else None
                found = _header_field(key(label.text))
                if found == "area" and value is not None and value.text:
                    if value.text not in objective.areas:
                        objective.areas.append(value.text)
                elif found == "computed" and self.computed_columns:
                    self.computed[label.text] = None
                elif found and found != "computed" and value is not None:
                    self._set(objective, found, value.text, self._cell_place(number, value.column), label.text)
                elif label.text or (value is not None and value.text):
                    text = f"{label.text}: {value.text}" if value is not None else label.text
                    self.unplaced.append(
                        Unplaced(
                            self._cell_place(number, label.column),
                            _shown(text),
                            "campo non previsto dalla scheda dell'obiettivo",
                        )
                    )

    def _set(self, objective: _Objective, name: str, value: str, place: str, label: str = "") -> None:
        """A field of the objective; written twice with two values, the first stands and the second is listed."""
        if not value:
            return
        if name in objective.values and objective.values[name] != value:
            self.unplaced.append(
                Unplaced(
                    place,
                    _shown(value),
                    f"campo «{label or name}» già indicato in {objective.places[(name,)]}: vale quel valore, "
                    f"questo è {NOT_IMPORTED}",
                )
            )
            return
        objective.values[name] = value
        objective.places[(name,)] = place

    def _activities(self, objective: _Objective, rows: list[list[Cell]]) -> None:
        columns = _roles(rows[0], layout.ACTIVITY_COLUMNS, computed=self.computed_columns)
        for number, row in self._body(rows, rows[0]):
            position = len(objective.activities)
            activity: dict[str, Any] = {}
            places: dict[DocPath, str] = {}
            for cell in row:
                role = columns.get(cell.column)
                if not cell.text or self._left_out(role):
                    continue
                if role is None or role[0] == "unknown" or role[0] in activity:
                    self._unknown(cell, number, role, "delle attività")
                    continue
                activity[role[0]] = (
                    [part.strip() for part in cell.text.split(",") if part.strip()]
                    if role[0] == "external_bodies"
                    else cell.text
                )
                places[("activities", position, role[0])] = self._cell_place(number, cell.column)
            if "description" not in activity:
                self._without(row, number, columns, "riga senza la descrizione dell'attività")
                continue
            places[("activities", position)] = places[("activities", position, "description")]
            objective.places.update(places)
            objective.activities.append(activity)

    def _indicators(self, objective: _Objective, rows: list[list[Cell]]) -> None:
        columns = _roles(rows[0], layout.INDICATOR_COLUMNS, computed=self.computed_columns)
        if not any(role[0] == "name" for role in columns.values()):
            # "Descrizione | Tipo | Valore atteso …": the description is the indicator's name.
            columns = {c: ("name", role[1]) if role[0] == "description" else role for c, role in columns.items()}
        body = rows[1:]
        if (
            body
            and any(cell.text for cell in body[0])
            and all(layout.YEAR.fullmatch(cell.text) or not cell.text for cell in body[0])
        ):
            for cell in body[0]:  # a row of years under the header
                role = columns.get(cell.column)
                if role and role[0] in {"targets", "measurements"} and cell.text:
                    columns[cell.column] = (role[0], role[1], int(cell.text))
            body = body[1:]
        for number, row in self._body([rows[0], *body], rows[0], first=len(rows) - len(body) + 1):
            position = len(objective.indicators)
            indicator: dict[str, Any] = {}
            places: dict[DocPath, str] = {}
            for cell in row:
                role = columns.get(cell.column)
                if not cell.text or self._left_out(role):
                    continue
                if role is not None and role[0] in {"targets", "measurements"}:
                    values = indicator.setdefault(role[0], [])
                    values.append({"year": role[2] if len(role) > 2 else None, "value": cell.text})
                    places[("indicators", position, role[0], len(values) - 1)] = self._cell_place(number, cell.column)
                elif role is None or role[0] == "unknown" or role[0] in indicator:
                    self._unknown(cell, number, role, "degli indicatori")
                else:
                    indicator[role[0]] = cell.text
                    places[("indicators", position, role[0])] = self._cell_place(number, cell.column)
            if "name" not in indicator:
                self._without(row, number, columns, "riga senza il nome dell'indicatore")
                continue
            places[("indicators", position)] = places[("indicators", position, "name")]
            objective.places.update(places)
            objective.indicators.append(indicator)

    def _body(self, rows: list[list[Cell]], header: list[Cell], first: int = 2) -> list[tuple[int, list[Cell]]]:
        """The rows under the header, numbered as in the table: without empty rows and the header repeated where
        the table breaks across pages."""
        repeated = [key(cell.text) for cell in header]
        return [
            (number, row)
            for number, row in enumerate(rows[1:], start=first)
            if any(cell.text for cell in row) and [key(cell.text) for cell in row] != repeated
        ]

    def _left_out(self, role: tuple[Any, ...] | None) -> bool:
        """A column Traguardi computes, in a document Traguardi exported: named once, not read."""
        if role is None or role[0] != "computed":
            return False
        self.computed[role[1]] = None
        return True

    def _unknown(self, cell: Cell, number: int, role: tuple[Any, ...] | None, table: str) -> None:
        if role is None:
            why = f"cella sotto nessuna intestazione, nella tabella {table}"
        elif role[0] == "unknown":
            why = f"colonna «{role[1]}» non prevista nella tabella {table}"
        else:
            why = f"seconda cella sotto l'intestazione «{role[1]}», nella tabella {table}: vale la prima"
        self.unplaced.append(Unplaced(self._cell_place(number, cell.column), _shown(cell.text), why))

    def _without(self, row: list[Cell], number: int, columns: dict[int, tuple[Any, ...]], why: str) -> None:
        for cell in row:
            if cell.text:
                self.unplaced.append(
                    Unplaced(self._cell_place(number, cell.column), _shown(cell.text), f"{why}: {NOT_IMPORTED}")
                )

    def _cell_place(self, row: int, column: int) -> str:
        return f"{self.name}, tabella {self.tables}, riga {row}, colonna {column}"

    def _paragraph_place(self, text: str) -> str:
        return f"{self.name}, paragrafo {self.paragraphs} («{_shown(text, 60)}»)"

    # The plan, in the plan format.
    def finish(self, word: Any, organization_slug: str, identity: Identity, areas: list[dict[str, Any]]) -> WordPlan:
        properties = word.core_properties
        subject = layout.TITLE_AND_CODE.match((properties.subject or "").strip())
        code = identity.code or (subject.group("code") if subject else "")
        title = identity.title or (subject.group("title") if subject else "") or " ".join(self.title_lines[:1])
        problems = []
        if not code:
            problems.append(
                Problem(
                    self.name,
                    "il documento non dice il codice del piano",
                    "Indicalo con --plan-code CODICE (sulla pagina di importazione, nel campo «Codice del piano»).",
                )
            )
        if not title:
            problems.append(
                Problem(
                    self.name,
                    "il documento non dice il titolo del piano (non ha un paragrafo in stile Titolo)",
                    "Indicalo con --plan-title TITOLO (sulla pagina di importazione, nel campo «Titolo del piano»).",
                )
            )
        if not self.objectives:
            problems.append(
                Problem(
                    self.name,
                    "nessuna scheda di obiettivo trovata",
                    "Ogni obiettivo comincia con un titolo «Obiettivo N» (ad esempio «Obiettivo 1 – Titolo»), sotto "
                    "«Centro di responsabilità: Area …», seguito dalle sue tabelle.",
                )
            )
        if problems:
            raise PlanImportError(problems)
        objectives, places, area_list = self._objectives(areas)
        years = {
            value["year"]
            for objective in objectives
            for indicator in objective.get("indicators", [])
            for kind in ("targets", "measurements")
            for value in indicator.get(kind, [])
            if value["year"] is not None
        }
        year = identity.year or _year_of(" ".join(self.title_lines) or title) or min(years, default=None)
        if year is None:
            raise PlanImportError(
                [
                    Problem(
                        self.name,
                        "il documento non dice l'anno del piano",
                        "Indicalo con --year AAAA (sulla pagina di importazione, nel campo «Anno del piano»).",
                    )
                ]
            )
        for objective in objectives:
            for indicator in objective.get("indicators", []):
                for kind in ("targets", "measurements"):
                    for value in indicator.get(kind, []):
                        value["year"] = value["year"] or year
        if self.computed:
            self.unplaced.append(
                Unplaced(
                    self.name,
                    ", ".join(f"«{name}»" for name in self.computed),
                    "colonne della Relazione che Traguardi calcola dai fatti dell'anno: non sono dati del piano, "
                    f"{NOT_IMPORTED}",
                    inside=False,
                )
            )
        document = {
            "format": "traguardi-plan/1",
            "organization": {"slug": organization_slug, "name": (properties.author or organization_slug)[:200]},
            "areas": area_list,
            "plan": {
                "code": code,
                "kind": _kind(title),
                "title": title,
                "year_start": min(years | {year}),
                "year_end": max(years | {year}),
            },
            "objectives": objectives,
        }
        places[("plan",)] = self.name
        return WordPlan(document=document, places=places, unplaced=self.unplaced, name=self.name)

    def _objectives(
        self, known: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], dict[DocPath, str], list[dict[str, Any]]]:
        """The objectives by code: an objective of several areas appears under each, the same each time; two
        different objectives with one code refuse the document, never one lost in the other."""
        areas = {key(area["name"]): dict(area) for area in known}
        used: set[str] = {area["code"] for area in known}
        by_code: dict[str, int] = {}
        contents: dict[str, tuple[Any, ...]] = {}
        result: list[dict[str, Any]] = []
        places: dict[DocPath, str] = {}
        problems: list[Problem] = []
        for found in self.objectives:
            area_codes = [_area(name, areas, used) for name in found.areas]
            code = str(found.values.get("code", found.label))
            if code in by_code:
                index = by_code[code]
                if found.content() != contents[code]:
                    problems.append(
                        Problem(
                            found.place,
                            f"due obiettivi diversi con lo stesso codice «{code}» (l'altro: "
                            f"{places[('objectives', index)]})",
                            "Aggiungi a ogni scheda una riga «Codice» con il codice dell'obiettivo, diverso per "
                            "ognuno.",
                        )
                    )
                result[index]["areas"] += [area for area in area_codes if area not in result[index]["areas"]]
                continue
            contents[code] = found.content()
            found.values.pop("code", None)
            objective: dict[str, Any] = {"code": code, "areas": area_codes, **found.values}
            if found.label.isdigit() and found.label != code:
                objective["number"] = int(found.label)
            if found.description:
                objective["description"] = "\n\n".join(found.description)
            for name, items in (("activities", found.activities), ("indicators", found.indicators)):
                if items:
                    objective[name] = items
            reports = [{"date": r["date"], "text": "\n\n".join(r["text"])} for r in found.reports if r["text"]]
            if reports:
                objective["reports"] = reports
            index = by_code[code] = len(result)
            result.append(objective)
            places[("objectives", index)] = found.place
            for path, place in found.places.items():
                places[("objectives", index, *path)] = place
        if problems:
            raise PlanImportError(problems)
        return result, places, list(areas.values())


def _roles(header: list[Cell], names: dict[str, str], *, computed: bool) -> dict[int, tuple[Any, ...]]:
    """What each grid column of the table holds, by its header: (role, header as written[, year]). A header
    spanning columns gives its role to each. `computed`: the document is a Relazione Traguardi exported."""
    roles: dict[int, tuple[Any, ...]] = {}
    for cell in header:
        name = key(cell.text)
        role: tuple[Any, ...]
        if name in names:
            role = (names[name], cell.text)
        elif match := layout.TARGET.match(name):
            role = ("targets", cell.text, int(match.group("year")) if match.group("year") else None)
        elif match := layout.ACTUAL.match(name):
            role = ("measurements", cell.text, int(match.group("year")) if match.group("year") else None)
        elif name in layout.COMPUTED and computed:
            role = ("computed", cell.text)
        elif cell.text:
            role = ("unknown", cell.text)
        else:
            continue
        for column in range(cell.column, cell.column + cell.span):
            roles[column] = role
    return roles


def _header_field(label: str) -> str:
    if label in layout.COMPUTED:
        return "computed"
    return next((name for start, name in layout.HEADER_LABELS if label == start or label.startswith(start + " ")), "")


def _area(name: str, areas: dict[str, dict[str, Any]], used: set[str]) -> str:
    """The code of the body's area of that name or, for a new one, a code of its words' initials."""
    found = areas.get(key(name))
    if found is not None:
        return str(found["code"])
    words = [word for word in key(name).replace("-", " ").split() if word not in {"area", "e", "di", "del", "della"}]
    base = "".join(word[:3] for word in words[:3]).upper() or "AREA"
    code, number = base[:60], 1
    while code in used:
        number += 1
        code = f"{base[:56]}{number}"
    used.add(code)
    areas[key(name)] = {"code": code, "name": name}
    return code


def _year_of(text: str) -> int | None:
    match = layout.YEAR.search(text)
    return int(match.group(1)) if match else None


def _kind(title: str) -> str:
    words = key(title)
    for word, kind in (("relazione", "relazione"), ("piao", "piao"), ("zona", "piano_di_zona")):
        if word in words:
            return kind
    return "performance" if "performance" in words else "peg"


def _shown(text: str, limit: int = SHOWN) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def draft_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    """What the office reviews of a plan read from a Word document, before it is imported: each objective with
    its areas, header fields, activities (times as written) and indicators (targets and actual values as
    written)."""
    areas = {area["code"]: area["name"] for area in document.get("areas", [])}

    def values(items: list[dict[str, Any]]) -> str:
        return "; ".join(f"{item['year']}: {item['value']}" for item in items)

    shown = (
        ("programme", "Programma"),
        ("strategic_area", "Area strategica"),
        ("operational_objective", "Obiettivo operativo"),
        ("services", "Servizi interessati"),
        ("end_users", "Utenti finali"),
        ("peg_project", "Progetto PEG"),
        ("networks", "Reti di collaborazione"),
        ("typology", "Tipologia"),
        ("classification", "Classificazione"),
        ("weight", "Peso"),
    )
    return [
        {
            "code": objective["code"],
            "title": objective.get("title", ""),
            "areas": ", ".join(areas.get(code, code) for code in objective.get("areas", [])),
            "fields": [(label, str(objective[name])) for name, label in shown if objective.get(name)],
            "description": objective.get("description", ""),
            "activities": [
                {name: str(activity.get(name, "")) for name in ("code", "description", "planned", "actual")}
                for activity in objective.get("activities", [])
            ],
            "indicators": [
                {
                    "name": indicator["name"],
                    "unit": indicator.get("unit", ""),
                    "targets": values(indicator.get("targets", [])),
                    "measurements": values(indicator.get("measurements", [])),
                }
                for indicator in objective.get("indicators", [])
            ],
        }
        for objective in document.get("objectives", [])
    ]
