from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.limits import plan_window
from plans.models import Plan, WorkState


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
