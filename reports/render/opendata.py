"""The Relazione as open data: CSV (one row per indicator and year) and JSON (plan → objectives → details).

Machine-readable on purpose: English keys and column names, dot decimals, ISO dates, plain UTF-8 without
BOM, comma separator. Values are as written in the plan ("=>4", "si", "75%") next to the percentage reached.

Safe to open in a spreadsheet: a CSV cell that Excel or LibreOffice would read as a formula (one starting with
=, +, -, @, a tab or a carriage return, as OWASP's guidance on CSV injection lists) gets a leading apostrophe,
so "=HYPERLINK(...)" or "=>4" are shown as text; a plain number ("-5", "+3,5", "-12.5%") is left as it is.
The JSON keeps every value exactly as written, and names the section of "Amministrazione trasparente" the data
belong to. The CSV for people (Italian headers, ";", decimal comma, BOM) is reports.render.opendata_it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any, Protocol

from plans.parsing.numbers import exact_text
from reports.render.publication import ANAC_REFERENCE, ANAC_SECTION
from reports.sections import ActivityRow, IndicatorRow, ObjectiveSection, Relazione, ScoreLine, Scores, WorkflowEvent

CSV_COLUMNS = (
    "organization",
    "plan",
    "year",
    "areas",
    "objective_code",
    "objective_programme",
    "objective_number",
    "objective_title",
    "indicator_position",
    "indicator",
    "indicator_description",
    "unit",
    "expected",
    "actual",
    "percent",
    "light",
)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)*%?")


def spreadsheet_safe(cell: object) -> object:
    """The cell as a spreadsheet shows it as text: a leading apostrophe before what would start a formula.
    (defusedcsv does the same but misses the tab and the carriage return, and rewrites "|" inside values.)"""
    if isinstance(cell, str) and cell.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def _write_row(writer: Any, row: Iterable[object]) -> None:
    writer.writerow([spreadsheet_safe(cell) for cell in row])


class CsvObjective(Protocol):
    """What a CSV row reads of its objective: a reports.sections.ObjectiveSection, or the open data's own
    lighter reports.opendata.OpenDataObjective."""

    @property
    def code(self) -> str: ...
    @property
    def number(self) -> int | None: ...
    @property
    def programme(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def area_codes(self) -> tuple[str, ...]: ...
    @property
    def indicators(self) -> tuple[IndicatorRow, ...]: ...


FLUSH_CHARS = 64 * 1024  # a streamed CSV is sent in pieces of about this size


def render_csv(relazione: Relazione) -> bytes:
    return b"".join(stream_csv(relazione, relazione.objectives))


def stream_csv(relazione: Relazione, objectives: Iterable[CsvObjective]) -> Iterator[bytes]:
    """The CSV in pieces: the heading from `relazione`, one row per indicator of `objectives`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for o in objectives:
        for i in o.indicators:
            _write_row(
                writer,
                (
                    relazione.organization_slug,
                    relazione.plan_code,
                    relazione.year,
                    ";".join(o.area_codes),
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
                    _decimal_text(i.percent),
                    i.light or "",
                ),
            )
        if buffer.tell() >= FLUSH_CHARS:
            yield take(buffer).encode("utf-8")
    yield take(buffer).encode("utf-8")


