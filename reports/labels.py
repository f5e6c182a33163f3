"""The Italian labels of the Relazione, as in the seed document, shared by every renderer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from plans.achievement import Level, Light
from reports.sections import (
    ActivityRow,
    AreaSection,
    Change,
    Decision,
    ObjectiveSection,
    ReportText,
    ScoreLine,
    ValidationSection,
    WorkflowEvent,
)

TITLE = _("Relazione sulla Performance")
RESPONSIBILITY_CENTRE = _("Centro di responsabilità")
NO_AREA = _("Obiettivi senza centro di responsabilità")
PERFORMANCE_OBJECTIVES = _("Obiettivi di performance")
OBJECTIVE = _("Obiettivo")
PROGRAMME = _("Programma")
DESCRIPTION_HEADING = _("Descrizione obiettivo")
ACTIVITIES_HEADING = _("Modalità di attuazione")
INDICATORS_HEADING = _("Indicatori di risultato")
REPORT_AT = _("Report al %(date)s")
PAGE = _("Pagina")
OF = _("di")
CODE = _("Codice")
AREAS = _("Centri di responsabilità")
NUMBER = _("Numero")
POSITION = _("N.")
STATE = _("Stato")

HEADER_FIELDS: tuple[tuple[str, Promise], ...] = (
    ("strategic_area", _("Area strategica")),
    ("services", _("Servizi interessati")),
    ("operational_objective", _("Obiettivo operativo")),
    ("end_users", _("Utenti finali")),
    ("peg_project", _("Progetto PEG")),
    ("networks", _("Reti di collaborazione")),
)

ACTIVITY = _("Attività")
PLANNED = _("Tempi")
ACTUAL = _("Consuntivo")
ACTIVITY_COLUMNS = (ACTIVITY, PLANNED, ACTUAL)

INDICATOR = _("Indicatore")
DESCRIPTION = _("Descrizione")
UNIT = _("Unità misura")
EXPECTED = _("Valore atteso")
MEASURED = _("Valore consuntivo")
PERCENT = _("% raggiungimento")
LIGHT = _("Semaforo")

LIGHTS = {Light.GREEN.value: _("verde"), Light.YELLOW.value: _("giallo"), Light.RED.value: _("rosso")}


def area_heading(area: AreaSection) -> str:
    if not area.code:
        return str(NO_AREA)
    return f"{RESPONSIBILITY_CENTRE}: {area.name}"


def objective_heading(objective: ObjectiveSection) -> str:
    """ "Obiettivo 3" (or the code when unnumbered), with the programme when the area has more than one."""
    label = f"{OBJECTIVE} {objective.number if objective.number is not None else objective.code}"
    return f"{PROGRAMME} {objective.programme} – {label}" if objective.programme else label


def header_rows(objective: ObjectiveSection) -> list[tuple[str, str]]:
    """The objective's header as (label, value) pairs, in the seed's order."""
    return [(str(label), getattr(objective, field)) for field, label in HEADER_FIELDS]


def indicator_columns(year: int) -> tuple[str, ...]:
    """The indicator table's columns; expected and actual values carry the year, as in the seed."""
    return (
        str(INDICATOR),
        str(DESCRIPTION),
        str(UNIT),
        f"{EXPECTED} {year}",
        f"{MEASURED} {year}",
        str(PERCENT),
    )


def percent_text(percent: Decimal | None, light: str | None) -> str:
    """Italian display: "83,0% (giallo)"; "" when there is no percentage."""
    if percent is None:
        return ""
    number = f"{percent:.1f}".replace(".", ",")
    return f"{number}% ({LIGHTS[light]})" if light in LIGHTS else f"{number}%"


def report_heading(report: ReportText) -> str:
    """ "Report al 31/12/2021"."""
    return str(REPORT_AT) % {"date": f"{report.date:%d/%m/%Y}"}


