"""The forms of the measurement system's page: the system's fields, its behaviours, the motivation a change
after adoption needs, the adoption. The service validates again (evaluation.services): a form only says where."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from evaluation.models import Behaviour, MeasurementSystem
from evaluation.services import EDITABLE_FIELDS, MOTIVATION_CHARS

_DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": "form-control w-auto"}, format="%Y-%m-%d")


def _styled(field: forms.Field) -> forms.Field:
    widget = field.widget
    widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")
    return field


class SystemForm(forms.Form):
    """The system's editable fields, as the model declares them (labels, limits), and the motivation."""

    motivation = forms.CharField(
        label=_("Motivazione della modifica"),
        required=False,
        max_length=MOTIVATION_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )

    def __init__(self, *args: Any, adopted: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        model_fields = fields_for_model(MeasurementSystem, fields=EDITABLE_FIELDS)
        motivation = self.fields.pop("motivation")
        for name in EDITABLE_FIELDS:
            field = model_fields[name]
            assert field is not None
            self.fields[name] = _styled(field)
        self.fields["motivation"] = motivation
        if adopted:
            motivation.required = True
            motivation.help_text = _(
                "Il sistema è stato adottato: ogni modifica richiede una motivazione, che resta nella storia."
            )
        else:
            motivation.help_text = _("Facoltativa finché il sistema non è adottato.")

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}


class BehaviourForm(forms.Form):
    name = forms.CharField(label=_("Comportamento"), max_length=200, required=False)
    description = forms.CharField(label=_("Descrizione"), max_length=2000, required=False)
    weight = forms.DecimalField(
        label=_("Peso"), min_value=Decimal("0.01"), max_value=Decimal(999), decimal_places=2, initial=1, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _styled(field)


BehaviourFormSet = forms.formset_factory(BehaviourForm, extra=2, can_delete=True, max_num=30, validate_max=True)


def behaviours_of(formset: Any) -> list[dict[str, Any]]:
    """The behaviours the formset keeps, in order: rows left empty or marked for deletion are dropped."""
    kept = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or not (data.get("name") or "").strip():
            continue
        kept.append(
            {"name": data["name"], "description": data.get("description") or "", "weight": data.get("weight") or 1}
        )
    return kept


def behaviour_initial(behaviours: list[Behaviour]) -> list[dict[str, Any]]:
    return [{"name": b.name, "description": b.description, "weight": b.weight} for b in behaviours]


class AdoptForm(forms.Form):
    adopted_on = forms.DateField(label=_("Adottato il"), widget=_DATE_INPUT)
    act = forms.CharField(
        label=_("Atto di adozione"),
        max_length=300,
        required=False,
        help_text=_("Ad esempio «Deliberazione di Giunta n. 4 del 20/01/2026»."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
