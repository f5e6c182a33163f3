"""The XLSX workbook layout: one sheet per entity, Italian headers, each mapped to a key of the plan format."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

CellKind = Literal["text", "int", "date", "raw", "list"]


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    kind: CellKind = "text"
    required: bool = False
    # A coded column: each code of the plan format with the words an office writes for it, the first one the
    # word the workbook is written with. The code itself is accepted too.
    labels: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def code_of(self, text: str) -> str | None:
        """The code `text` stands for (case, accents and spacing aside), or None."""
        wanted = normalise_header(text)
        for code, words in self.labels:
            if wanted == normalise_header(code) or any(wanted == normalise_header(word) for word in words):
                return code
        return None

    def label_of(self, code: str) -> str:
        """The word the workbook writes for `code` (the code itself when it is not one of the column's)."""
        return next((words[0] for known, words in self.labels if known == code), code)

    @property
    def words(self) -> list[str]:
        return [words[0] for _code, words in self.labels]


@dataclass(frozen=True)
class SheetLayout:
    """A sheet of the workbook. Every sheet must be in a file (plans.importing.workbook: a sheet left unread
    would import as "no rows"); a sheet may have no rows under its headers."""

    name: str
    columns: tuple[Column, ...]

    def by_header(self) -> dict[str, Column]:
        return {normalise_header(column.header): column for column in self.columns}


def normalise_header(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.lower().replace("*", " ").replace(".", " ").split())


# The words of the coded columns (the plan format's codes: plans/schema/plan.schema.json).
ORGANIZATION_KINDS = (
    ("comune", ("Comune",)),
    ("consorzio", ("Consorzio",)),
    ("unione", ("Unione di comuni", "Unione")),
    ("asl", ("Azienda sanitaria", "Azienda sanitaria locale", "ASL", "Azienda USL", "AUSL")),
    ("ambito", ("Ambito territoriale", "Ambito", "Ambito territoriale sociale")),
    ("altro", ("Altro",)),
)
PLAN_KINDS = (
    ("peg", ("PEG", "Piano esecutivo di gestione")),
    ("performance", ("Piano della performance", "Performance")),
    ("piao", ("PIAO", "Piano integrato di attività e organizzazione")),
    ("piano_di_zona", ("Piano di zona",)),
    ("relazione", ("Relazione sulla performance", "Relazione")),
)
DIRECTIONS = (
    ("increase", ("crescente", "più è alto, meglio è", "in aumento", "aumento")),
    ("decrease", ("decrescente", "più è basso, meglio è", "in diminuzione", "diminuzione", "riduzione")),
    ("target", ("valore obiettivo", "puntuale", "valore puntuale")),
)

# The indicator's baseline ({"value", "year", "source"} in the plan format) in three columns of its row.
BASELINE_COLUMNS = {"value": "baseline", "year": "baseline_year", "source": "baseline_source"}

ORGANIZATION = SheetLayout(
    "Ente",
    (
        Column("Identificativo", "slug", required=True),
        Column("Nome", "name", required=True),
        Column("Tipo", "kind", labels=ORGANIZATION_KINDS),
        Column("Santo patrono", "patron_saint_day"),
    ),
)
PLAN = SheetLayout(
    "Piano",
    (
        Column("Codice", "code", required=True),
        Column("Tipo", "kind", required=True, labels=PLAN_KINDS),
        Column("Titolo", "title", required=True),
        Column("Anno inizio", "year_start", "int", required=True),
        Column("Anno fine", "year_end", "int", required=True),
        Column("Atto di adozione", "adoption_act"),
        Column("Fonte", "source"),
    ),
)
AREAS = SheetLayout(
    "Aree",
    (
        Column("Codice", "code", required=True),
        Column("Nome", "name", required=True),
        Column("Tipo", "kind"),
        Column("Area madre", "parent"),
        Column("Responsabile nel documento", "head_name"),
    ),
)
OBJECTIVES = SheetLayout(
    "Obiettivi",
    (
        Column("Codice", "code", required=True),
        Column("Collegato a", "parent"),
        Column("Aree", "areas", "list", required=True),
        Column("Programma", "programme"),
        Column("Numero", "number", "int"),
        Column("Titolo", "title", required=True),
        Column("Tipologia", "typology"),
        Column("Classificazione", "classification"),
        Column("Descrizione", "description"),
        Column("Area strategica", "strategic_area"),
        Column("Obiettivo operativo", "operational_objective"),
        Column("Progetto PEG", "peg_project"),
        Column("Servizi interessati", "services"),
        Column("Utenti finali", "end_users"),
        Column("Reti di collaborazione", "networks"),
        Column("Peso", "weight", "raw"),
        Column("Entrata", "budget_income", "raw"),
        Column("Spesa", "budget_expense", "raw"),
        Column("Inizio previsto", "planned_start", "date"),
        Column("Scadenza prevista", "planned_end", "date"),
        Column("Referente", "owner"),
    ),
)
ACTIVITIES = SheetLayout(
    "Attività",
    (
        Column("Obiettivo", "objective", required=True),
        Column("Attività", "description", required=True),
        Column("Tempi", "planned", "raw"),
        Column("Consuntivo", "actual", "raw"),
        Column("Referente", "owner"),
        # After the columns the template had before them: the letters offices know stay where they were.
        Column("Codice", "code"),
        Column("Enti esterni", "external_bodies"),
    ),
)
INDICATORS = SheetLayout(
    "Indicatori",
    (
        Column("Obiettivo", "objective", required=True),
        Column("N.", "number", "int", required=True),
        Column("Indicatore", "name", required=True),
        Column("Descrizione", "description"),
        Column("Tipo", "type"),
        Column("Unità di misura", "unit", "raw"),
        Column("Verso", "direction", labels=DIRECTIONS),
        Column("Note", "note"),
        Column("Peso", "weight", "raw"),
        Column("Baseline", BASELINE_COLUMNS["value"], "raw"),
        Column("Anno baseline", BASELINE_COLUMNS["year"], "int"),
        Column("Fonte baseline", BASELINE_COLUMNS["source"]),
    ),
)
VALUES = SheetLayout(
    "Valori",
    (
        Column("Obiettivo", "objective", required=True),
        Column("Indicatore N.", "indicator", "int", required=True),
        Column("Valore", "role", required=True),
        Column("Anno", "year", "int", required=True),
        Column("Dato", "value", "raw", required=True),
        Column("Data", "date", "date"),
        Column("Note", "note"),
        Column("Fonte", "source"),
    ),
)
REPORTS = SheetLayout(
    "Relazioni",
    (
        Column("Obiettivo", "objective", required=True),
        Column("Data", "date", "date", required=True),
        Column("Testo", "text", required=True),
    ),
)
SHEETS = SheetLayout(
    "Schede",
    (
        Column("Codice", "code", required=True),
        Column("Numero", "number", "int"),
        Column("Livello", "level"),
        Column("Area", "area"),
        Column("Obiettivo", "goal"),
        Column("Titolo azione", "title", required=True),
        Column("Obiettivi", "objectives"),
        Column("Strategia", "strategy"),
        Column("Attività previste", "planned_activities"),
        Column("Tempistica", "timing"),
        Column("Strutture organizzative", "organisation"),
        Column("Partecipazione e comunicazione", "participation"),
        Column("Azioni sussidiarie", "subsidiary_actions"),
        Column("Metodologie di valutazione", "evaluation_methods"),
        Column("Rischi e criticità", "risks"),
        Column("Modalità di gestione", "management_mode"),
        Column("Costo", "cost"),
    ),
)
SHEET_INDICATORS = SheetLayout(
    "Indicatori schede",
    (
        Column("Scheda", "sheet", required=True),
        Column("Indicatore", "text", required=True),
    ),
)

LAYOUTS = (ORGANIZATION, PLAN, AREAS, OBJECTIVES, ACTIVITIES, INDICATORS, VALUES, REPORTS, SHEETS, SHEET_INDICATORS)
TARGET_ROLE, MEASUREMENT_ROLE, HISTORY_ROLE = "atteso", "consuntivo", "storico"
