"""A change request's content: what the proposer sends, checked and turned into a list of changes, each with the
value it changes as it was when asked ("before") and the new one ("after").

The input (the API's and the services' shape):

    {"title": ..., "description": ..., "weight": "1,2", "planned_start": "2021-02-01", "planned_end": ...,
     "indicators": [{"id": 5, "name": ..., "weight": ..., "targets": {"2021": "=>12"}},
                    {"id": 7, "remove": true},
                    {"name": ..., "unit": "n.", "weight": ..., "targets": {"2021": "12"}}],
     "activities": [{"id": 3, "planned_start": ..., "planned_end": ...}]}

Every key is optional; what does not change is left out of the result. Targets are kept as written and parsed
when applied by the same parser as the import (plans.parsing). Values are stored as text: a decimal as written
by Python ("1.20"), a date in ISO form, nothing as "".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from plans.limits import value_digits, value_fits
from plans.models import Activity, Indicator, IndicatorTarget, Objective
from plans.models.weights import WEIGHT_LIMIT, WEIGHT_PLACES
from plans.parsing import parse_italian_decimal, parse_value
from plans.parsing.numbers import decimal_places, exact_text

TEXT_CHARS = 4000
NAME_CHARS = 1000
UNIT_CHARS = Indicator._meta.get_field("unit").max_length or 30
OBJECTIVE_FIELDS = ("title", "description", "weight", "planned_start", "planned_end")
INDICATOR_FIELDS = ("name", "unit", "weight")
ACTIVITY_FIELDS = ("planned_start", "planned_end")
Problems = dict[str, list[str]]


def text_of(value: Any) -> str:
    """A stored value as the text the changes keep."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return exact_text(value)
    return str(value)


class _Reader:
    """Reads the proposer's values, noting each problem under its field's path."""

    def __init__(self) -> None:
        self.problems: Problems = {}

    def fail(self, path: str, message: str) -> None:
        self.problems.setdefault(path, []).append(message)

    def text(self, path: str, value: Any, *, limit: int, required: bool = False) -> str | None:
        if not isinstance(value, str) or "\x00" in value or len(value) > limit:
            self.fail(path, _("Scrivi un testo di al più %(n)s caratteri.") % {"n": limit})
            return None
        if required and not value.strip():
            self.fail(path, _("Il testo non può essere vuoto."))
            return None
        return value.strip()

    def weight(self, path: str, value: Any) -> str | None:
        if value is None or value == "":
            return ""
        try:
            if isinstance(value, bool):  # JSON's true is no weight (Python's True is 1)
                raise TypeError(value)
            if isinstance(value, float):  # JSON's 1.2, as written: not the binary fraction's 51 decimals
                number = Decimal(repr(value))
            elif isinstance(value, (int, Decimal)):
                number = Decimal(value)
            else:
                number = parse_italian_decimal(str(value))
        except (ValueError, InvalidOperation, TypeError):
            number = None
        if number is None or not number.is_finite() or number < 0 or number >= WEIGHT_LIMIT:
            self.fail(path, _("Il peso è un numero non negativo, ad esempio 1,2."))
            return None
        if decimal_places(number) > WEIGHT_PLACES:
            self.fail(
                path, _("Il peso ha al più %(places)s decimali: scrivilo con meno cifre.") % {"places": WEIGHT_PLACES}
            )
            return None
        return exact_text(number)

    def day(self, path: str, value: Any, years: tuple[int, int]) -> str | None:
        if value is None or value == "":
            return ""
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(path, _("Scrivi la data come AAAA-MM-GG."))
            return None
        if not years[0] - 1 <= day.year <= years[1] + 1:
            self.fail(path, _("La data deve cadere negli anni del piano (%(start)s-%(end)s).") % _years(years))
            return None
        return day.isoformat()

    def targets(self, path: str, value: Any, years: tuple[int, int]) -> dict[str, str] | None:
        if not isinstance(value, dict):
            self.fail(path, _('I valori attesi si danno per anno, ad esempio {"2021": "=>12"}.'))
            return None
        result: dict[str, str] = {}
        for year, raw in value.items():
            where = f"{path}.{year}"
            if not (str(year).isascii() and str(year).isdigit()) or not years[0] <= int(year) <= years[1]:
                self.fail(where, _("L'anno deve essere uno degli anni del piano (%(start)s-%(end)s).") % _years(years))
                continue
            checked = self.text(where, raw, limit=NAME_CHARS)
            if checked is not None and not value_fits(parse_value(checked)):
                # Written when approved (workflow.changes.apply): a number its column cannot hold is refused now.
                self.fail(
                    where,
                    _("Un numero del valore è troppo grande: al massimo %(digits)d cifre prima della virgola.")
                    % {"digits": value_digits()},
                )
            elif checked is not None:
                result[str(int(year))] = checked
        return result


