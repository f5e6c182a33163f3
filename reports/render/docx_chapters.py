"""The Relazione's chapters besides the objective sheets, in the Word document: the same content and order as the
PDF (reports/templates/reports/relazione/), with the performance chart drawn as bars of text (no colour)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils.translation import gettext as _
from docx.document import Document as DocumentObject
from docx.table import Table

from reports import labels
from reports.render.text import xml_safe
from reports.sections import Chapter, LevelCounts, Relazione

TableMaker = Callable[..., Table]


def _chapter_text(document: DocumentObject, chapter: Chapter | None) -> None:
    if chapter is None or not chapter.text:
        document.add_paragraph(str(labels.NOT_WRITTEN)).runs[0].italic = True
        return
    for paragraph in chapter.text.split("\n\n"):
        if paragraph.strip():
            document.add_paragraph(xml_safe(paragraph.strip()))
    document.add_paragraph(
        xml_safe(str(labels.WRITTEN_BY) % {"person": chapter.written_by, "date": labels.day(chapter.written_on)})
    )


def _level_rows(rows: Sequence[LevelCounts]) -> list[tuple[str, ...]]:
    return [
        (row.label, str(row.reached), str(row.partial), str(row.missed), str(row.not_measurable), str(row.total))
        for row in rows
    ]


def _level_header(first: str) -> list[str]:
    return [first, *(str(labels.LEVELS[level]) for level in labels.LEVEL_ORDER), str(labels.TOTAL)]


def opening(document: DocumentObject, relazione: Relazione, table: TableMaker) -> None:
    document.add_heading(str(labels.PRESENTATION), level=1)
    _chapter_text(document, relazione.chapter("presentation"))

    document.add_page_break()
    document.add_heading(str(labels.SUMMARY), level=1)
    summary = relazione.summary
    assert summary is not None  # build_relazione always sets it
    states = ("programmato", "avviato", "concluso", "rinviato")
    header = ["", *(str(labels.STATES[state]) for state in states), str(labels.TOTAL)]
    rows = [
        (
            str(_("Obiettivi")),
            *(str(getattr(summary.objectives, state)) for state in states),
            str(summary.objectives.total),
        ),
        (
            str(_("Attività")),
            *(str(getattr(summary.activities, state)) for state in states),
            str(summary.activities.total),
        ),
    ]
    table(document, rows, header=header)
    document.add_paragraph(
        _(
            "Attività concluse oltre la scadenza o ancora aperte a scadenza passata: %(late)d. "
            "Rinvii approvati nell'anno: %(postponed)d."
        )
        % {"late": summary.activities_late, "postponed": summary.postponements}
    )
    levels = [summary.objective_levels, summary.indicator_levels]
    rows = _level_rows(levels)
    rows = [(str(_("Obiettivi")), *rows[0][1:]), (str(_("Indicatori")), *rows[1][1:])]
    table(document, rows, header=_level_header(""))
    document.add_paragraph(str(labels.LEVEL_RULE))

    document.add_page_break()
    document.add_heading(str(labels.CONTEXT), level=1)
    _chapter_text(document, relazione.chapter("context"))
    budget = relazione.budget
    assert budget is not None
    document.add_heading(_("Risorse finanziarie per obiettivo"), level=2)
    if budget.objectives:
        columns = [str(labels.OBJECTIVE), str(labels.INCOME), str(labels.EXPENSE)]
        table(
            document,
            [(line.label, labels.money(line.income), labels.money(line.expense)) for line in budget.objectives],
            header=columns,
        )
        document.add_heading(_("Risorse finanziarie per centro di responsabilità"), level=2)
        lines = [*budget.areas]
        rows = [(line.label, labels.money(line.income), labels.money(line.expense)) for line in lines]
        rows.append(
            (
                f"{labels.TOTAL} – {budget.total.label}",
                labels.money(budget.total.income),
                labels.money(budget.total.expense),
            )
        )
        table(document, rows, header=[str(labels.RESPONSIBILITY_CENTRE), str(labels.INCOME), str(labels.EXPENSE)])
        document.add_paragraph(str(labels.SHARED_BUDGET_NOTE))
    else:
        document.add_paragraph(str(labels.NO_BUDGET))

    document.add_page_break()
    document.add_heading(str(labels.PERFORMANCE), level=1)
    table(document, _level_rows(relazione.performance), header=_level_header(str(labels.RESPONSIBILITY_CENTRE)))
    # The chart: one bar of text per level, its name and count beside it; it needs no colour to be read.
    top = max(
        (
            count
            for row in relazione.performance
            for count in (row.reached, row.partial, row.missed, row.not_measurable)
        ),
        default=0,
    )
    chart_rows = []
    for row in relazione.performance:
        for level, count in zip(
            labels.LEVEL_ORDER, (row.reached, row.partial, row.missed, row.not_measurable), strict=True
        ):
            chart_rows.append((row.label, str(labels.LEVELS[level]), f"{labels.level_bar(count, top)} {count}"))
    table(document, chart_rows, header=[str(labels.RESPONSIBILITY_CENTRE), str(labels.LEVEL), _("Grafico")])
    document.add_paragraph(str(labels.LEVEL_RULE))
    _scores(document, relazione, table)

    document.add_page_break()
    document.add_heading(str(labels.OBJECTIVE_SHEETS), level=1)


def _scores(document: DocumentObject, relazione: Relazione, table: TableMaker) -> None:
    """The year's scores: the body's, each area's and each objective's, with the explanation."""
    scores = relazione.scores
    if scores is None:
        return
    document.add_heading(str(labels.SCORES), level=2)
    document.add_paragraph(xml_safe(scores.rule))
    body = f"{labels.BODY} – {scores.body.label}: {labels.score_text(scores.body)}"
    document.add_paragraph().add_run(xml_safe(body)).bold = True
    document.add_paragraph(xml_safe(scores.body.explanation))
    if scores.areas:
        rows = [(xml_safe(a.label), labels.score_text(a), xml_safe(a.explanation)) for a in scores.areas]
        table(document, rows, header=[str(labels.RESPONSIBILITY_CENTRE), str(labels.SCORE), str(labels.EXPLANATION)])
    objective_rows = [
        (xml_safe(o.label), labels.weight_text(o.weight), labels.score_text(o), xml_safe(o.explanation))
        for o in scores.objectives
    ]
    header = [_("Obiettivo"), str(labels.WEIGHT), str(labels.SCORE), str(labels.EXPLANATION)]
    table(document, objective_rows, header=header)


def closing(document: DocumentObject, relazione: Relazione, table: TableMaker) -> None:
    document.add_page_break()
    document.add_heading(str(labels.ANNEX_CHANGES), level=1)
    if not relazione.annex:
        document.add_paragraph(str(labels.NO_CHANGES))
    for area in relazione.annex:
        document.add_heading(xml_safe(area.heading), level=2)
        for objective in area.objectives:
            document.add_heading(xml_safe(objective.heading), level=3)
            if objective.changes:
                columns = [_("Data"), _("Variazione"), _("Oggetto"), str(labels.MOTIVATION), _("Esito e decisioni")]
                rows = [
                    (
                        labels.day(change.on),
                        str(labels.CHANGE_KINDS.get(change.kind, change.kind)),
                        change.subject,
                        change.motivation or ("" if change.kind == "target" else str(labels.NO_MOTIVATION)),
                        labels.change_text(change),
                    )
                    for change in objective.changes
                ]
                table(document, rows, header=columns)
            if objective.deviations:
                columns = [
                    _("Oggetto"),
                    str(labels.EXPECTED),
                    str(labels.MEASURED),
                    str(labels.LEVEL),
                    str(labels.MOTIVATION),
                ]
                rows = [
                    (
                        d.subject,
                        d.expected,
                        d.actual,
                        str(labels.LEVELS.get(d.level, d.level)),
                        d.motivation or str(labels.NO_MOTIVATION),
                    )
                    for d in objective.deviations
                ]
                table(document, rows, header=columns)

    document.add_page_break()
    document.add_heading(str(labels.ANNEX_INDICATORS), level=1)
    columns = [
        str(labels.OBJECTIVE),
        str(labels.INDICATOR),
        str(labels.UNIT),
        f"{labels.EXPECTED} {relazione.year}",
        f"{labels.MEASURED} {relazione.year}",
        _("Rilevato il"),
        str(labels.PERCENT),
        str(labels.LEVEL),
    ]
    indicator_rows: list[tuple[str, ...]] = [
        (
            o.code,
            i.name,
            i.unit,
            i.expected,
            i.actual,
            labels.day(i.measured_on),
            labels.percent_text(i.percent, i.light),
            str(labels.LEVELS.get(i.level, i.level)),
        )
        for o in relazione.objectives
        for i in o.indicators
    ]
    if indicator_rows:
        table(document, indicator_rows, header=columns)

    document.add_page_break()
    document.add_heading(str(labels.PROCESS), level=1)
    _chapter_text(document, relazione.chapter("process"))
    document.add_paragraph(str(labels.PREPARED_ON) % {"date": labels.day(relazione.prepared_on)})
    _validation(document, relazione, table)


def _validation(document: DocumentObject, relazione: Relazione, table: TableMaker) -> None:
    """The OIV's validation, from its recorded outcome; before it, that the Relazione awaits it."""
    document.add_heading(str(labels.VALIDATION_HEADING), level=2)
    validation = relazione.validation
    if validation is None:
        document.add_paragraph(f"{labels.VALIDATION_PENDING} {labels.VALIDATION_AWAITED}")
        return
    document.add_paragraph(xml_safe(labels.validation_recorded(validation)))
    document.add_paragraph(labels.validation_criteria(validation))
    rows = [(f.title, f.result_label, f.note) for f in validation.findings]
    if rows:
        table(document, rows, header=[str(labels.CRITERION), _("Esito"), str(labels.NOTE)])
    for heading, text in (
        (labels.VALIDATION_OBSERVATIONS, validation.observations),
        (labels.VALIDATION_MOTIVATION, validation.motivation),
    ):
        if text:
            document.add_heading(str(heading), level=3)
            for paragraph in text.split("\n\n"):
                if paragraph.strip():
                    document.add_paragraph(xml_safe(paragraph.strip()))
    if validation.outcome == "non_validata":
        document.add_paragraph(str(labels.VALIDATION_AGAIN))