# The chapters besides the objective sheets (Linee guida n. 3/2018 of the Funzione Pubblica).
PRESENTATION = _("Presentazione")
SUMMARY = _("Sintesi dei risultati")
CONTEXT = _("Contesto e risorse")
PERFORMANCE = _("La performance dell'ente nel suo complesso")
OBJECTIVE_SHEETS = _("Gli obiettivi")
ANNEX_CHANGES = _("Allegato 1 – Variazioni e scostamenti")
ANNEX_INDICATORS = _("Allegato 2 – Gli indicatori")
PROCESS = _("Il processo di redazione e la validazione")
CHAPTER_TITLES = {"presentation": PRESENTATION, "context": CONTEXT, "process": PROCESS}
NOT_WRITTEN = _("Capitolo non ancora redatto dal direttore.")
WRITTEN_BY = _("Redatto da %(person)s il %(date)s.")
FACTS = _("Stato e fatti dell'anno")
DISCREPANCY = _("Discordanza")
NO_MOTIVATION = _("motivazione non indicata")
VALIDATION_PENDING = _("La validazione dell'Organismo indipendente di valutazione non è ancora registrata.")
VALIDATION_AWAITED = _("La Relazione attende la validazione dell'OIV (art. 14, comma 4, lettera c, d.lgs. 150/2009).")
VALIDATION_HEADING = _("La validazione dell'OIV")
VALIDATION_RECORDED = _(
    "Il %(date)s l'Organismo indipendente di valutazione (%(auditor)s) ha registrato l'esito: Relazione %(outcome)s."
)
VALIDATION_CRITERIA = _(
    "Criteri verificati: %(met)d soddisfatti, %(partial)d parzialmente soddisfatti, %(not_met)d non soddisfatti."
)
VALIDATION_OBSERVATIONS = _("Osservazioni dell'OIV")
VALIDATION_MOTIVATION = _("Motivazione della mancata validazione")
VALIDATION_AGAIN = _("La Relazione, rivista dall'ente, attende una nuova validazione dell'OIV.")
CRITERION = _("Criterio")
NOTE = _("Nota")
PREPARED_ON = _("Documento predisposto con Traguardi il %(date)s dai dati del piano e dal registro delle operazioni.")
MOTIVATION = _("Motivazione")
LEVEL = _("Livello")
NO_CHANGES = _("Nessuna variazione e nessuno scostamento nell'anno.")
NO_BUDGET = _("Nessun obiettivo del piano ha risorse finanziarie indicate.")
INCOME = _("Entrata")
EXPENSE = _("Spesa")
TOTAL = _("Totale")
SHARED_BUDGET_NOTE = _(
    "Un obiettivo assegnato a più centri di responsabilità compare sotto ciascuno; "
    "il totale dell'ente lo conta una volta."
)
LEVEL_RULE = _(
    "Livello di un obiettivo: la media dei suoi indicatori misurabili, ciascuno contato al massimo al 100% "
    "(raggiunto dal 100%, parzialmente raggiunto dall'80%); senza indicatori misurabili, la quota delle sue attività "
    "concluse; altrimenti non misurabile."
)

STATES = {
    "programmato": _("programmato"),
    "avviato": _("avviato"),
    "concluso": _("concluso"),
    "rinviato": _("rinviato"),
}
LEVELS = {
    Level.REACHED.value: _("raggiunto"),
    Level.PARTIAL.value: _("parzialmente raggiunto"),
    Level.MISSED.value: _("non raggiunto"),
    Level.NOT_MEASURABLE.value: _("non misurabile"),
}
LEVEL_ORDER = (Level.REACHED.value, Level.PARTIAL.value, Level.MISSED.value, Level.NOT_MEASURABLE.value)
EVENTS = {
    "avvia": _("Avvio"),
    "concludi": _("Conclusione"),
    "rinvia": _("Rinvio"),
    "riprendi": _("Ripresa"),
    "riapri": _("Riapertura"),
    "rimodula": _("Rimodulazione"),
}
CHANGE_KINDS = {
    "rimodulazione": _("Rimodulazione approvata"),
    "rinvio": _("Rinvio"),
    "riapertura": _("Riapertura"),
    "rifiuto": _("Richiesta respinta"),
    "target": _("Valore atteso modificato"),
}
STATUSES = {
    "approved": _("approvato"),
    "rejected": _("respinto"),
    "pending": _("in attesa di decisione"),
    "withdrawn": _("ritirato"),
}
STEPS = {"area_head": _("responsabile d'area"), "director": _("direttore")}


def day(value: dt.date | None) -> str:
    return "" if value is None else f"{value:%d/%m/%Y}"


def money(value: Decimal | None) -> str:
    """ "12.500,00 €"; "" when not given."""
    if value is None:
        return ""
    whole = f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{whole} €"


def decisions_text(decisions: Sequence[Decision]) -> str:
    """ "approvato da Anna Rossi (responsabile d'area) il 03/12/2026; approvato da Diana (direttore) il 04/12/2026"."""
    parts = []
    for decision in decisions:
        verb = STATUSES["approved" if decision.decision == "approved" else "rejected"]
        who = decision.by
        if decision.on_behalf_of:
            who = str(_("%(person)s per conto di %(absent)s")) % {"person": who, "absent": decision.on_behalf_of}
        text = str(_("%(verb)s da %(person)s (%(step)s) il %(date)s")) % {
            "verb": verb,
            "person": who,
            "step": STEPS.get(decision.step, decision.step),
            "date": day(decision.on),
        }
        parts.append(text + (f": «{decision.comment}»" if decision.comment else ""))
    return "; ".join(parts)


