"""The Italian wording of the intermediate monitoring report, shared by its PDF and DOCX."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plans.models import WorkState
from reports import labels
from reports.monitoring_sections import ActivityAsOf, AreaAsOf, IndicatorAsOf, Monitoring, ObjectiveAsOf

TITLE = gettext_lazy("Monitoraggio intermedio")
DASH = "—"


def day(value: dt.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else DASH


def title(monitoring: Monitoring) -> str:
    """ "Monitoraggio intermedio al 30/06/2026"; an instant within a day carries its time."""
    if monitoring.end_of_day:
        return _("Monitoraggio intermedio al %(date)s") % {"date": day(monitoring.date)}
    local = timezone.localtime(monitoring.moment)
    return _("Monitoraggio intermedio al %(date)s ore %(time)s") % {"date": day(local.date()), "time": f"{local:%H:%M}"}


def subtitle(monitoring: Monitoring) -> str:
    return f"{monitoring.organization_name} – {monitoring.plan_title} ({monitoring.plan_code})"


def introduction(monitoring: Monitoring) -> str:
    return _(
        "Lo stato di ogni obiettivo e di ogni attività com'era alla data del monitoraggio, ricostruito dal "
        "registro delle operazioni; l'ultimo aggiornamento mensile dato entro quella data; per ogni indicatore il "
        "valore atteso per il %(year)d e l'ultimo valore conosciuto alla data. Sono in ritardo le attività e gli "
        "obiettivi la cui scadenza era già passata senza che fossero conclusi; per quelli rinviati entro la data è "
        "indicato il motivo dell'ultimo rinvio."
    ) % {"year": monitoring.date.year}


def area_heading(area: AreaAsOf) -> str:
    return str(labels.NO_AREA) if not area.code else f"{labels.RESPONSIBILITY_CENTRE}: {area.name}"


def objective_heading(objective: ObjectiveAsOf) -> str:
    number = objective.number if objective.number is not None else objective.code
    label = f"{labels.OBJECTIVE} {number}"
    return f"{labels.PROGRAMME} {objective.programme} – {label}" if objective.programme else label


def state(value: str) -> str:
    return str(WorkState(value).label) if value in WorkState.values else value


def objective_facts(objective: ObjectiveAsOf, monitoring: Monitoring) -> list[tuple[str, str]]:
    """(label, value) lines under an objective's heading."""
    facts = [
        (_("Codice"), objective.code),
        (_("Stato al %(date)s") % {"date": day(monitoring.date)}, state(objective.state)),
        (_("Scadenza prevista"), day(objective.planned_end)),
    ]
    if objective.actual_start:
        facts.append((_("Avvio effettivo"), day(objective.actual_start)))
    if objective.actual_end:
        facts.append((_("Conclusione effettiva"), day(objective.actual_end)))
    facts.append((_("Scostamento"), deviation(objective.late, objective.postponement)))
    return facts


def deviation(late: bool, postponement: str | None) -> str:
    """ "In ritardo: scadenza superata", "Rinvio: <reason>", both, or "Nessuno"."""
    parts = []
    if late:
        parts.append(_("In ritardo: scadenza superata"))
    if postponement is not None:
        parts.append(_("Rinvio: %(reason)s") % {"reason": postponement} if postponement else _("Rinvio"))
    return "; ".join(parts) or _("Nessuno")


def activity_columns(monitoring: Monitoring) -> tuple[str, ...]:
    return (
        _("Attività"),
        _("Tempi"),
        _("Stato al %(date)s") % {"date": day(monitoring.date)},
        _("Avvio effettivo"),
        _("Conclusione effettiva"),
        _("Ultimo aggiornamento mensile"),
        _("Scostamento"),
    )


def planned_text(activity: ActivityAsOf) -> str:
    """The planned time as written, with the deadline then (a postponement moves it)."""
    deadline = _("scadenza %(date)s") % {"date": day(activity.planned_end)} if activity.planned_end else ""
    return " – ".join(part for part in (activity.planned, deadline) if part) or DASH


def progress_text(activity: ActivityAsOf) -> str:
    """ "40% al 15/06/2026: Tre sportelli su cinque"."""
    note = activity.progress
    if note is None:
        return _("Nessun aggiornamento")
    text = _("%(progress)d%% al %(date)s") % {"progress": note.progress, "date": day(note.answered_on)}
    return f"{text}: {note.note}" if note.note else text


def activity_row(activity: ActivityAsOf) -> tuple[str, ...]:
    return (
        activity.description,
        planned_text(activity),
        state(activity.state),
        day(activity.actual_start),
        day(activity.actual_end),
        progress_text(activity),
        deviation(activity.late, activity.postponement),
    )


def indicator_columns(monitoring: Monitoring) -> tuple[str, ...]:
    return (
        _("Indicatore"),
        _("Unità misura"),
        _("Valore atteso %(year)d") % {"year": monitoring.date.year},
        _("Ultimo valore al %(date)s") % {"date": day(monitoring.date)},
        _("Rilevato il"),
        str(labels.PERCENT),
    )


def indicator_row(indicator: IndicatorAsOf) -> tuple[str, ...]:
    return (
        indicator.name,
        indicator.unit,
        indicator.expected or DASH,
        indicator.actual or _("Nessun valore"),
        day(indicator.measured_on),
        labels.percent_text(indicator.percent, indicator.light) or DASH,
    )


def nothing_to_show(monitoring: Monitoring) -> str:
    if monitoring.first_recorded is None:
        return _("Alla data del monitoraggio il piano non aveva ancora obiettivi.")
    return _(
        "Alla data del monitoraggio il piano non aveva ancora obiettivi in Traguardi: il primo è stato inserito "
        "il %(date)s (ad esempio con l'importazione del piano), quindi la situazione a quella data non è nota."
    ) % {"date": day(monitoring.first_recorded)}


ACTIVITIES_HEADING = gettext_lazy("Attività")
INDICATORS_HEADING = gettext_lazy("Indicatori")
