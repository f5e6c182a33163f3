"""Filters for the Relazione template: the headings and percentages worded as in every other format."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from reports import labels
from reports.sections import AreaSection, IndicatorRow, ObjectiveSection, ReportText

register = template.Library()


@register.filter
def area_heading(area: AreaSection) -> str:
    return labels.area_heading(area)


@register.filter
def objective_heading(objective: ObjectiveSection) -> str:
    return labels.objective_heading(objective)


@register.filter
def header_rows(objective: ObjectiveSection) -> list[tuple[str, str]]:
    return labels.header_rows(objective)


@register.filter
def indicator_columns(year: int) -> tuple[str, ...]:
    return labels.indicator_columns(year)


@register.filter
def achievement_text(indicator: IndicatorRow) -> str:
    return labels.percent_text(indicator.percent, indicator.light)


@register.filter
def report_heading(report: ReportText) -> str:
    return labels.report_heading(report)


@register.filter
def css_string(value: object) -> SafeString:
    """A quoted CSS string (for `content:`); HTML escaping would show up as "&amp;" inside <style>."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3c ")
    return mark_safe(f'"{text}"')  # escaped for CSS above: "<" cannot close the <style>
