"""Write the parts of a plan that hang off objectives: indicators and their values, reports, action sheets."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from plans.importing.sync import Counts, sync_rows
from plans.models import (
    ActionSheet,
    ActionSheetIndicator,
    Area,
    Indicator,
    IndicatorTarget,
    Measurement,
    Objective,
    ObjectiveReport,
    Plan,
)
from plans.models.indicator import ParsedValue
from plans.parsing import parse_value

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


class DetailWriter:
    def __init__(
        self, document: dict[str, Any], plan: Plan, counts: dict[str, Counts], progress: Callable[[int, int], None]
    ) -> None:
        self.document = document
        self.plan = plan
        self.counts = counts
        self.progress = progress

    def write_indicators_and_reports(self, objectives: dict[str, Objective]) -> None:
        items = self.document.get("objectives", [])
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
                }
        existing = {
            (row.objective_id, row.position): row for row in Indicator.objects.filter(objective__plan=self.plan)
        }
        indicators = sync_rows(
            Indicator,
            existing,
            wanted,
            lambda key, fields: Indicator(objective_id=key[0], position=key[1], **fields),
            self.counts["indicators"],
        )
        self._targets(items, objectives, indicators)
        self._measurements(items, objectives, indicators)
        self._reports(items, objectives)

    def _targets(
        self,
        items: list[dict[str, Any]],
        objectives: dict[str, Objective],
        indicators: dict[tuple[int, int], Indicator],
    ) -> None:
        wanted: dict[tuple[int, int], dict[str, Any]] = {}
        for item in items:
            for position, indicator in enumerate(item.get("indicators", []), start=1):
                row = indicators[(objectives[item["code"]].pk, position)]
                for target in indicator.get("targets", []):
                    wanted[(row.pk, target["year"])] = ParsedValue.spec_values(parse_value(str(target["value"])))
        existing = {
            (row.indicator_id, row.year): row
            for row in IndicatorTarget.objects.filter(indicator__objective__plan=self.plan)
        }
        sync_rows(
            IndicatorTarget,
            existing,
            wanted,
            lambda key, fields: IndicatorTarget(indicator_id=key[0], year=key[1], **fields),
            self.counts["targets"],
        )

    def _measurements(
        self,
        items: list[dict[str, Any]],
        objectives: dict[str, Objective],
        indicators: dict[tuple[int, int], Indicator],
    ) -> None:
        """Measurements are history: a value that differs from the latest one of its (year, date) is added as a
        new row, never written over the old one."""
        latest: dict[tuple[int, int, dt.date | None], Measurement] = {}
        for row in Measurement.objects.filter(indicator__objective__plan=self.plan).order_by("recorded_at", "pk"):
            latest[(row.indicator_id, row.year, row.measured_on)] = row
        new_rows: list[Measurement] = []
        counts = self.counts["measurements"]
        for item in items:
            for position, indicator in enumerate(item.get("indicators", []), start=1):
                indicator_row = indicators[(objectives[item["code"]].pk, position)]
                for measurement in indicator.get("measurements", []):
                    measured_on = dt.date.fromisoformat(measurement["date"]) if "date" in measurement else None
                    values = ParsedValue.spec_values(parse_value(str(measurement["value"])))
                    values["note"] = measurement.get("note", "")
                    current = latest.get((indicator_row.pk, measurement["year"], measured_on))
                    if current is not None and all(getattr(current, k) == v for k, v in values.items()):
                        counts.unchanged += 1
                        continue
                    new_rows.append(
                        Measurement(
                            indicator_id=indicator_row.pk, year=measurement["year"], measured_on=measured_on, **values
                        )
                    )
        Measurement.objects.bulk_create(new_rows, batch_size=2000)
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
