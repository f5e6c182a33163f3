"""The web import of a plan file: the form (the body, the file, a check or an import, whether a value not
understood refuses the file) and the job's page, which follows the worker and then shows what the import found:
its counts, every value kept as written without a meaning and, for a refused file, every problem, each with its
place in the file. The work is plans.importing.jobs'.

A body's director imports into the bodies they direct, and only there: the body is chosen on the form, never
read from the file. The platform's operator (a superuser) may choose any body. A job's page is its requester's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from config.guard import accepts_plan_file
from plans.importing.jobs import SUFFIXES, WORD, confirm_import, percent, request_import
from plans.importing.word import Identity
from plans.models import Organization, PlanImport
from plans.rules import roles_of
from reports.views import not_found
from web.http import AuthenticatedRequest, is_htmx

RECENT = 10  # the person's last imports, listed under the form

CHECK, IMPORT = "verifica", "importa"


def importable_organizations(user: Any) -> QuerySet[Organization]:
    """The bodies `user` may import a plan into: those they direct; every body for the platform's operator."""
    if user.is_active and user.is_superuser:
        return Organization.objects.order_by("name")
    return Organization.objects.filter(pk__in=roles_of(user).director_of).order_by("name")


class ImportForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Ente"),
        queryset=Organization.objects.none(),
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": gettext_lazy("Scegli uno degli enti di cui sei direttore.")},
    )
    file = forms.FileField(
        label=gettext_lazy("File del piano"),
        help_text=gettext_lazy(
            "Il modello Excel (.xlsx) compilato, un file .yaml o .json nel formato del piano, o il documento Word "
            "(.docx) del PEG o della Relazione con le schede degli obiettivi in tabelle: di un documento Word si "
            "rivede prima la bozza letta, poi si conferma l'importazione."
        ),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ",".join(SUFFIXES)}),
        error_messages={
            "required": gettext_lazy("Scegli il file da importare."),
            "empty": gettext_lazy("Il file scelto è vuoto."),
        },
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("Che cosa fare"),
        choices=[
            (CHECK, gettext_lazy("Solo verifica: legge il file e mostra che cosa farebbe, senza scrivere nulla")),
            (IMPORT, gettext_lazy("Importa il piano")),
        ],
        initial=CHECK,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    strict = forms.BooleanField(
        label=gettext_lazy(
            "Rifiuta il file se un tempo o un valore non si può interpretare, o se una cella di un documento Word non "
            "trova posto nel piano"
        ),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    motivation = forms.CharField(
        label=gettext_lazy("Motivazione (solo per un piano già adottato)"),
        help_text=gettext_lazy(
            "Le differenze del file da un piano adottato diventano richieste di rimodulazione con questa motivazione."
        ),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )
    act = forms.CharField(
        label=gettext_lazy("Atto (per le rimodulazioni del direttore)"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    act_date = forms.DateField(
        label=gettext_lazy("Data dell'atto"),
        required=False,
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}),
        error_messages={"invalid": gettext_lazy("Scrivi la data come GG/MM/AAAA.")},
    )

    plan_code = forms.CharField(
        label=gettext_lazy("Codice del piano (solo per un documento Word)"),
        help_text=gettext_lazy(
            "Un documento esportato da Traguardi lo indica già; per il documento dell'ente scrivi il codice con cui "
            "il piano sarà conosciuto, ad esempio PEG-2026."
        ),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    plan_title = forms.CharField(
        label=gettext_lazy("Titolo del piano (solo per un documento Word)"),
        help_text=gettext_lazy("Se vuoto, il titolo del documento."),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    plan_year = forms.IntegerField(
        label=gettext_lazy("Anno del piano (solo per un documento Word)"),
        help_text=gettext_lazy("Se vuoto, l'anno scritto nel titolo del documento o nelle colonne dei valori attesi."),
        required=False,
        min_value=1990,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
        error_messages={
            "invalid": gettext_lazy("Scrivi l'anno con quattro cifre, ad esempio 2026."),
            "min_value": gettext_lazy("Scrivi un anno dal 1990 in poi."),
            "max_value": gettext_lazy("Scrivi un anno fino al 2100."),
        },
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = importable_organizations(user)  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in SUFFIXES:
            raise forms.ValidationError(
                _(
                    "Il file «%(name)s» non è di un formato che Traguardi legge: usa un file .xlsx, .docx, .yaml o "
                    ".json."
                )
                % {"name": upload.name}
            )
        if upload.size > settings.PLAN_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("Il file è di %(size)s: se ne accettano al più %(limit)s. Dividi il piano o chiedi all'ufficio IT.")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.PLAN_IMPORT_MAX_BYTES),
                }
            )
        return upload


@accepts_plan_file
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_import(request: AuthenticatedRequest) -> HttpResponse:
    if not importable_organizations(request.user).exists():
        raise PermissionDenied(_("Un piano lo importa il direttore dell'ente."))
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = request_import(
            actor=request.user,
            organization=data["organization"],
            filename=data["file"].name,
            content=data["file"].read(),
            dry_run=data["mode"] == CHECK,
            strict=data["strict"],
            motivation=data["motivation"].strip(),
            act=data["act"].strip(),
            act_date=data["act_date"],
            identity=Identity(data["plan_code"].strip(), data["plan_title"].strip(), data["plan_year"]),
        )
        return redirect("web:plan-import-job", pk=job.pk)
    recent = (
        PlanImport.objects.filter(requested_by=request.user)
        .select_related("organization")
        .defer("content", "outcome")[:RECENT]
    )
    status = 400 if form.is_bound else 200
    return render(request, "web/plan_import.html", {"form": form, "recent": recent}, status=status)


@login_required
@require_safe
def plan_import_job(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A job's page: queued, running (refreshed by htmx, or by the page's own refresh without JavaScript), then
    what the import found."""
    job = (
        PlanImport.objects.filter(pk=pk, requested_by=request.user)
        .select_related("organization", "plan")
        .defer("content")
        .first()
    )
    if job is None:
        return not_found(request, _("L'importazione richiesta non esiste o non è tua."))
    context = {
        "job": job,
        "percent": percent(job),
        "outcome": job.outcome,
        "word": job.filename.endswith(WORD),
        "confirmable": _confirmable(job, request.user),
    }
    template = "web/plan_import_status.html" if is_htmx(request) else "web/plan_import_job.html"
    return render(request, template, context)


def _confirmable(job: PlanImport, user: Any) -> bool:
    """A check that found the file importable, not confirmed yet, by someone who may still import into its body."""
    checked = job.dry_run and job.status == PlanImport.Status.DONE and job.confirmed_as_id is None
    return checked and importable_organizations(user).filter(pk=job.organization_id).exists()


@login_required
@require_http_methods(["POST"])
def plan_import_confirm(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Import a checked file as it was checked (a Word document after its draft was reviewed)."""
    job = PlanImport.objects.filter(pk=pk, requested_by=request.user).select_related("organization").first()
    if job is None:
        return not_found(request, _("L'importazione richiesta non esiste o non è tua."))
    if job.confirmed_as_id is not None:  # confirmed already (a second click): its import
        return redirect("web:plan-import-job", pk=job.confirmed_as_id)
    if not _confirmable(job, request.user):
        raise PermissionDenied(_("Si conferma solo una verifica completata, in un ente di cui sei direttore."))
    confirmed = confirm_import(job, actor=request.user)
    return redirect("web:plan-import-job", pk=confirmed.pk)
