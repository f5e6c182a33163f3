"""What an import refuses besides the schema's rules, each with its location: a NUL character anywhere (a
"\\0" in YAML, a "\\u0000" in JSON: PostgreSQL cannot store it), dates outside the plan's window and amounts
the columns cannot hold (the bounds of plans.limits, the same as the workflow's). Indicator values are
parsed, and checked, where they are written (plans.importing.details)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from plans.importing.errors import DocPath, Locator, Problem
from plans.limits import Column, column, fits, integer_digits, plan_window
from plans.models import Indicator, Objective
from plans.parsing import parse_italian_decimal

NUL = "\x00"
MAX_PROBLEMS = 50


def text_problems(document: Any, locate: Locator) -> list[Problem]:
    """Every key or text holding a NUL. YAML aliases share their objects: each one is read once, so that a
    file of nested aliases cannot make the walk take exponential time."""
    problems: list[Problem] = []
    seen: set[int] = set()
    pending: list[tuple[Any, DocPath]] = [(document, ())]
    while pending and len(problems) < MAX_PROBLEMS:
        value, path = pending.pop()
        if isinstance(value, str):
            if NUL in value:
                problems.append(_nul(locate(path)))
            continue
        if not isinstance(value, dict | list) or id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and NUL in key:
                    problems.append(_nul(locate(path)))
                pending.append((item, (*path, str(key))))
        else:
            pending.extend((item, (*path, index)) for index, item in enumerate(value))
    problems.sort(key=lambda problem: problem.where)
    return problems


def _nul(where: str) -> Problem:
    return Problem(
        where,
        "il testo contiene il carattere NUL (U+0000), che non si può salvare",
        'Toglilo: di solito è un "\\0" o un "\\u0000" scritto nel file, o viene da un copia e incolla.',
    )


def limit_problems(document: dict[str, Any], locate: Locator) -> list[Problem]:
    """Dates outside the plan's window and amounts too large, in a document the schema accepted."""
    plan = document["plan"]
    window = plan_window(plan["year_start"], plan["year_end"])
    problems: list[Problem] = []
    for index, objective in enumerate(document.get("objectives", [])):
        base: DocPath = ("objectives", index)
        for path, text in _dates(objective, base):
            day = _date(text)
            if day is not None and day not in window:
                problems.append(Problem(locate(path), f"la data {text} è fuori dai limiti", window.problem()))
        problems += _amount_problems(objective, base, locate)
        for position, indicator in enumerate(objective.get("indicators", [])):
            problems += _weight_problems(indicator, (*base, "indicators", position), locate)
    return problems[:MAX_PROBLEMS]


def _weight_problems(indicator: dict[str, Any], base: DocPath, locate: Locator) -> Iterator[Problem]:
    if "weight" not in indicator:
        return
    try:
        weight = parse_italian_decimal(str(indicator["weight"]))
    except ValueError:
        return  # unreadable: reported by the validation
    if not fits(column(Indicator, "weight"), weight):
        yield Problem(
            locate((*base, "weight")),
            f"il peso {indicator['weight']} è troppo grande",
            f"Sono ammesse al massimo {integer_digits(column(Indicator, 'weight'))} cifre prima della virgola.",
        )
    else:
        yield from _decimals_problem(
            column(Indicator, "weight"), weight, indicator["weight"], (*base, "weight"), locate
        )


def _decimals_problem(
    field: Column, number: Decimal, written: object, path: DocPath, locate: Locator
) -> Iterator[Problem]:
    """A number with more decimals than its column keeps would be stored rounded, as another number: refused."""
    places = int(field.decimal_places or 0)
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        rounded = f"{number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)}".replace(".", ",")
        yield Problem(
            locate(path),
            f"{written} ha più di {places} decimali: se ne conservano solo {places}",
            f"Scrivi il numero con al più {places} decimali, ad esempio {rounded}.",
        )


def _dates(objective: dict[str, Any], base: DocPath) -> Iterator[tuple[DocPath, str]]:
    for field in ("planned_start", "planned_end"):
        if field in objective:
            yield (*base, field), objective[field]
    for index, report in enumerate(objective.get("reports", [])):
        yield (*base, "reports", index, "date"), report["date"]
    for position, indicator in enumerate(objective.get("indicators", [])):
        for index, measurement in enumerate(indicator.get("measurements", [])):
            if "date" in measurement:
                yield (*base, "indicators", position, "measurements", index, "date"), measurement["date"]


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None  # an impossible date is reported by the schema


def _amount_problems(objective: dict[str, Any], base: DocPath, locate: Locator) -> Iterator[Problem]:
    for field in ("weight", "budget_income", "budget_expense"):
        if field not in objective:
            continue
        try:
            amount = parse_italian_decimal(str(objective[field]))
        except ValueError:
            continue  # unreadable: reported by the validation
        if not fits(column(Objective, field), amount):
            digits = integer_digits(column(Objective, field))
            yield Problem(
                locate((*base, field)),
                f"l'importo {objective[field]} è troppo grande",
                f"Sono ammesse al massimo {digits} cifre prima della virgola.",
            )
        else:
            yield from _decimals_problem(column(Objective, field), amount, objective[field], (*base, field), locate)
