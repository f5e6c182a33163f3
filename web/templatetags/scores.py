"""Template filters of the scores pages (evaluation.visibility)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def score_of(shown: Any, objective_id: int) -> Any:
    """The objective's score as the person may see it (evaluation.visibility.ShownScores), or None."""
    return shown.objective(objective_id) if shown else None
