"""What the pages say of the workflow in words: a transition's code ("rinvia") as the noun Italian uses in a
sentence ("rinvio")."""

from __future__ import annotations

from django import template

from workflow.models import TRANSITION_NOUNS

register = template.Library()


@register.filter
def transition_noun(code: str) -> str:
    """ "rinvia" → "rinvio"; a code without a noun (none today) is shown as it is, never dropped."""
    nouns = TRANSITION_NOUNS.get(code)
    return str(nouns[0]) if nouns else code
