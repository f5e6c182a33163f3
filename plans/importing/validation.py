"""Check a plan document before anything is written: first the JSON Schema, then the cross-references."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from plans.importing.errors import DocPath, Locator, Problem
from plans.importing.schema_check import Check, compiled_check, schema_errors
from plans.models.weights import WEIGHT_TEXT_CHARS
from plans.parsing import parse_italian_decimal

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "plan.schema.json"
MAX_PROBLEMS = 50

_TYPE_NAMES = {
    "string": "un testo",
    "integer": "un numero intero",
    "number": "un numero",
    "array": "un elenco",
    "object": "una sezione con campi",
    "boolean": "vero/falso",
    "null": "nessun valore",
}


@cache
def plan_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def _type_of(value: object) -> str:
    if isinstance(value, bool):
        return "vero/falso"
    if isinstance(value, int | float):
        return "un numero"
    if isinstance(value, str):
        return "un testo"
    if isinstance(value, list):
        return "un elenco"
    if isinstance(value, dict):
        return "una sezione con campi"
    return "nessun valore"


def _describe(error: jsonschema.ValidationError) -> tuple[str, str]:
    """An Italian sentence for one schema error, and how to fix it."""
    validator = error.validator
    expected: Any = error.validator_value
    instance: Any = error.instance
    schema: Any = error.schema
    if validator == "required":
        missing = [name for name in expected if name not in instance]
        return f"manca il campo obbligatorio «{missing[0]}»", f"Aggiungi «{missing[0]}»."
    if validator == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        extra = sorted(set(instance) - set(allowed))
        return f"campo sconosciuto «{extra[0]}»", f"Controlla l'ortografia; i campi ammessi sono: {', '.join(allowed)}."
    if validator == "type":
        wanted = " o ".join(_TYPE_NAMES[name] for name in ([expected] if isinstance(expected, str) else expected))
        return f"atteso {wanted}, trovato {_type_of(instance)} ({instance!r})", "Correggi il valore."
    if validator == "format" and expected == "date":
        return (
            f"«{instance}» non è una data valida",
            "Scrivi una data che esiste nel formato AAAA-MM-GG, ad esempio 2021-12-31.",
        )
    if validator == "pattern" and "\\d{4}-\\d{2}-\\d{2}" in expected:
        return f"«{instance}» non è nel formato AAAA-MM-GG", "Scrivi la data come 2021-12-31."
    if validator == "enum":
        options = ", ".join(str(option) for option in expected)
        return f"valore «{instance}» non ammesso", f"Usa uno tra: {options}."
    if validator == "const":
        return f"valore «{instance}» non ammesso", f"Il valore deve essere «{expected}»."
    if validator in {"minimum", "maximum"}:
        word = "almeno" if validator == "minimum" else "al più"
        return f"il valore {instance} è fuori intervallo", f"Deve essere {word} {expected}."
    if validator in {"minLength", "minItems"}:
        return "il valore è vuoto", "Compila il campo."
    if validator == "maxLength":
        return f"il testo è troppo lungo ({len(instance)} caratteri)", f"Accorcialo a {expected} caratteri al massimo."
    if validator == "pattern":
        return f"«{instance}» non ha la forma attesa", "Controlla spazi iniziali o finali e caratteri ammessi."
    return error.message, ""


@cache
def plan_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(plan_schema(), format_checker=jsonschema.FormatChecker())


@cache
def plan_check() -> Check | None:
    validator = plan_validator()
    return compiled_check(plan_schema(), validator.format_checker or jsonschema.FormatChecker())


def schema_problems(document: Any, locate: Locator) -> list[Problem]:
    check = plan_check()
    if check is not None and check(document):
        return []  # valid: jsonschema would find nothing, so it only runs to word errors
    errors = sorted(schema_errors(plan_validator(), document), key=lambda error: [str(p) for p in error.absolute_path])
    problems = []
    for error in errors[:MAX_PROBLEMS]:
        what, fix = _describe(error)
        problems.append(Problem(locate(tuple(error.absolute_path)), what, fix))
    return problems


def _duplicates(items: list[dict[str, Any]], key: str, base: DocPath, locate: Locator, label: str) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        value = item[key]
        if value in seen:
            yield Problem(
                locate((*base, index, key)),
                f"{label} «{value}» è ripetuto (già usato all'elemento {seen[value] + 1})",
                "Ogni codice deve essere unico: correggi uno dei due.",
            )
        else:
            seen[value] = index


def _cycle_problems(items: list[dict[str, Any]], base: DocPath, locate: Locator, label: str) -> Iterator[Problem]:
    parent_of = {item["code"]: item.get("parent") for item in items}
    for index, item in enumerate(items):
        seen, current = {item["code"]}, item.get("parent")
        while current is not None and current in parent_of:
            if current in seen:
                yield Problem(
                    locate((*base, index, "parent")),
                    f"{label} «{item['code']}» è collegato a se stesso attraverso «{current}»",
                    "Correggi «parent» in modo che la gerarchia non formi un ciclo.",
                )
                break
            seen.add(current)
            current = parent_of[current]


def reference_problems(document: dict[str, Any], locate: Locator) -> list[Problem]:
    """Duplicate codes, unknown areas and parents, cycles, years outside the plan, unreadable amounts."""
    problems: list[Problem] = []
    areas: list[dict[str, Any]] = document.get("areas", [])
    objectives: list[dict[str, Any]] = document.get("objectives", [])
    sheets: list[dict[str, Any]] = document.get("action_sheets", [])
    area_codes = {area["code"] for area in areas}
    objective_codes = {objective["code"] for objective in objectives}
    plan = document["plan"]
    problems += _duplicates(areas, "code", ("areas",), locate, "Il codice area")
    problems += _duplicates(objectives, "code", ("objectives",), locate, "Il codice obiettivo")
    problems += _duplicates(sheets, "code", ("action_sheets",), locate, "Il codice scheda")
    problems += _cycle_problems(areas, ("areas",), locate, "L'area")
    problems += _cycle_problems(objectives, ("objectives",), locate, "L'obiettivo")
    if plan["year_end"] < plan["year_start"]:
        problems.append(
            Problem(locate(("plan", "year_end")), "l'ultimo anno precede il primo", "Correggi year_start o year_end.")
        )
    known_areas = ", ".join(sorted(area_codes)) or "nessuna area definita"
    for index, area in enumerate(areas):
        if "parent" in area and area["parent"] not in area_codes:
            problems.append(
                Problem(
                    locate(("areas", index, "parent")),
                    f"area madre sconosciuta «{area['parent']}»",
                    f"Usa il codice di un'area del file ({known_areas}).",
                )
            )
    for index, objective in enumerate(objectives):
        base: DocPath = ("objectives", index)
        for area_index, code in enumerate(objective["areas"]):
            if code not in area_codes:
                problems.append(
                    Problem(
                        locate((*base, "areas", area_index)),
                        f"area sconosciuta «{code}»",
                        f"Usa il codice di un'area definita in «areas» ({known_areas}).",
                    )
                )
        if "parent" in objective and objective["parent"] not in objective_codes:
            problems.append(
                Problem(
                    locate((*base, "parent")),
                    f"obiettivo collegato sconosciuto «{objective['parent']}»",
                    "Usa il codice di un obiettivo dello stesso file.",
                )
            )
        problems += _amount_problems(objective, base, locate)
        problems += _date_order_problems(objective, base, locate)
        problems += _indicator_problems(objective, base, plan, locate)
    for index, sheet in enumerate(sheets):
        if "area" in sheet and sheet["area"] not in area_codes:
            problems.append(
                Problem(
                    locate(("action_sheets", index, "area")),
                    f"area sconosciuta «{sheet['area']}»",
                    f"Usa il codice di un'area definita in «areas» ({known_areas}).",
                )
            )
    return problems[:MAX_PROBLEMS]


def _amount_problems(objective: dict[str, Any], base: DocPath, locate: Locator) -> Iterator[Problem]:
    yield from _weight_problems(objective, base, locate)
    for field in ("budget_income", "budget_expense"):
        if field in objective:
            try:
                parse_italian_decimal(str(objective[field]))
            except ValueError as error:
                yield Problem(locate((*base, field)), str(error), "Scrivi un importo come 6.195.143,71.")


def _date_order_problems(objective: dict[str, Any], base: DocPath, locate: Locator) -> Iterator[Problem]:
    start, end = objective.get("planned_start"), objective.get("planned_end")
    try:
        ordered = start is None or end is None or dt.date.fromisoformat(start) <= dt.date.fromisoformat(end)
    except ValueError:
        return  # an impossible date is already reported by the schema
    if not ordered:
        yield Problem(
            locate((*base, "planned_end")),
            f"la scadenza {end} precede l'inizio {start}",
            "Correggi planned_start o planned_end.",
        )


def _weight_problems(item: dict[str, Any], base: DocPath, locate: Locator) -> Iterator[Problem]:
    """An objective's or an indicator's weight: a number, not negative (a negative weight would turn a weighted
    mean into something else than a mean)."""
    indicator = item
    if "weight" not in indicator:
        return
    how = "Scrivi il peso come un numero, ad esempio 1 o 1,5 (lascia vuoto per pesi uguali)."
    try:
        weight = parse_italian_decimal(str(indicator["weight"]))
    except ValueError as error:
        yield Problem(locate((*base, "weight")), f"peso non valido: {error}", how)
        return
    if weight < 0:
        yield Problem(locate((*base, "weight")), f"il peso {indicator['weight']} è negativo", how)
    if len(str(indicator["weight"]).strip()) > WEIGHT_TEXT_CHARS:  # kept as written beside the number
        yield Problem(
            locate((*base, "weight")),
            f"il peso è scritto con più di {WEIGHT_TEXT_CHARS} caratteri",
            "Scrivi il peso con meno cifre, ad esempio 1 o 1,5.",
        )


def _indicator_problems(
    objective: dict[str, Any], base: DocPath, plan: dict[str, Any], locate: Locator
) -> Iterator[Problem]:
    first, last = plan["year_start"], plan["year_end"]
    for index, indicator in enumerate(objective.get("indicators", [])):
        yield from _weight_problems(indicator, (*base, "indicators", index), locate)
        baseline = indicator.get("baseline", {})
        if baseline.get("year", last) > last:
            yield Problem(
                locate((*base, "indicators", index, "baseline", "year")),
                f"la baseline è riferita al {baseline['year']}, dopo l'ultimo anno del piano ({last})",
                f"La baseline è il valore di partenza: indica l'anno a cui si riferisce, non dopo il {last}.",
            )
        yield from _history_problems(indicator, (*base, "indicators", index), first, locate)
        years_seen: set[int] = set()
        for target_index, target in enumerate(indicator.get("targets", [])):
            year_path: DocPath = (*base, "indicators", index, "targets", target_index, "year")
            if target["year"] in years_seen:
                yield Problem(
                    locate(year_path),
                    f"valore atteso ripetuto per l'anno {target['year']}",
                    "Indica un solo valore atteso per anno.",
                )
            years_seen.add(target["year"])
            if not first <= target["year"] <= last:
                yield Problem(
                    locate(year_path),
                    f"l'anno {target['year']} è fuori dal periodo del piano ({first}–{last})",
                    "Correggi l'anno o il periodo del piano.",
                )


def _history_problems(indicator: dict[str, Any], base: DocPath, first: int, locate: Locator) -> Iterator[Problem]:
    """Historical values: one per year, each of a year before the plan's first (a year of the plan has actual
    values, "consuntivo", not history)."""
    seen: set[int] = set()
    for number, entry in enumerate(indicator.get("history", [])):
        path: DocPath = (*base, "history", number, "year")
        if entry["year"] in seen:
            yield Problem(
                locate(path),
                f"valore storico ripetuto per l'anno {entry['year']}",
                "Indica un solo valore storico per anno.",
            )
        seen.add(entry["year"])
        if entry["year"] >= first:
            yield Problem(
                locate(path),
                f"il valore storico è del {entry['year']}, non prima del piano (che inizia nel {first})",
                "I valori storici sono degli anni prima del piano: un valore di un anno del piano è un consuntivo.",
            )