def event_text(event: WorkflowEvent) -> str:
    """One line per request: what was asked, by whom and when, why, the new deadline, and who decided."""
    parts = [
        str(_("%(event)s chiesto da %(person)s il %(date)s"))
        % {
            "event": EVENTS.get(event.transition, event.transition),
            "person": event.requested_by,
            "date": day(event.requested_on),
        }
    ]
    if event.reason:
        parts.append(str(_("motivo: «%(reason)s»")) % {"reason": event.reason})
    if event.new_planned_end:
        parts.append(str(_("nuova scadenza %(date)s")) % {"date": day(event.new_planned_end)})
    if event.actual_end and event.transition == "concludi":
        parts.append(str(_("conclusione effettiva %(date)s")) % {"date": day(event.actual_end)})
    if event.decisions:
        parts.append(decisions_text(event.decisions))
    if event.status in ("pending", "withdrawn") or (event.status == "approved" and not event.decisions):
        parts.append(str(STATUSES[event.status]))
    return "; ".join(parts) + "."


def activity_facts(activity: ActivityRow) -> list[str]:
    """The lines of the "facts" cell: the state at the report's date, actual start and end, each request."""
    lines = [str(_("Stato: %(state)s")) % {"state": STATES.get(activity.state, activity.state)}]
    if activity.actual_start:
        lines.append(str(_("Inizio effettivo: %(date)s")) % {"date": day(activity.actual_start)})
    if activity.actual_end:
        lines.append(str(_("Conclusione effettiva: %(date)s")) % {"date": day(activity.actual_end)})
    lines += [event_text(event) for event in activity.events]
    return lines


def objective_facts(objective: ObjectiveSection) -> list[str]:
    lines = [str(_("Stato: %(state)s")) % {"state": STATES.get(objective.state, objective.state)}]
    if objective.planned_end:
        lines.append(str(_("Scadenza prevista: %(date)s")) % {"date": day(objective.planned_end)})
    if objective.actual_end:
        lines.append(str(_("Conclusione effettiva: %(date)s")) % {"date": day(objective.actual_end)})
    lines.append(str(_("Livello di raggiungimento: %(level)s")) % {"level": LEVELS.get(objective.level, "")})
    lines += [event_text(event) for event in objective.events]
    return lines


def change_text(change: Change) -> str:
    if change.kind == "target":
        return str(_("da «%(before)s» a «%(after)s», registrato da %(person)s")) % {
            "before": change.before,
            "after": change.after,
            "person": change.requested_by,
        }
    parts = [
        str(_("%(what)s: da «%(before)s» a «%(after)s»"))
        % {"what": what, "before": before or "—", "after": after or "—"}
        for what, before, after in change.lines
    ]
    if change.act:
        parts.append(str(_("atto: %(act)s")) % {"act": change.act})
    parts.append(str(_("chiesto da %(person)s")) % {"person": change.requested_by})
    if change.new_planned_end:
        parts.append(str(_("nuova scadenza %(date)s")) % {"date": day(change.new_planned_end)})
    if change.decisions:
        parts.append(decisions_text(change.decisions))
    if change.status != "approved" or not change.decisions:
        # Still waiting (or withdrawn) after a first decision: said in words, never left to read as approved.
        parts.append(str(STATUSES.get(change.status, change.status)))
    return "; ".join(parts)


def level_bar(count: int, total: int, width: int = 20) -> str:
    """A bar of text for a chart that needs no colour (the DOCX and the accessible alternative)."""
    if total == 0:
        return ""
    return "█" * round(width * count / total)


SCORES = _("Punteggi dell'anno")
SCORE = _("Punteggio")
WEIGHT = _("Peso")
EXPLANATION = _("Spiegazione")
BODY = _("Ente")
SCORES_OF_AREAS = _("Punteggi dei centri di responsabilità")
SCORES_OF_OBJECTIVES = _("Punteggi degli obiettivi")


def score_text(line: ScoreLine) -> str:
    """ "86,7% ◐ parzialmente raggiunto", or "– non misurabile": the figure, the symbol and the band's words."""
    figure = "" if line.score is None else f"{line.score:.1f}".replace(".", ",") + "% "
    return f"{figure}{line.symbol} {line.band}"


def weight_text(weight: Decimal | None) -> str:
    return "" if weight is None else f"{weight.normalize():f}".replace(".", ",")


def validation_recorded(validation: ValidationSection) -> str:
    """ "Il 30/06/2022 l'Organismo indipendente di valutazione (…) ha registrato l'esito: Relazione validata." """
    return str(VALIDATION_RECORDED) % {
        "date": day(validation.recorded_on),
        "auditor": validation.auditor,
        "outcome": validation.outcome_label,
    }


def validation_criteria(validation: ValidationSection) -> str:
    return str(VALIDATION_CRITERIA) % {
        "met": validation.met,
        "partial": validation.partial,
        "not_met": validation.not_met,
    }
