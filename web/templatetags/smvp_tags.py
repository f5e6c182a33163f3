"""A level as the year's measurement system words it: its symbol and label, beside the colour, never instead."""

from __future__ import annotations

from django import template

from evaluation.models import MeasurementSystem

register = template.Library()


@register.filter
def level_label(system: MeasurementSystem | None, level: str | None) -> str:
    """`{{ system|level_label:row.result.level }}`: the band's words ("parzialmente raggiunto")."""
    return (system or MeasurementSystem()).label(level or "non_misurabile")


@register.filter
def level_symbol(system: MeasurementSystem | None, level: str | None) -> str:
    return (system or MeasurementSystem()).symbol(level or "non_misurabile")
