"""How long a document takes to prepare, estimated from what it holds: inline when short, a worker otherwise.

`estimate(kind, fmt, size)` = base + objectives × a + activities × b + indicators × c + measurements × d +
thousands of characters of text × e, with one set of coefficients per document kind and format
(`COEFFICIENTS`). A document whose estimate passes REPORT_INLINE_MAX_SECONDS (2 s by default) is prepared by a
worker (reports.exports), the rest inside the request. `PlanSize.of(plan, year)` reads what a plan holds in a
few indexed counts (a few milliseconds whatever the region).

How the coefficients were obtained (`python -m bench.measure_documents --quick`, 2026-12-06, this 2-core
machine shared with seven other sessions, load average 9 to 13): six plans imported through the importer
(bench.planfile, in bench_relazione's proportions: 7.5 activities, 3 indicators, 1,500 characters of description
and 3,500 of report an objective) and chosen to vary one thing at a time: 3, 6 and 12 objectives; 4 objectives
with 15 activities each; 4 with 8 indicators each; 4 with reports of 10,000 characters. Each document was built
and rendered as its view does, best of two runs, timed in CPU seconds of the process: the wall time of the same
run was 3 to 8 times longer under that load and varied with it, while on a calm machine the wall time is about
the CPU time (the queries add tens of milliseconds). Then a least-squares fit with non-negative coefficients (a
coefficient the fit finds negative is dropped and the rest fitted again); with six plans and correlated counts
the split between objectives, activities and indicators is loose, their sum for a plan of the usual shape is
not. `bench/results/document_sizes.json` holds every measurement and the fit.

Checked against BENCHMARKS.md: the Relazione PDF of bench_relazione's 40-objective plan (300 activities, 120
indicators, about 110 measurements, 200,000 characters) is estimated at 23 s, measured at 19.7 s (wall, calm
machine); 200 objectives at 111 s (98 s by 0.49 s an objective); its DOCX at 11 s and XLSX at 1.1 s (6.6 s and
1.7 s measured before issue 15's chapters). An error is harmless in one
direction only: a document sent to the worker by mistake costs its reader a few seconds and a click; one kept
inline by mistake may pass the request's timeout (30 s). Hence a threshold of a couple of seconds, and
estimates that lean high. Re-run the script when a renderer changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, Length

from plans.models import ActionSheet, Activity, Indicator, Objective, ObjectiveReport, Plan
from plans.rules import InIds

RELAZIONE = "relazione"
MONITORING = "monitoring"
PIAO = "piao"
OPEN_DATA = "dati-aperti"  # reports.formats.OPEN_DATA
SHEETS = "schede"  # a Piano di Zona's action sheets (reports.action_sheets)


@dataclass(frozen=True)
class PlanSize:
    """What a plan's documents hold."""

    objectives: int = 0
    activities: int = 0
    indicators: int = 0
    measurements: int = 0
    text_chars: int = 0  # objectives' descriptions, their year-end reports and the Relazione's chapters
    sheets: int = 0  # action sheets, for their own document (of_sheets)

    @classmethod
    def of(cls, plan: Plan, year: int | None = None) -> PlanSize:
        """The plan's counts, in four queries, each on an indexed foreign key."""
        from reports.models import RelazioneChapter

        objectives = Objective.objects.filter(plan=plan).aggregate(
            count=Count("pk"), chars=Coalesce(Sum(Length("description")), 0)
        )
        reports = ObjectiveReport.objects.filter(objective__plan=plan).aggregate(chars=Coalesce(Sum(Length("text")), 0))
        chapters = RelazioneChapter.objects.filter(plan=plan, **({"year": year} if year else {})).aggregate(
            chars=Coalesce(Sum(Length("text")), 0)
        )
        # Through the objectives' ids (InIds): joined to the objectives, PostgreSQL read every indicator of the
        # installation.
        objective_ids = Objective.objects.filter(plan=plan).values("pk")
        plan_indicators = Indicator.objects.filter(InIds("objective_id", objective_ids))
        indicators = plan_indicators.aggregate(
            count=Count("pk", distinct=True), measurements=Count("measurements", filter=Q(measurements__isnull=False))
        )
        return cls(
            objectives=objectives["count"],
            activities=Activity.objects.filter(objective__plan=plan).count(),
            indicators=indicators["count"],
            measurements=indicators["measurements"],
            text_chars=objectives["chars"] + reports["chars"] + chapters["chars"],
        )

    @classmethod
    def of_sheets(cls, plan: Plan) -> PlanSize:
        """The plan's action sheets, which are all their document holds: one indexed count."""
        return cls(sheets=ActionSheet.objects.filter(plan=plan).count())


