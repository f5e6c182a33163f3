"""Write the parts of a plan that hang off objectives: indicators and their values, reports, action sheets."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from functools import cache
from typing import Any

from plans.importing.bulk import insert_values
from plans.importing.errors import DocPath, Locator, PlanImportError, Problem
from plans.importing.sync import Counts, sync_rows, sync_values
from plans.limits import value_digits, value_fits
from plans.models import (
    ActionSheet,
    ActionSheetIndicator,
    Area,
    HistoricalValue,
    Indicator,
    IndicatorBaseline,
    IndicatorTarget,
    Measurement,
    Objective,
    ObjectiveReport,
    Plan,
)
from plans.models.indicator import ParsedValue
from plans.parsing import parse_italian_decimal, parse_value

# The fields of a parsed value, as ParsedValue.spec_values gives them.
MEASUREMENT_VALUES = tuple(ParsedValue.spec_values(parse_value("")))
SHEET_TEXTS = (
    "level",
    "goal",
    "title",
    "objectives",
    "strategy",
    "planned_activities",
    "timing",
    "organisation",
    "participation",
    "subsidiary_actions",
    "evaluation_methods",
    "risks",
    "management_mode",
    "cost",
)


def weight_raw(item: dict[str, Any]) -> str:
    """An objective's or an indicator's weight as the document wrote it, kept beside the number."""
    return str(item["weight"]).strip() if "weight" in item else ""


class DetailWriter:
    def __init__(
        self,
        document: dict[str, Any],
        plan: Plan,
        counts: dict[str, Counts],
        progress: Callable[[int, int], None],
        locate: Locator,
    ) -> None:
        self.document = document
        self.locate = locate
        self.plan = plan
        self.counts = counts
        self.progress = progress
        # Indicator values repeat ("100%", "si", "31/12/2026"): each distinct text is parsed once per import.
        self._parse_value = cache(parse_value)

    def write_indicators_and_reports(self, objectives: dict[str, Objective]) -> None:
        items = self.document.get("objectives", [])
        self._check_values(items)
        wanted: dict[tuple[int, int], dict[str, Any]] = {}
        for item in items:
            for position, indicator in enumerate(item.get("indicators", []), start=1):
                wanted[(objectives[item["code"]].pk, position)] = {
                    "name": indicator["name"],
                    "description": indicator.get("description", ""),
                    "indicator_type": indicator.get("type", ""),
                    "unit": indicator.get("unit", ""),
                    "direction": indicator.get("direction", Indicator.Direction.TARGET),
                    "note": indicator.get("note", ""),
                    "weight": parse_italian_decimal(str(indicator["weight"])) if "weight" in indicator else None,
                    "weight_raw": weight_raw(indicator),
                }
        indicators = sync_values(
            Indicator,
            Indicator.objects.filter(objective__plan=self.plan).order_by(),
            ("objective_id", "position"),
            wanted,
            lambda key, fields: {"objective_id": key[0], "position": key[1], **fields},
            self.counts["indicators"],
        )
        self._baselines(items, objectives, indicators)
        self._yearly(items, objectives, indicators, "history", HistoricalValue)
        self._yearly(items, objectives, indicators, "targets", IndicatorTarget)
        self._measurements(items, objectives, indicators)
        self._reports(items, objectives)

    def _check_values(self, items: list[dict[str, Any]]) -> None:
        """Every target and measurement parsed (once: the writing below finds them parsed), and refused with its
        location when a number in it is too large for the column (plans.limits), before anything is written."""
        problems = []
        for index, item in enumerate(items):
            for position, indicator in enumerate(item.get("indicators", [])):
                base: DocPath = ("objectives", index, "indicators", position)
                entries: list[tuple[DocPath, Any]] = [
                    ((*base, key, number, "value"), entry["value"])
                    for key in ("history", "targets", "measurements")
                    for number, entry in enumerate(indicator.get(key, []))
                ]
                if "baseline" in indicator:
                    entries.append(((*base, "baseline", "value"), indicator["baseline"]["value"]))
                for path, value in entries:
                    if not value_fits(self._parse_value(str(value))):
                        problems.append(
                            Problem(
                                self.locate(path),
                                f"un numero del valore «{value}» è troppo grande",
                                f"Sono ammesse al massimo {value_digits()} cifre prima della virgola.",
                            )
                        )
        if problems:
            raise PlanImportError(problems[:50])

    def _baselines(
        self,
        items: list[dict[str, Any]],
        objectives: dict[str, Objective],
        indicators: dict[tuple[int, int], int],
    ) -> None:
        """One baseline per indicator, kept as written and parsed; one no longer in the file stays (counted)."""
        wanted: dict[int, dict[str, Any]] = {}
        for item in items:
            for position, indicator in enumerate(item.get("indicators", []), start=1):
                if "baseline" not in indicator:
                    continue
                baseline = indicator["baseline"]
                indicator_id = indicators[(objectives[item["code"]].pk, position)]
                wanted[indicator_id] = ParsedValue.spec_values(self._parse_value(str(baseline["value"]))) | {
                    "year": baseline.get("year"),
                    "source": baseline.get("source", ""),
                }
        sync_values(
            IndicatorBaseline,
            IndicatorBaseline.objects.filter(indicator__objective__plan=self.plan).order_by(),
            ("indicator_id",),
            wanted,
            lambda key, fields: {"indicator_id": key, **fields},
            self.counts["baselines"],
        )

    def _yearly(
        self,
        items: list[dict[str, Any]],
        objectives: dict[str, Objective],
        indicators: dict[tuple[int, int], int],
        key: str,
        model: type[IndicatorTarget] | type[HistoricalValue],
    ) -> None:
        """One value a year per indicator, as written and parsed, with its source: the targets ("targets") and the
        values of the years before the plan ("history"). One no longer in the file stays (counted)."""
        wanted: dict[tuple[int, int], dict[str, Any]] = {}
        for item in items:
            for position, indicator in enumerate(item.get("indicators", []), start=1):
                indicator_id = indicators[(objectives[item["code"]].pk, position)]
                for entry in indicator.get(key, []):
                    value = self._parse_value(str(entry["value"]))
                    wanted[(indicator_id, entry["year"])] = ParsedValue.spec_values(value) | {
                        "source": entry.get("source", "")
                    }
        sync_values(
            model,
            model.objects.filter(indicator__objective__plan=self.plan).order_by(),
            ("indicator_id", "year"),
            wanted,
            lambda key, fields: {"indicator_id": key[0], "year": key[1], **fields},
            self.counts[key],
        )

    def _measurements(
        self,
        items: list[dict[str, Any]],
        objectives: dict[str, Objective],
        indicators: dict[tuple[int, int], int],
    ) -> None:
        """Measurements are history: a value that differs from the latest one of its (year, date) is added as a
        new row, never written over the old one."""
        compared = (*MEASUREMENT_VALUES, "note")
        latest: dict[tuple[int, int, dt.date | None], tuple[Any, ...]] = {}
        rows = Measurement.objects.filter(indicator__objective__plan=self.plan).order_by("recorded_at", "pk")
        for indicator_id, year, measured_on, *current in rows.values_list(
            "indicator_id", "year", "measured_on", *compared
        ).iterator(chunk_size=2000):
            latest[(indicator_id, year, measured_on)] = tuple(current)
        new_rows: list[dict[str, Any]] = []
        counts = self.counts["measurements"]
        for item in items:
            for position, indicator in enumerate(item.get("indicators", []), start=1):
                indicator_id = indicators[(objectives[item["code"]].pk, position)]
                for measurement in indicator.get("measurements", []):
                    measured_on = dt.date.fromisoformat(measurement["date"]) if "date" in measurement else None
                    values = ParsedValue.spec_values(self._parse_value(str(measurement["value"])))
                    values["note"] = measurement.get("note", "")
                    found = latest.get((indicator_id, measurement["year"], measured_on))
                    if found is not None and found == tuple(values[name] for name in compared):
                        counts.unchanged += 1
                        continue
                    new_rows.append(
                        {"indicator_id": indicator_id, "year": measurement["year"], "measured_on": measured_on} | values
                    )
        insert_values(Measurement, len(new_rows), new_rows)
        counts.created += len(new_rows)

    def _reports(self, items: list[dict[str, Any]], objectives: dict[str, Objective]) -> None:
        wanted = {
            (objectives[item["code"]].pk, dt.date.fromisoformat(report["date"])): {"text": report["text"]}
            for item in items
            for report in item.get("reports", [])
        }
        existing = {
            (row.objective_id, row.date): row for row in ObjectiveReport.objects.filter(objective__plan=self.plan)
        }
        sync_rows(
            ObjectiveReport,
            existing,
            wanted,
            lambda key, fields: ObjectiveReport(objective_id=key[0], date=key[1], **fields),
            self.counts["reports"],
        )

    def write_action_sheets(self, areas: dict[str, Area]) -> None:
        items = self.document.get("action_sheets", [])
        wanted = {
            item["code"]: {field: item.get(field, "") for field in SHEET_TEXTS}
            | {"number": item.get("number"), "area_id": areas[item["area"]].pk if "area" in item else None}
            for item in items
        }
        existing = {row.code: row for row in self.plan.action_sheets.all()}
        sheets = sync_rows(
            ActionSheet,
            existing,
            wanted,
            lambda code, fields: ActionSheet(plan=self.plan, code=code, **fields),
            self.counts["action_sheets"],
        )
        indicator_rows: dict[tuple[int, int], dict[str, Any]] = defaultdict(dict)
        for item in items:
            for position, text in enumerate(item.get("indicators", []), start=1):
                indicator_rows[(sheets[item["code"]].pk, position)] = {"text": text}
        existing_indicators = {
            (row.sheet_id, row.position): row for row in ActionSheetIndicator.objects.filter(sheet__plan=self.plan)
        }
        sync_rows(
            ActionSheetIndicator,
            existing_indicators,
            indicator_rows,
            lambda key, fields: ActionSheetIndicator(sheet_id=key[0], position=key[1], **fields),
            self.counts["action_sheet_indicators"],
        )
