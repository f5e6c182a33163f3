from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.body_settings import EDITABLE, NUMBERS, Timings
from notifications.models import BodySettings, Preference
from plans.limits import plan_window
from plans.models import Plan, WorkState
from plans.models.organization import validate_month_day


class AnswerForm(forms.Form):
    state = forms.ChoiceField(label=_("A che punto è l'attività?"), choices=WorkState.choices)
    progress = forms.IntegerField(label=_("Avanzamento (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("Nota"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    actual_end = forms.DateField(
        label=_("Data di conclusione (se conclusa)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Solo se l'attività è conclusa; non nel futuro."),
    )

    def __init__(self, *args: Any, plan: Plan | None = None, **kwargs: Any) -> None:
        """`plan`: the activity's, whose years bound the completion date (plans.limits)."""
        super().__init__(*args, **kwargs)
        self.plan = plan

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        actual_end = data.get("actual_end")
        if actual_end and actual_end > timezone.localdate():
            self.add_error("actual_end", _("La data di conclusione non può essere nel futuro."))
        elif actual_end and self.plan is not None:
            window = plan_window(self.plan.year_start, self.plan.year_end)
            if actual_end not in window:
                self.add_error("actual_end", window.problem())
        if data.get("state") == WorkState.CONCLUSO and data.get("progress") not in (None, 100):
            self.add_error("progress", _("Un'attività conclusa è al 100%: correggi l'avanzamento o lo stato."))
        return data


class BodySettingsForm(forms.ModelForm):
    """A body's own timings and its patron saint's day; each blank field shows the installation's value."""

    patron_saint_day = forms.CharField(
        label=_("festa del santo patrono (MM-GG)"),
        required=False,
        max_length=5,
        validators=[validate_month_day],
        help_text=_("Nessun promemoria parte in quel giorno; vuoto: nessuna festa locale."),
    )

    class Meta:
        model = BodySettings
        fields = EDITABLE

    def __init__(self, *args: Any, defaults: Timings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.defaults = defaults
        for name in EDITABLE:  # checked in the form, before clean() compares the values with one another
            model_field = BodySettings._meta.get_field(name)
            assert isinstance(model_field, models.Field)
            self.fields[name].validators = list(model_field.validators)
        for name, field in self.fields.items():
            if name == "reminder_leads":
                field.widget.attrs["placeholder"] = ",".join(str(day) for day in defaults.reminder_leads)
            elif name in NUMBERS:
                field.widget.attrs["placeholder"] = str(getattr(defaults, name))

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in EDITABLE}


class PreferenceForm(forms.ModelForm):
    """How the person gets their mail, and in which language (the profile page; the API's /api/me/ too)."""

    class Meta:
        model = Preference
        fields = ("delivery", "language")
        widgets = {"delivery": forms.RadioSelect(attrs={"class": "form-check-input"})}
