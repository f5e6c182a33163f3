"""The consuntivo's pages: an indicator with its values, evidence and motivations; the objective's report; the
Relazione's chapters. Thin: each form calls one service, and a refusal is shown next to the field it names."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from config.guard import accepts_evidence
from evaluation.selectors import systems_for
from plans.achievement import achievement
from plans.models import Indicator, IndicatorMotivation, Measurement, MeasurementEvidence, Plan
from plans.models.indicator import history_prefetch, references_of
from plans.rules import (
    can_record_measurement,
    can_write_motivation,
    can_write_relazione_chapter,
    visible_indicators,
    visible_objectives,
    visible_plans,
)
from reports.models import RelazioneChapter
from reports.services import relazione_chapter_write
from web.consuntivo_forms import ChapterForm, MeasurementForm, MotivationForm, ObjectiveReportForm
from web.http import AuthenticatedRequest
from web.indicators import year_of
from web.views.items import render_item
from workflow.errors import WorkflowError
from workflow.services.consuntivo import indicator_motivation_write, objective_report_write
from workflow.services.freeze import frozen_notice
from workflow.services.measurements import (
    confirmation_refusal,
    counts_as_confirmed,
    measurement_confirm,
    measurement_record,
    needs_confirmation,
    value_that_counts,
)
from workflow.trail.versions import text_versions

VALUES_PER_PAGE = 20


def show_refusal(form: forms.Form, refused: WorkflowError) -> int:
    """Put the service's refusal on the form, each problem next to its field; the answer's status. A thing the
    person may not see is a 404, as if it did not exist."""
    if refused.status == 404:
        raise Http404(refused.message)
    for field, problems in refused.fields.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)
    if not refused.fields:
        form.add_error(None, refused.message)
    return refused.status


def frozen_refusal(request: AuthenticatedRequest, refused: WorkflowError, url: str) -> HttpResponse | None:
    """A write refused because the plan was validated meanwhile: said at the top of the page, shown again
    read-only (plans.freeze), rather than beside a form that is no longer offered."""
    if refused.code != "plan_frozen":
        return None
    messages.error(request, refused.message)
    return redirect(url)


# The indicator's page.


def _indicator(request: AuthenticatedRequest, pk: int) -> Indicator:
    indicators = visible_indicators(request.user).select_related("objective__plan__organization", "baseline")
    return get_object_or_404(indicators.prefetch_related("objective__areas", history_prefetch()), pk=pk)


def _years(
    indicator: Indicator, user: Any, failed: tuple[int, MotivationForm] | None, *, confirms: bool
) -> list[dict[str, Any]]:
    """For each year with a target: the target, the latest value, what it reached, the motivation and its form."""
    targets = list(indicator.targets.order_by("year"))
    # Each year under its own measurement system: one query for them all.
    systems = systems_for(indicator.objective.plan.organization_id, {target.year for target in targets})
    by_year: dict[int, list[Measurement]] = {}
    # Oldest first, as the Relazione orders them: an undated value after the dated ones.
    for measurement in indicator.measurements.filter(year__in=[t.year for t in targets]).order_by(
        F("measured_on").asc(nulls_last=True), "recorded_at", "pk"
    ):
        by_year.setdefault(measurement.year, []).append(measurement)
    motivations = {m.year: m for m in indicator.motivations.select_related("written_by")}
    may_write = bool(can_write_motivation(user, indicator))
    references = references_of(indicator)
    rows = []
    for target in targets:
        values = by_year.get(target.year, [])
        actual = value_that_counts(values, confirms=confirms)
        pending = confirms and not all(counts_as_confirmed(value) for value in values)
        result = achievement(target, actual, indicator.direction, systems[target.year].rule, baseline=references)
        motivation = motivations.get(target.year)
        form = None
        if may_write:
            prefix = f"motivazione-{target.year}"
            bound = failed is not None and failed[0] == target.year
            form = (
                failed[1]
                if bound and failed
                else MotivationForm(prefix=prefix, initial={"text": motivation.text if motivation else ""})
            )
        rows.append(
            {
                "target": target,
                "actual": actual,
                "pending": pending,
                "result": result,
                "motivation": motivation,
                "form": form,
            }
        )
    return rows


def _indicator_context(
    request: AuthenticatedRequest,
    indicator: Indicator,
    *,
    record_form: MeasurementForm | None = None,
    failed_motivation: tuple[int, MotivationForm] | None = None,
) -> dict[str, Any]:
    user = request.user
    plan = indicator.objective.plan
    notice = frozen_notice(plan)  # a validated plan: nothing recorded, confirmed or written here
    measurements = (
        indicator.measurements.select_related("recorded_by", "confirmed_by")
        .prefetch_related(Prefetch("evidence", queryset=MeasurementEvidence.objects.order_by("uploaded_at", "pk")))
        .order_by("-recorded_at", "-pk")
    )
    page = Paginator(measurements, VALUES_PER_PAGE).get_page(request.GET.get("pagina"))
    confirms = needs_confirmation(indicator)
    values = [
        {
            "measurement": measurement,
            "pending": confirms and not counts_as_confirmed(measurement),
            "may_confirm": confirms
            and not notice
            and not counts_as_confirmed(measurement)
            and confirmation_refusal(user, measurement) is None,
        }
        for measurement in page
    ]
    may_record = not notice and bool(can_record_measurement(user, indicator))
    if may_record and record_form is None:
        record_form = MeasurementForm(plan=plan, initial={"year": year_of(plan, timezone.localdate())})
    years = _years(indicator, user, failed_motivation, confirms=confirms)
    if notice:
        for row in years:
            row["form"] = None
    motivation_years = {row["motivation"].pk: row["target"].year for row in years if row["motivation"]}
    return {
        "frozen_notice": notice,
        "indicator": indicator,
        "objective": indicator.objective,
        "plan": plan,
        "years": years,
        "values": values,
        "page": page,
        "confirms": confirms,
        "record_form": record_form if may_record else None,
        # (year, version): each motivation's texts, newest first.
        "motivation_versions": [
            (motivation_years[version.subject_id], version)
            for version in text_versions(IndicatorMotivation, motivation_years)
        ],
    }


@login_required
def indicator(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return render(request, "web/indicator.html", _indicator_context(request, _indicator(request, pk)))


@accepts_evidence
@login_required
@require_POST
def record_value(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _indicator(request, pk)
    form = MeasurementForm(request.POST, request.FILES, plan=item.objective.plan)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            measurement_record(
                actor=request.user,
                indicator=item,
                year=data["year"],
                value=data["value"],
                measured_on=data["measured_on"],
                note=data["note"],
                files=data["evidence"],
            )
        except WorkflowError as refused:
            if frozen := frozen_refusal(request, refused, reverse("web:indicator", args=[pk])):
                return frozen
            status = show_refusal(form, refused)
        else:
            count = len(data["evidence"])
            messages.success(
                request,
                ngettext(
                    "Valore registrato: %(value)s per il %(year)d, con %(count)d file di documentazione.",
                    "Valore registrato: %(value)s per il %(year)d, con %(count)d file di documentazione.",
                    count,
                )
                % {"value": data["value"], "year": data["year"], "count": count},
            )
            return redirect("web:indicator", pk=pk)
    context = _indicator_context(request, item, record_form=form)
    return render(request, "web/indicator.html", context, status=status)


@login_required
@require_POST
def confirm_value(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    measurement = get_object_or_404(
        Measurement.objects.filter(indicator__in=visible_indicators(request.user)).select_related("indicator"), pk=pk
    )
    try:
        measurement_confirm(actor=request.user, measurement=measurement)
    except WorkflowError as refused:
        if refused.status == 404:
            raise Http404(refused.message) from refused
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Valore confermato: %(value)s.") % {"value": measurement.raw})
    return redirect("web:indicator", pk=measurement.indicator_id)


@login_required
@require_POST
def write_motivation(request: AuthenticatedRequest, pk: int, year: int) -> HttpResponse:
    item = _indicator(request, pk)
    form = MotivationForm(request.POST, prefix=f"motivazione-{year}")
    status = 400
    if form.is_valid():
        try:
            indicator_motivation_write(actor=request.user, indicator=item, year=year, text=form.cleaned_data["text"])
        except WorkflowError as refused:
            if frozen := frozen_refusal(request, refused, reverse("web:indicator", args=[pk])):
                return frozen
            status = show_refusal(form, refused)
        else:
            messages.success(request, _("Motivazione del %(year)d salvata.") % {"year": year})
            return redirect(reverse("web:indicator", args=[pk]) + f"#anno-{year}")
    context = _indicator_context(request, item, failed_motivation=(year, form))
    return render(request, "web/indicator.html", context, status=status)


@login_required
def evidence_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """The file as it was uploaded, to those who see its indicator; a 404 for anyone else."""
    evidence = get_object_or_404(
        MeasurementEvidence.objects.filter(measurement__indicator__in=visible_indicators(request.user)), pk=pk
    )
    try:
        file = evidence.file.open("rb")
    except FileNotFoundError as error:
        raise Http404(_("Il file non è più disponibile.")) from error
    return FileResponse(file, as_attachment=True, filename=evidence.name, content_type=evidence.content_type)


# The objective's report.


@login_required
@require_POST
def write_objective_report(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    objective = get_object_or_404(
        visible_objectives(request.user).select_related("plan__organization", "owner").prefetch_related("areas"),
        pk=pk,
    )
    form = ObjectiveReportForm(request.POST, prefix="relazione")
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            objective_report_write(actor=request.user, objective=objective, date=data["date"], text=data["text"])
        except WorkflowError as refused:
            if frozen := frozen_refusal(request, refused, reverse("web:objective", args=[pk])):
                return frozen
            status = show_refusal(form, refused)
        else:
            messages.success(request, _("Relazione al %(date)s salvata.") % {"date": f"{data['date']:%d/%m/%Y}"})
            return redirect(reverse("web:objective", args=[pk]) + "#titolo-relazione")
    return render_item(request, objective, report_form=form, status=status)


# The Relazione's chapters.


def _chapters_context(
    request: AuthenticatedRequest, plan: Plan, year: int, failed: tuple[str, ChapterForm] | None = None
) -> dict[str, Any]:
    chapters = {c.kind: c for c in RelazioneChapter.objects.filter(plan=plan, year=year).select_related("written_by")}
    notice = frozen_notice(plan)
    may_write = not notice and bool(can_write_relazione_chapter(request.user, plan))
    rows = []
    for kind, label in RelazioneChapter.Kind.choices:
        chapter = chapters.get(kind)
        form = None
        if may_write:
            bound = failed is not None and failed[0] == kind
            form = (
                failed[1]
                if bound and failed
                else ChapterForm(prefix=kind, initial={"text": chapter.text if chapter else ""})
            )
        rows.append({"kind": kind, "label": label, "chapter": chapter, "form": form})
    labels = {chapter.pk: chapter.get_kind_display() for chapter in chapters.values()}
    return {
        "frozen_notice": notice,
        "plan": plan,
        "year": year,
        "rows": rows,
        "may_write": may_write,
        # (chapter's name, version): each chapter's texts, newest first.
        "versions": [(labels[version.subject_id], version) for version in text_versions(RelazioneChapter, labels)],
    }


def _plan_year(request: AuthenticatedRequest, plan_id: int, year: int) -> Plan:
    plan = get_object_or_404(visible_plans(request.user).select_related("organization"), pk=plan_id)
    if not plan.year_start <= year <= plan.year_end:
        raise Http404(_("Il piano non copre questo anno."))
    return plan


@login_required
def chapters(request: AuthenticatedRequest, plan_id: int, year: int) -> HttpResponse:
    plan = _plan_year(request, plan_id, year)
    return render(request, "web/chapters.html", _chapters_context(request, plan, year))


@login_required
@require_POST
def write_chapter(request: AuthenticatedRequest, plan_id: int, year: int, kind: str) -> HttpResponse:
    plan = _plan_year(request, plan_id, year)
    if kind not in RelazioneChapter.Kind.values:
        raise Http404(_("Capitolo sconosciuto."))
    form = ChapterForm(request.POST, prefix=kind)
    status = 400
    if form.is_valid():
        try:
            relazione_chapter_write(actor=request.user, plan=plan, year=year, kind=kind, text=form.cleaned_data["text"])
        except WorkflowError as refused:
            if frozen := frozen_refusal(request, refused, reverse("web:chapters", args=[plan_id, year])):
                return frozen
            status = show_refusal(form, refused)
        else:
            label = RelazioneChapter.Kind(kind).label
            messages.success(request, _("Capitolo «%(chapter)s» salvato.") % {"chapter": label})
            return redirect(reverse("web:chapters", args=[plan_id, year]) + f"#capitolo-{kind}")
    return render(request, "web/chapters.html", _chapters_context(request, plan, year, (kind, form)), status=status)
