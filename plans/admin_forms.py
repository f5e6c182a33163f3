"""The admin's forms for plan data: the bounds of plans.limits, as the API, the pages and the importer apply them,
and the raw texts parsed when the form is checked (a value that does not fit its column, or a date outside the
plan's years, is a message beside the field, never a 500 or a date the reminders cannot count from)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from plans.limits import plan_window, value_digits, value_fits
from plans.models import Activity, Indicator, Measurement, Objective, ObjectiveReport, Plan
from plans.models.activity import time_columns
from plans.models.indicator import ParsedValue
from plans.parsing import parse_time, parse_value

# The plans Traguardi keeps: a performance cycle of this century.
FIRST_YEAR, LAST_YEAR = 2000, 2100


class PlanForm(forms.ModelForm[Plan]):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("year_start"), cleaned.get("year_end")
        for name, year in (("year_start", start), ("year_end", end)):
            if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
                self.add_error(
                    name,
                    _("L'anno deve cadere tra il %(first)d e il %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR},
                )
        if start is not None and end is not None and end < start:
            self.add_error("year_end", _("L'ultimo anno non può precedere il primo."))
        return cleaned


def _check_dates(form: forms.ModelForm[Any], plan: Plan | None, values: dict[str, Any], field: str = "") -> None:
    """Each date of `values` inside the window of `plan`'s years; an error on `field` (or on the date's own)."""
    if plan is None:
        return
    window = plan_window(plan.year_start, plan.year_end)
    for name, day in values.items():
        if day is not None and day not in window:
            form.add_error(field or name, window.problem())


def _weight_as_written(form: forms.ModelForm[Any]) -> None:
    """The weight's field shows its significant decimals ("2.25"), not the column's fifteen."""
    weight = getattr(form.instance, "weight", None)
    if weight is not None and "weight" in form.fields:
        form.initial["weight"] = Decimal(format(weight.normalize(), "f"))


def _forget_weight_text(form: forms.ModelForm[Any]) -> None:
    """A weight changed here is the number typed: the imported document's text of it (read only) no longer says
    what it is."""
    if "weight" in form.changed_data:
        form.instance.weight_raw = ""


class ObjectiveForm(forms.ModelForm[Objective]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _weight_as_written(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        dates = {name: cleaned.get(name) for name in ("planned_start", "planned_end", "actual_end")}
        _check_dates(self, cleaned.get("plan"), dates)
        _forget_weight_text(self)
        return cleaned


class IndicatorForm(forms.ModelForm[Indicator]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _weight_as_written(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _forget_weight_text(self)
        return cleaned


class ObjectiveReportForm(forms.ModelForm[ObjectiveReport]):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        objective = cleaned.get("objective") or getattr(self.instance, "objective", None)
        _check_dates(self, objective.plan if objective else None, {"date": cleaned.get("date")})
        return cleaned


class ActivityForm(forms.ModelForm[Activity]):
    """The Tempi and Consuntivo texts, parsed here against the objective's plan: the dates they mean must fall in
    its years; the parsed columns go on the activity with the texts."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        objective = cleaned.get("objective")
        if objective is None:
            return cleaned
        plan = objective.plan
        for prefix in ("planned", "actual"):
            columns = time_columns(prefix, parse_time(cleaned.get(f"{prefix}_raw") or "", year=plan.year_start))
            dates = {name: value for name, value in columns.items() if name.endswith(("_start", "_end"))}
            _check_dates(self, plan, dates, field=f"{prefix}_raw")
            for name, value in columns.items():
                setattr(self.instance, name, value)
        return cleaned


class ParsedValueForm(forms.ModelForm[ParsedValue]):
    """A target's or a measurement's raw value, parsed here: its numbers must fit the columns that keep them, and a
    measurement's date the plan's years."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        spec = parse_value((cleaned.get("raw") or "").strip())
        if not value_fits(spec):
            self.add_error(
                "raw",
                _("Il valore ha troppe cifre: al massimo %(digits)d prima della virgola.") % {"digits": value_digits()},
            )
            return cleaned
        indicator = cleaned.get("indicator") or getattr(self.instance, "indicator", None)
        if isinstance(self.instance, Measurement) and indicator is not None:
            _check_dates(self, indicator.objective.plan, {"measured_on": cleaned.get("measured_on")})
        for name, value in ParsedValue.spec_values(spec).items():
            setattr(self.instance, name, value)
        return cleaned
