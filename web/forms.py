"""The forms of the pages. The services validate again: a form only spares a round trip and says where."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from plans.models import Area, Plan
from plans.rules import visible_areas, visible_plans
from web.widgets import QuickSelect
from workflow.models import TransitionName

PLAN_ORDER = ("-year_end", "-year_start", "code")  # the most recent first: the first visit's plan


class ReadOnce(forms.models.ModelChoiceIterator):
    """The options of a filter from the field's queryset, read with one plain query and kept on it (a queryset
    keeps the rows it read): Django's own iterator reads them through a server-side cursor (three round trips)
    every time they are listed."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for item in self.queryset:
            yield self.choice(item)


class FilterChoiceField(forms.ModelChoiceField):
    iterator = ReadOnce
    widget = QuickSelect


class DashboardFilters(forms.Form):
    KINDS = [("", _("Attività e obiettivi")), ("activity", _("Solo attività")), ("objective", _("Solo obiettivi"))]

    plan = FilterChoiceField(label=_("Piano"), queryset=Plan.objects.none(), required=False, empty_label=_("Tutti"))
    area = FilterChoiceField(label=_("Area"), queryset=Area.objects.none(), required=False, empty_label=_("Tutte"))
    kind = forms.ChoiceField(label=_("Tipo"), choices=KINDS, required=False, widget=QuickSelect)
    min_days_late = forms.IntegerField(
        label=_("Giorni di ritardo, almeno"), min_value=0, max_value=36_500, required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        plans = visible_plans(user).select_related("organization").order_by(*PLAN_ORDER)
        areas = visible_areas(user).order_by("name")
        plan_field, area_field = self.fields["plan"], self.fields["area"]
        assert isinstance(plan_field, FilterChoiceField) and isinstance(area_field, FilterChoiceField)
        plan_field.queryset, area_field.queryset = plans, areas  # the options and the validation of a choice
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"


class DecisionForm(forms.Form):
    DECISIONS = [("approve", _("Approva")), ("reject", _("Respingi"))]

    decision = forms.ChoiceField(label=_("Decisione"), choices=DECISIONS)
    comment = forms.CharField(
        label=_("Commento"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obbligatorio per respingere: spiega cosa va cambiato."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "reject" and not data.get("comment", "").strip():
            self.add_error("comment", _("Per respingere una richiesta scrivi il motivo nel commento."))
        return data


class ChangeDecisionForm(DecisionForm):
    """A rimodulazione's decision: the director's approval gives the act that approves it, unless the request has
    it already."""

    act = forms.CharField(
        label=_("Atto di approvazione"),
        required=False,
        max_length=300,
        help_text=_("Ad esempio «Decreto del direttore n. 7»: necessario per l'approvazione finale."),
    )
    act_date = forms.DateField(label=_("Data dell'atto"), required=False, help_text=_("AAAA-MM-GG"))


class TransitionForm(forms.Form):
    transition = forms.ChoiceField(choices=TransitionName.choices, widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Commento"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    actual_end = forms.DateField(
        label=_("Data di conclusione"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Se vuota, oggi."),
    )
    reason = forms.CharField(
        label=_("Motivo"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    new_planned_end = forms.DateField(
        label=_("Nuova scadenza"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    # The fields each transition shows besides the comment (the service refuses the others).
    FIELDS = {
        TransitionName.AVVIA: (),
        TransitionName.CONCLUDI: ("actual_end",),
        TransitionName.RINVIA: ("reason", "new_planned_end"),
        TransitionName.RIPRENDI: (),
        TransitionName.RIAPRI: ("reason",),
    }

    def visible_fields_for(self, name: str) -> list[forms.BoundField]:
        return [self[field] for field in (*self.FIELDS[TransitionName(name)], "comment")]
