"""The OIV's validation form: one result and one note per criterion of the draft, the observations, the
motivation (for "non validata") and the outcome (only when recording)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from workflow.models import Outcome, Validation, ValidationCheck
from workflow.services.validation import TEXT_CHARS, CheckInput

SAVE, RECORD = "salva", "registra"


def result_field(check: ValidationCheck) -> str:
    return f"check_{check.pk}_result"


def note_field(check: ValidationCheck) -> str:
    return f"check_{check.pk}_note"


class ValidationForm(forms.Form):
    observations = forms.CharField(
        label=_("Osservazioni generali"),
        required=False,
        max_length=TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
        help_text=_("Obbligatorie per l'esito «validata con osservazioni»."),
    )
    motivation = forms.CharField(
        label=_("Motivazione della mancata validazione"),
        required=False,
        max_length=TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("Obbligatoria per l'esito «non validata»."),
    )
    outcome = forms.ChoiceField(
        label=_("Esito"),
        required=False,
        choices=Outcome.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, validation: Validation, **kwargs: Any) -> None:
        if not args and "initial" not in kwargs:
            initial: dict[str, Any] = {"observations": validation.observations, "motivation": validation.motivation}
            for check in validation.checks.all():
                initial[result_field(check)] = check.result
                initial[note_field(check)] = check.note
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.checks = list(validation.checks.all())
        for check in self.checks:
            self.fields[result_field(check)] = forms.ChoiceField(
                label=check.title,
                required=False,
                choices=ValidationCheck.Result.choices,
                widget=forms.RadioSelect,
            )
            self.fields[note_field(check)] = forms.CharField(
                label=_("Nota sul criterio «%(title)s»") % {"title": check.title},
                required=False,
                max_length=TEXT_CHARS,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )

    def rows(self) -> list[tuple[ValidationCheck, forms.BoundField, forms.BoundField]]:
        return [(check, self[result_field(check)], self[note_field(check)]) for check in self.checks]

    def check_inputs(self) -> dict[int, CheckInput]:
        data = self.cleaned_data
        return {
            check.pk: CheckInput(result=data.get(result_field(check)) or "", note=data.get(note_field(check)) or "")
            for check in self.checks
        }

    def field_of(self, problem: str) -> str | None:
        """The form field of a service's problem key ("checks.12.result" → "check_12_result")."""
        if problem.startswith("checks."):
            name = problem.removeprefix("checks.").replace(".", "_")
            name = f"check_{name}" if "_" in name else f"check_{name}_result"
            return name if name in self.fields else None
        return problem if problem in self.fields else None
