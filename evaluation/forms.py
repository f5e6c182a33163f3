"""The forms of the evaluation sheets' pages: they read the input, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from config.admin import people_of
from evaluation.individual import BehaviourLine
from evaluation.models import EvaluationSheet
from evaluation.services import COMMENT_LIMIT
from plans.models import Organization, OrganizationRole

FIRST_YEAR, LAST_YEAR = 2000, 2100


def _text(label: Any, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=COMMENT_LIMIT,
        widget=forms.Textarea(attrs={"rows": rows, "class": "form-control"}),
    )


class CreateSheetsForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Ente"),
        queryset=Organization.objects.none(),
        empty_label=_("— scegli l'ente —"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    year = forms.IntegerField(
        label=_("Anno"),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]


class AddSheetForm(CreateSheetsForm):
    """One more sheet: a person of the organization, as dirigente or P.O., evaluated by the director."""

    person = forms.ModelChoiceField(
        label=_("Persona"),
        queryset=User.objects.none(),
        empty_label=_("— scegli la persona —"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    role = forms.ChoiceField(
        label=_("Ruolo"),
        choices=[
            (EvaluationSheet.Role.POSIZIONE_ORGANIZZATIVA.value, EvaluationSheet.Role.POSIZIONE_ORGANIZZATIVA.label),
            (EvaluationSheet.Role.DIRIGENTE.value, EvaluationSheet.Role.DIRIGENTE.label),
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, organizations=organizations, **kwargs)
        organization_ids = list(organizations.values_list("pk", flat=True))
        # The director's sheet is the OIV's to propose, and the OIV is not evaluated: neither is offered.
        evaluators = OrganizationRole.objects.filter(organization__in=organization_ids).values("user")
        people = people_of(organization_ids).exclude(pk__in=evaluators).order_by("last_name", "first_name", "username")
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["person"].label_from_instance = lambda user: user.get_full_name() or user.username  # type: ignore[attr-defined]


class EvaluateForm(forms.Form):
    """One score (1..scale, or none yet) and one comment per behaviour, and the evaluator's comments."""

    evaluator_comments = _text(_("Commenti del valutatore"), rows=5)

    def __init__(self, *args: Any, behaviours: list[BehaviourLine], scale: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.behaviours = behaviours
        choices = [("", _("— non ancora valutato —")), *((str(n), str(n)) for n in range(1, scale + 1))]
        for line in behaviours:
            self.fields[f"score_{line.behaviour_id}"] = forms.TypedChoiceField(
                label=_("Punteggio: %(name)s") % {"name": line.name},
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"comment_{line.behaviour_id}"] = _text(_("Commento: %(name)s") % {"name": line.name}, rows=2)

    def rows(self) -> list[tuple[BehaviourLine, forms.BoundField, forms.BoundField]]:
        return [
            (line, self[f"score_{line.behaviour_id}"], self[f"comment_{line.behaviour_id}"]) for line in self.behaviours
        ]

    def scores(self) -> dict[int, int | None]:
        return {line.behaviour_id: self.cleaned_data[f"score_{line.behaviour_id}"] for line in self.behaviours}

    def comments(self) -> dict[int, str]:
        return {line.behaviour_id: self.cleaned_data[f"comment_{line.behaviour_id}"] for line in self.behaviours}


class AcknowledgeForm(forms.Form):
    observations = _text(_("Osservazioni (facoltative)"), rows=5)
