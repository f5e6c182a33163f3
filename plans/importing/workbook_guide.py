"""What guides the hand in a workbook Traguardi writes (the template and the plans' exports): under every header a
note saying what the column takes, and on every coded column a list of its Italian words to choose from.

The list only warns: the reader also accepts the other words an office writes for a code (plans.importing.
workbook_layout's labels) and the code itself, so a value typed by hand is never blocked."""

from __future__ import annotations

from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from plans.importing.workbook_layout import (
    AREAS,
    HISTORY_ROLE,
    MEASUREMENT_ROLE,
    OBJECTIVES,
    SHEETS,
    TARGET_ROLE,
    Column,
    SheetLayout,
)

AUTHOR = "Traguardi"
ROLES = (TARGET_ROLE, MEASUREMENT_ROLE, HISTORY_ROLE)
KINDS = {
    "text": "Testo.",
    "int": "Un numero intero.",
    "date": "Una data, ad esempio 30/06/2026.",
    "raw": (
        "Scritto come nel documento (ad esempio «75%», «1.250,00», «Marzo-Giugno»): Traguardi lo conserva com'è e "
        "ne legge il valore; ciò che non capisce resta com'è scritto e viene segnalato."
    ),
    "list": f"Uno o più codici del foglio «{AREAS.name}», separati da virgole.",
}
REFERENCES = {
    "patron_saint_day": "Il giorno della festa nel formato MM-GG, ad esempio 06-24 (una colonna di testo).",
    "unit": "Come scritta nel documento, ad esempio «%», «n.», «giorni», «euro».",
    "objective": f"Il codice di un obiettivo del foglio «{OBJECTIVES.name}».",
    "indicator": "Il numero (N.) di un indicatore dello stesso obiettivo, dal foglio «Indicatori».",
    "sheet": f"Il codice di una scheda del foglio «{SHEETS.name}».",
    "area": f"Il codice di un'area del foglio «{AREAS.name}».",
    "role": f"Quale valore è: {', '.join(ROLES)}.",
}


def choices(column: Column) -> tuple[str, ...]:
    """The words offered in a column's list: its codes' Italian words, or the values' roles."""
    if column.labels:
        return tuple(column.words)
    return ROLES if column.key == "role" else ()


PARENTS = {
    AREAS.name: "Il codice di un'altra area di questo foglio, se l'area ne fa parte.",
    OBJECTIVES.name: ("Il codice di un altro obiettivo di questo foglio a cui questo è collegato."),
}


def note(column: Column, layout: SheetLayout) -> str:
    said = ["Obbligatorio." if column.required else "Facoltativo."]
    if layout is SHEETS and column.key == "code":
        said.append(
            "Le schede d'azione sono del Piano di zona, che non ha obiettivi: un PEG o un Piano della performance "
            "lascia vuoto questo foglio e «Indicatori schede»."
        )
    elif column.key == "parent" and layout.name in PARENTS:
        said.append(PARENTS[layout.name])
    elif column.key in REFERENCES:
        said.append(REFERENCES[column.key])
    elif column.labels:
        said.append(f"Uno di: {', '.join(column.words)} (anche il codice: {', '.join(c for c, _w in column.labels)}).")
    else:
        said.append(KINDS[column.kind])
    return " ".join(said)


def guide(sheet: Worksheet, layout: SheetLayout) -> None:
    for index, column in enumerate(layout.columns, start=1):
        letter = get_column_letter(index)
        comment = Comment(note(column, layout), AUTHOR)
        if column.key == "patron_saint_day":  # typed "06-24" must stay text: Excel would make it a date
            sheet.column_dimensions[letter].number_format = "@"
        comment.width, comment.height = 320, 120
        sheet[f"{letter}1"].comment = comment
        words = choices(column)
        if not words:
            continue
        listed = ",".join(words)
        assert '"' not in listed and len(listed) <= 255 and all("," not in word for word in words), listed
        validation = DataValidation(
            type="list",
            formula1=f'"{listed}"',
            allow_blank=True,
            errorStyle="warning",
            showErrorMessage=True,
            errorTitle=column.header,
            error=(
                f"Non è tra le voci dell'elenco ({', '.join(words)}). Traguardi accetta anche i codici e altre parole "
                "d'uso per la stessa voce: se è una di queste, conferma."
            ),
        )
        validation.add(f"{letter}2:{letter}1048576")
        sheet.add_data_validation(validation)