def _years(years: tuple[int, int]) -> dict[str, int]:
    return {"start": years[0], "end": years[1]}


def _change(before: Any, after: str | None) -> dict[str, str] | None:
    """A field's change, or None when the value stays (or was unreadable)."""
    if after is None:
        return None
    old = text_of(before)
    return None if old == after else {"before": old, "after": after}


def read_proposal(objective: Objective, data: Any) -> tuple[dict[str, Any], Problems]:
    """The changes `data` asks of `objective` (its indicators and activities read here), and the problems."""
    reader = _Reader()
    if not isinstance(data, dict):
        reader.fail("changes", _("Le modifiche si descrivono come un oggetto JSON."))
        return {}, reader.problems
    plan = objective.plan
    years = (plan.year_start, plan.year_end)
    result: dict[str, Any] = {}
    fields = _objective_fields(reader, objective, data, years)
    if fields:
        result["objective"] = fields
    indicators = _indicators(reader, objective, data.get("indicators", []), years)
    if indicators:
        result["indicators"] = indicators
    activities = _activities(reader, objective, data.get("activities", []), years)
    if activities:
        result["activities"] = activities
    unknown = set(data) - {*OBJECTIVE_FIELDS, "indicators", "activities"}
    for name in sorted(unknown):
        reader.fail(name, _("Questo campo non si può rimodulare."))
    if not result and not reader.problems:
        reader.fail("changes", _("La richiesta non cambia nulla: indica almeno una modifica."))
    return result, reader.problems


def _objective_fields(reader: _Reader, objective: Objective, data: dict[str, Any], years: tuple[int, int]) -> dict:
    new: dict[str, str | None] = {}
    if "title" in data:
        new["title"] = reader.text("title", data["title"], limit=TEXT_CHARS, required=True)
    if "description" in data:
        new["description"] = reader.text("description", data["description"], limit=TEXT_CHARS)
    if "weight" in data:
        new["weight"] = reader.weight("weight", data["weight"])
    for name in ("planned_start", "planned_end"):
        if name in data:
            new[name] = reader.day(name, data[name], years)
    changes = {name: change for name, value in new.items() if (change := _change(getattr(objective, name), value))}
    _check_order(reader, "planned_end", objective.planned_start, objective.planned_end, changes)
    return changes


def _check_order(reader: _Reader, path: str, start: Any, end: Any, changes: dict[str, dict[str, str]]) -> None:
    first = changes["planned_start"]["after"] if "planned_start" in changes else text_of(start)
    last = changes["planned_end"]["after"] if "planned_end" in changes else text_of(end)
    if first and last and last < first:
        reader.fail(path, _("La scadenza non può precedere l'inizio."))


def _indicators(reader: _Reader, objective: Objective, items: Any, years: tuple[int, int]) -> list[dict[str, Any]]:
    if not isinstance(items, list):
        reader.fail("indicators", _("Gli indicatori si danno come elenco."))
        return []
    existing = {indicator.pk: indicator for indicator in objective.indicators.all()}
    targets: dict[int, dict[str, str]] = {}
    for target in IndicatorTarget.objects.filter(indicator__objective=objective).order_by():
        targets.setdefault(target.indicator_id, {})[str(target.year)] = target.raw
    measured = set(
        Indicator.objects.filter(objective=objective, measurements__isnull=False).values_list("pk", flat=True)
    )
    result = []
    for index, item in enumerate(items):
        path = f"indicators[{index}]"
        if not isinstance(item, dict):
            reader.fail(path, _("Ogni indicatore è un oggetto JSON."))
            continue
        if "id" in item:
            indicator = existing.get(item["id"]) if _is_id(item["id"]) else None
            if indicator is None:
                reader.fail(f"{path}.id", _("Questo indicatore non è dell'obiettivo."))
                continue
            change = _indicator_change(reader, path, indicator, item, targets.get(indicator.pk, {}), years, measured)
        else:
            change = _indicator_added(reader, path, item, years)
        if change:
            result.append(change)
    return result


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _label(indicator: Indicator) -> str:
    return f"{indicator.position}. {indicator.name}"[:200]


