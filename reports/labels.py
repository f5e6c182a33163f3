"""The Italian labels of the Relazione, as in the seed document, shared by every renderer."""

from __future__ import annotations

from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from plans.achievement import Light
from reports.sections import AreaSection, ObjectiveSection, ReportText

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