def take(buffer: io.StringIO) -> str:
    """What the buffer holds, which it then forgets."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def render_json(relazione: Relazione) -> bytes:
    document = {
        "organization": {"slug": relazione.organization_slug, "name": relazione.organization_name},
        "plan": {"code": relazione.plan_code, "title": relazione.plan_title},
        "year": relazione.year,
        "prepared_on": _iso(relazione.prepared_on),
        # Where the body publishes these data (see reports.render.publication).
        "publication": {"section": ANAC_SECTION, "legal_basis": ANAC_REFERENCE},
        "objectives": [_objective(objective) for objective in relazione.objectives],
    }
    if relazione.scores is not None:
        document["scores"] = _scores(relazione.scores)
    # Keys keep the order written here (stable across runs); no sort, so related keys stay together.
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def _objective(o: ObjectiveSection) -> dict[str, Any]:
    return {
        "code": o.code,
        "areas": list(o.area_codes),
        "programme": o.programme,
        "number": o.number,
        "title": o.title,
        "state": o.state,
        "strategic_area": o.strategic_area,
        "operational_objective": o.operational_objective,
        "peg_project": o.peg_project,
        "services": o.services,
        "end_users": o.end_users,
        "networks": o.networks,
        "description": o.description,
        "planned_end": _iso(o.planned_end),
        "actual_end": _iso(o.actual_end),
        "level": o.level,
        "budget_income": _money(o.budget_income),
        "budget_expense": _money(o.budget_expense),
        "events": [_event(event) for event in o.events],
        "activities": [_activity(activity) for activity in o.activities],
        "indicators": [_indicator(indicator) for indicator in o.indicators],
        "reports": [{"date": _iso(report.date), "text": report.text} for report in o.reports],
    }


def _activity(a: ActivityRow) -> dict[str, Any]:
    return {
        "position": a.position,
        "description": a.description,
        # "Tempi" as written in the plan; the dates are today's deadline (moved by approved postponements).
        "planned": a.planned,
        "planned_start": _iso(a.planned_start),
        "planned_end": _iso(a.planned_end),
        # The imported "Consuntivo" text as written, never rewritten; the facts below are the workflow's, and
        # "discrepancy" says in words where the two disagree (null when they do not).
        "actual_as_written": a.actual,
        "state": a.state,
        "actual_start": _iso(a.actual_start),
        "actual_end": _iso(a.actual_end),
        "events": [_event(event) for event in a.events],
        "discrepancy": a.discrepancy or None,
    }


def _event(e: WorkflowEvent) -> dict[str, Any]:
    return {
        "transition": e.transition,
        "status": e.status,
        "requested_on": _iso(e.requested_on),
        "requested_by": e.requested_by,
        "reason": e.reason,
        "new_planned_end": _iso(e.new_planned_end),
        "actual_end": _iso(e.actual_end),
        "decisions": [
            {
                "step": d.step,
                "decision": d.decision,
                "by": d.by,
                "on_behalf_of": d.on_behalf_of or None,
                "on": _iso(d.on),
                "comment": d.comment,
            }
            for d in e.decisions
        ],
    }


def _indicator(i: IndicatorRow) -> dict[str, Any]:
    return {
        "position": i.position,
        "name": i.name,
        "description": i.description,
        "unit": i.unit,
        "direction": i.direction,
        "expected": i.expected,
        "actual": i.actual,
        "measured_on": _iso(i.measured_on),
        # A JSON number: one decimal, so the float is exact enough for any reader.
        "percent": None if i.percent is None else float(i.percent),
        "light": i.light,
        "level": i.level,
        "motivation": i.motivation,
        "values_awaiting_confirmation": i.awaiting_confirmation,
    }


def _scores(scores: Scores) -> dict[str, Any]:
    """The year's scores (evaluation.scores) as exact decimal strings ("86.67"), null when not measurable."""

    def line(item: ScoreLine) -> dict[str, Any]:
        return {
            "name": item.label,
            "score": _money(item.score),
            "level": item.level,
            "label": item.band,
            "symbol": item.symbol,
            "explanation": item.explanation,
        } | ({"weight": exact_text(item.weight)} if item.weight is not None else {})

    return {
        "rule": scores.rule,
        "body": line(scores.body),
        "areas": [line(area) for area in scores.areas],
        "objectives": [line(objective) for objective in scores.objectives],
    }


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _money(value: Decimal | None) -> str | None:
    """A decimal string ("12500.00"): exact, which a JSON float is not."""
    return None if value is None else f"{value:.2f}"


def _decimal_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.1f}"
