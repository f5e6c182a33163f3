"""Search over the objectives, activities and indicators a person may see (plans.rules), by code and words.

Every word must appear, in any of the fields searched (case and accents as typed: «Sociale» finds «sociale»),
so "asili nido 2026" narrows as words are added. The three lists are paged apart, most recent plans first. The
rules' querysets are scoped to the person's bodies, so a search costs what those bodies hold.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from plans.models import Activity, Indicator, Objective
from plans.rules import visible_activities, visible_indicators, visible_objectives

MAX_WORDS = 8


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Cerca"),
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
        min_length=2,
        max_length=200,
        strip=True,
        help_text=_("Un codice (SOC-1) o delle parole: si trovano gli elementi che le contengono tutte."),
        error_messages={
            "required": _("Scrivi un codice o almeno una parola da cercare."),
            "min_length": _("Scrivi almeno %(limit_value)d caratteri."),
            "max_length": _("Scrivi al massimo %(limit_value)d caratteri."),
        },
    )

    def clean_q(self) -> str:
        words = self.cleaned_data["q"].split()
        if len(words) > MAX_WORDS:
            raise forms.ValidationError(
                _("Scrivi al massimo %(count)d parole: ognuna deve comparire nei risultati."),
                params={"count": MAX_WORDS},
            )
        return " ".join(words)


@dataclass(frozen=True)
class Hit:
    kind: str  # "objective", "activity", "indicator"
    kind_label: str
    plan_code: str
    code: str
    title: str
    objective_code: str
    path: str  # the page's address on this site

    @property
    def url(self) -> str:
        return f"{settings.SITE_URL}{self.path}"


def _matching(fields: tuple[str, ...], words: list[str]) -> Q:
    condition = Q()
    for word in words:
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        condition &= any_field
    return condition


@dataclass
class Found:
    objectives: QuerySet[Objective]
    activities: QuerySet[Activity]
    indicators: QuerySet[Indicator]

    def all(self) -> Iterator[Hit]:
        """Every hit, objectives, then activities, then indicators (the export)."""
        for objective in self.objectives.iterator(chunk_size=1000):
            yield objective_hit(objective)
        for activity in self.activities.iterator(chunk_size=1000):
            yield activity_hit(activity)
        for indicator in self.indicators.iterator(chunk_size=1000):
            yield indicator_hit(indicator)


def search(user: Any, text: str) -> Found:
    words = text.split()[:MAX_WORDS]
    objectives = visible_objectives(user).filter(_matching(("code", "title", "description"), words))
    activities = visible_activities(user).filter(_matching(("code", "description", "objective__code"), words))
    indicators = visible_indicators(user).filter(_matching(("name", "description", "objective__code"), words))
    return Found(
        objectives=objectives.select_related("plan").order_by("-plan__year_end", "plan__code", "code", "pk"),
        activities=activities.select_related("objective__plan").order_by(
            "-objective__plan__year_end", "objective__plan__code", "objective__code", "position", "pk"
        ),
        indicators=indicators.select_related("objective__plan").order_by(
            "-objective__plan__year_end", "objective__plan__code", "objective__code", "position", "pk"
        ),
    )


def objective_hit(objective: Objective) -> Hit:
    return Hit(
        "objective",
        str(_("Obiettivo")),
        objective.plan.code,
        objective.code,
        objective.title,
        objective.code,
        reverse("web:objective", args=[objective.pk]),
    )


def activity_hit(activity: Activity) -> Hit:
    return Hit(
        "activity",
        str(_("Attività")),
        activity.objective.plan.code,
        activity.code or f"{activity.objective.code}.{activity.position}",
        activity.description,
        activity.objective.code,
        reverse("web:activity", args=[activity.pk]),
    )


def indicator_hit(indicator: Indicator) -> Hit:
    return Hit(
        "indicator",
        str(_("Indicatore")),
        indicator.objective.plan.code,
        "",
        indicator.name,
        indicator.objective.code,
        reverse("web:indicator", args=[indicator.pk]),
    )
