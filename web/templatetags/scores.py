"""Template filters of the scores pages (evaluation.visibility)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from plans.parsing.numbers import weight_label

register = template.Library()


@register.filter
def score_of(shown: Any, objective_id: int) -> Any:
    """The objective's score as the person may see it (evaluation.visibility.ShownScores), or None."""
    return shown.objective(objective_id) if shown else None


@register.filter
def weight(value: Decimal | None, raw: str = "") -> str:
    """A weight with every decimal it has ("2,2523", "1"), or the text the imported document gave (`raw`)."""
    return weight_label(value, raw)