@dataclass(frozen=True)
class Coefficients:
    """Seconds: fixed, and for each objective, activity, indicator, measurement and 1,000 characters of text."""

    base: float
    objective: float = 0.0
    activity: float = 0.0
    indicator: float = 0.0
    measurement: float = 0.0
    kchars: float = 0.0
    sheet: float = 0.0

    def seconds(self, size: PlanSize) -> float:
        return (
            self.base
            + self.objective * size.objectives
            + self.activity * size.activities
            + self.indicator * size.indicators
            + self.measurement * size.measurements
            + self.kchars * size.text_chars / 1000
            + self.sheet * size.sheets
        )


# Fitted by bench/measure_documents.py (see the module's docstring); seconds on this machine.
COEFFICIENTS: dict[tuple[str, str], Coefficients] = {
    (RELAZIONE, "pdf"): Coefficients(base=0.983, objective=0.29, activity=0.021, measurement=0.0346, kchars=0.00192),
    (RELAZIONE, "docx"): Coefficients(base=0.173, activity=0.00521, indicator=0.00578),
    (RELAZIONE, "xlsx"): Coefficients(base=0.0677, activity=0.00056, indicator=0.00028),
    (MONITORING, "pdf"): Coefficients(base=0.13, activity=0.0323, indicator=0.0127),
    (PIAO, "pdf"): Coefficients(base=0, activity=0.0128, indicator=0.0189),
    (MONITORING, "docx"): Coefficients(base=0.0306, activity=0.00266, indicator=0.00268),
    (PIAO, "docx"): Coefficients(base=0.02, activity=0.00113, indicator=0.00261),
    # The open data, measured apart (CPU seconds of one process, best of three, on generated plans of 10,085 and
    # 100,000 activities with 1,550 and 15,561 indicators, 2026-12-06, load 4 to 7): the CSV files read only the
    # indicators (reports.opendata), 0.29 s and 3.28 s; the JSON is the whole Relazione, 2.80 s and 37.7 s.
    (OPEN_DATA, "csv"): Coefficients(base=0.05, indicator=0.0003),
    (OPEN_DATA, "it.csv"): Coefficients(base=0.05, indicator=0.0003),
    (OPEN_DATA, "json"): Coefficients(base=0.1, activity=0.00042),
    # A Piano di Zona's action sheets (seed 004's sheet, 4,800 characters, copied 5 and 20 times, CPU seconds):
    # PDF 1.09 s and 4.07 s, DOCX 0.30 s and 1.26 s; their CSV and JSON take milliseconds.
    (SHEETS, "pdf"): Coefficients(base=0.1, sheet=0.2),
    (SHEETS, "docx"): Coefficients(base=0.05, sheet=0.065),
}


def estimate(kind: str, fmt: str, size: PlanSize) -> float | None:
    """Seconds to prepare the document, or None for a document that is never long."""
    coefficients = COEFFICIENTS.get((kind, fmt))
    return coefficients.seconds(size) if coefficients is not None else None


def goes_to_worker(kind: str, fmt: str, size: PlanSize) -> bool:
    seconds = estimate(kind, fmt, size)
    return seconds is not None and seconds > settings.REPORT_INLINE_MAX_SECONDS
