"""The forms of the consuntivo's pages: a value with its evidence, an objective's report, a motivation, a chapter
of the Relazione. The services validate again (and the files fully): a form only spares a round trip and says
where."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from plans.models import Plan
from workflow.services.evidence import KINDS, accepted_extensions

DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": "form-control w-auto"}, format="%Y-%m-%d")


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "class": "form-control"})


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field: Django's documented pattern (its FileField takes one)."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control", "accept": ",".join(KINDS)}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        files = data if isinstance(data, list | tuple) else [data]
        return [cleaned for cleaned in (single(item, initial) for item in files if item) if cleaned]


class MeasurementForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Anno"), coerce=int, widget=forms.Select(attrs={"class": "form-select"}))
    value = forms.CharField(
        label=_("Valore rilevato"),
        max_length=200,
        help_text=_("Come lo scriveresti: «85%», «12», «150/1600», «sì», «31/10/2026»."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    measured_on = forms.DateField(
        label=_("Rilevato il"), required=False, widget=DATE_INPUT, help_text=_("La data della rilevazione.")
    )
    note = forms.CharField(label=_("Nota"), required=False, max_length=4000, widget=_textarea(2))
    evidence = MultipleFileField(label=_("Documentazione (file)"), required=False)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any):
        super().__init__(*args, **kwargs)
        years = range(plan.year_start, plan.year_end + 1)
        self.fields["year"].choices = [(year, str(year)) for year in years]  # type: ignore[attr-defined]
        self.fields["evidence"].help_text = ngettext(
            "Facoltativa. Fino a %(count)d file di %(size)s al massimo ciascuno: %(accepted)s.",
            "Facoltativa. Fino a %(count)d file di %(size)s al massimo ciascuno: %(accepted)s.",
            settings.EVIDENCE_MAX_FILES,
        ) % {
            "count": settings.EVIDENCE_MAX_FILES,
            "size": filesizeformat(settings.EVIDENCE_MAX_BYTES),
            "accepted": accepted_extensions(),
        }


class ObjectiveReportForm(forms.Form):
    date = forms.DateField(label=_("Data della relazione"), widget=DATE_INPUT, help_text=_("Di solito il 31/12."))
    text = forms.CharField(label=_("Relazione"), required=False, widget=_textarea(8))


class MotivationForm(forms.Form):
    """One per year on the indicator's page, each with its own prefix (the year is in the form's address)."""

    text = forms.CharField(label=_("Motivazione dello scostamento"), required=False, widget=_textarea(4))


class ChapterForm(forms.Form):
    """One per chapter on the chapters' page, each with its own prefix (the kind is in the form's address)."""

    text = forms.CharField(label=_("Testo"), required=False, widget=_textarea(10))
