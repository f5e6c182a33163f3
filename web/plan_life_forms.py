"""The forms of the plan's life: the adoption (the act and its date) and a validated plan's reopening (a
motivation and the act that decides it). The services validate again (workflow.services.plan_lifecycle) and
their messages are shown next to the fields: a form only parses and says where."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from plans.models import Plan
from workflow.services.plan_lifecycle import MOTIVATION_CHARS

ACT_CHARS = Plan._meta.get_field("adoption_act").max_length or 300


class PlanAdoptForm(forms.Form):
    act = forms.CharField(
        label=_("Atto di adozione"),
        required=False,
        max_length=ACT_CHARS,
        help_text=_("Il numero e il tipo dell'atto, ad esempio «Delibera di Giunta n. 12»."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    adopted_on = forms.DateField(
        label=_("Data dell'atto"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control w-auto"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Scrivi la data dell'atto come AAAA-MM-GG.")},
    )


class PlanReopenForm(forms.Form):
    motivation = forms.CharField(
        label=_("Motivazione della riapertura"),
        required=False,
        max_length=MOTIVATION_CHARS,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )
    act = forms.CharField(
        label=_("Atto che decide la riapertura"),
        required=False,
        max_length=ACT_CHARS,
        help_text=_("Ad esempio «Decreto del Presidente n. 3 del 10/07/2027»."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
