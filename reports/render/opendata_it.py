"""The open data as Italian spreadsheets open them: the CSV for people, beside the machine-oriented one.

Italian Excel and LibreOffice read a double-click CSV with the system's list separator (";" in Italy) and decimal
comma, and take a file without BOM for the legacy code page: so this file has Italian headers, ";" between
columns, decimal commas, dates as dd/mm/yyyy, and UTF-8 with a BOM. One row per indicator, as the machine CSV,
plus the date of the measurement; the values are as written in the plan ("=>4", "75%"). Every cell goes through
the same spreadsheet_safe as the machine CSV, so a formula is shown as text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.utils.translation import gettext as _

from reports import labels
from reports.render.opendata import FLUSH_CHARS, CsvObjective, spreadsheet_safe, take
from reports.sections import Relazione

DELIMITER = ";"
ENCODING = "utf-8-sig"  # UTF-8 with the BOM that tells Excel so


def csv_columns(year: int) -> list[str]:
    return [
        _("Ente"),
        _("Codice piano"),
        _("Piano"),
        _("Anno"),
        str(labels.AREAS),
        _("Codice obiettivo"),
        str(labels.PROGRAMME),
        _("Numero obiettivo"),
        str(labels.OBJECTIVE),
        _("N. indicatore"),
        str(labels.INDICATOR),
        _("Descrizione indicatore"),
        _("Unità di misura"),
        f"{labels.EXPECTED} {year}",
        f"{labels.MEASURED} {year}",
        _("Data di rilevazione"),
        str(labels.PERCENT),
        str(labels.LIGHT),
    ]


def render_csv_it(relazione: Relazione) -> bytes:
    return b"".join(stream_csv_it(relazione, relazione.objectives))


def stream_csv_it(relazione: Relazione, objectives: Iterable[CsvObjective]) -> Iterator[bytes]:
    """The CSV in pieces: the heading from `relazione`, one row per indicator of `objectives`; the BOM once,
    at the start."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow(csv_columns(relazione.year))
    area_names = {area.code: area.name for area in relazione.areas if area.code}
    encoding = ENCODING
    for o in objectives:
        areas = ", ".join(area_names.get(code, code) for code in o.area_codes)
        for i in o.indicators:
            row = (
                relazione.organization_name,
                relazione.plan_code,
                relazione.plan_title,
                relazione.year,
                areas,
                o.code,
                o.programme,
                "" if o.number is None else o.number,
                o.title,
                i.position,
                i.name,
                i.description,
                i.unit,
                i.expected,
                i.actual,
                italian_date(i.measured_on),
                italian_decimal(i.percent),
                str(labels.LIGHTS[i.light]) if i.light in labels.LIGHTS else "",
            )
            writer.writerow([spreadsheet_safe(cell) for cell in row])
        if buffer.tell() >= FLUSH_CHARS:
            yield take(buffer).encode(encoding)
            encoding = "utf-8"  # the BOM went with the first piece
    yield take(buffer).encode(encoding)


def italian_date(value: dt.date | None) -> str:
    return "" if value is None else f"{value:%d/%m/%Y}"


def italian_decimal(value: Decimal | None) -> str:
    """ "83,0": one decimal, comma as separator, as the documents show it."""
    return "" if value is None else f"{value:.1f}".replace(".", ",")
