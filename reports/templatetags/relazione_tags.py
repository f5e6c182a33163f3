"""Filters for the Relazione template: the headings and percentages worded as in every other format."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django import template
from django.utils.safestring import SafeString, mark_safe

from reports import labels
from reports.chart import Chart, chart, description
from reports.sections import (
    ActivityRow,
    AreaSection,
    Change,
    Chapter,
    IndicatorRow,
    LevelCounts,
    ObjectiveSection,
    Relazione,
    ReportText,
    ScoreLine,
    ValidationSection,
)

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


@register.filter
def activity_facts(activity: ActivityRow) -> list[str]:
    return labels.activity_facts(activity)


@register.filter
def objective_facts(objective: ObjectiveSection) -> list[str]:
    return labels.objective_facts(objective)


@register.filter
def change_text(change: Change) -> str:
    return labels.change_text(change)


@register.filter
def score_text(line: ScoreLine) -> str:
    return labels.score_text(line)


@register.filter
def weight_text(weight: Decimal | None) -> str:
    return labels.weight_text(weight)


@register.filter
def money(value: Decimal | None) -> str:
    return labels.money(value)


@register.filter
def day(value: dt.date | None) -> str:
    return labels.day(value)


@register.filter
def level_label(level: str) -> str:
    return str(labels.LEVELS.get(level, level))


@register.filter
def state_label(state: str) -> str:
    return str(labels.STATES.get(state, state))


@register.filter
def change_kind(kind: str) -> str:
    return str(labels.CHANGE_KINDS.get(kind, kind))


@register.filter
def chapter_title(kind: str) -> str:
    return str(labels.CHAPTER_TITLES.get(kind, kind))


@register.filter
def written_by(chapter: Chapter) -> str:
    return str(labels.WRITTEN_BY) % {"person": chapter.written_by, "date": labels.day(chapter.written_on)}


@register.filter
def performance_chart(rows: Sequence[LevelCounts]) -> Chart:
    return chart(rows)


@register.filter
def chart_description(rows: Sequence[LevelCounts]) -> str:
    return description(rows)


@register.filter
def first_chapter(relazione: Relazione, kind: str) -> Chapter | None:
    return relazione.chapter(kind)


@register.filter
def validation_recorded(validation: ValidationSection) -> str:
    return labels.validation_recorded(validation)


@register.filter
def validation_criteria(validation: ValidationSection) -> str:
    return labels.validation_criteria(validation)