def _indicator_change(
    reader: _Reader,
    path: str,
    indicator: Indicator,
    item: dict[str, Any],
    targets: dict[str, str],
    years: tuple[int, int],
    measured: set[int],
) -> dict[str, Any] | None:
    if item.get("remove") is True:
        if indicator.pk in measured:
            reader.fail(
                f"{path}.remove",
                _("L'indicatore «%(name)s» ha già valori consuntivi: non si può togliere. Cambiane il valore atteso.")
                % {"name": indicator.name[:80]},
            )
            return None
        return {"op": "remove", "id": indicator.pk, "label": _label(indicator)}
    new: dict[str, str | None] = {}
    if "name" in item:
        new["name"] = reader.text(f"{path}.name", item["name"], limit=NAME_CHARS, required=True)
    if "unit" in item:
        new["unit"] = reader.text(f"{path}.unit", item["unit"], limit=UNIT_CHARS)
    if "weight" in item:
        new["weight"] = reader.weight(f"{path}.weight", item["weight"])
    fields = {name: change for name, value in new.items() if (change := _change(getattr(indicator, name), value))}
    asked = reader.targets(f"{path}.targets", item["targets"], years) if "targets" in item else {}
    target_changes = {
        year: {"before": targets.get(year, ""), "after": raw}
        for year, raw in (asked or {}).items()
        if targets.get(year, "") != raw
    }
    if not fields and not target_changes:
        return None
    return {"op": "change", "id": indicator.pk, "label": _label(indicator), "fields": fields, "targets": target_changes}


def _indicator_added(reader: _Reader, path: str, item: dict[str, Any], years: tuple[int, int]) -> dict[str, Any]:
    name = reader.text(f"{path}.name", item.get("name"), limit=NAME_CHARS, required=True)
    unit = reader.text(f"{path}.unit", item.get("unit", ""), limit=UNIT_CHARS)
    weight = reader.weight(f"{path}.weight", item.get("weight"))
    targets = reader.targets(f"{path}.targets", item.get("targets", {}), years)
    return {
        "op": "add",
        "label": (name or "")[:200],
        "name": name or "",
        "unit": unit or "",
        "weight": weight or "",
        "targets": {year: {"before": "", "after": raw} for year, raw in (targets or {}).items()},
    }


def _activities(reader: _Reader, objective: Objective, items: Any, years: tuple[int, int]) -> list[dict[str, Any]]:
    if not isinstance(items, list):
        reader.fail("activities", _("Le attività si danno come elenco."))
        return []
    existing = {activity.pk: activity for activity in Activity.objects.filter(objective=objective).order_by()}
    result = []
    for index, item in enumerate(items):
        path = f"activities[{index}]"
        key = item.get("id") if isinstance(item, dict) else None
        activity = existing.get(key) if isinstance(key, int) and _is_id(key) else None
        if activity is None:
            reader.fail(f"{path}.id", _("Questa attività non è dell'obiettivo."))
            continue
        new = {name: reader.day(f"{path}.{name}", item[name], years) for name in ACTIVITY_FIELDS if name in item}
        fields = {name: change for name, value in new.items() if (change := _change(getattr(activity, name), value))}
        _check_order(reader, f"{path}.planned_end", activity.planned_start, activity.planned_end, fields)
        if fields:
            label = f"{activity.position}. {activity.description}"[:200]
            result.append({"id": activity.pk, "label": label, "fields": fields})
    return result
