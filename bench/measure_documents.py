"""Measure how long each document kind takes for plans of different sizes, and fit reports.sizing's coefficients.

    DATABASE_URL=... python -m bench.measure_documents [--quick]

Six plans are imported through the importer (bench.planfile), each varying one thing: objectives, activities
per objective, indicators per objective, text length. Every document (the Relazione as PDF, DOCX and XLSX, the
monitoring report as at today, the PIAO section) is built and rendered as its view does, best of
two runs in CPU time (see `measure`); `PlanSize.of` is read for each plan; a non-negative least-squares fit
gives the coefficients. Prints them and writes bench/results/document_sizes.json. Not a benchmark of
`make bench`: it is run by hand when the renderers change, and its output is pasted into reports/sizing.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from bench.common import REPO, setup_django
from bench.planfile import PlanSize, delete_organizations, generate_plan_file

SLUG_PREFIX = "bench-sizes-"
YEAR = 2026
FILES = REPO / "var" / "bench"
RESULTS = REPO / "bench" / "results" / "document_sizes.json"
PREDICTORS = ("objectives", "activities", "indicators", "measurements", "kchars")


def shapes(quick: bool) -> dict[str, PlanSize]:
    def size(objectives: int, per_objective: float = 7.5, indicators: int = 3, report: int = 3_500) -> PlanSize:
        return PlanSize(
            activities=int(objectives * per_objective),
            objectives=objectives,
            areas=min(6, objectives),
            indicators_per_objective=indicators,
            year_start=YEAR,
            year_end=YEAR,
            measured_share=0.9,
            report_share=1.0,
            description_chars=1_500,
            report_chars=report,
            activity_chars=160,
        )

    scale = 1 if quick else 2
    return {
        "small": size(3),
        "medium": size(6 * scale),
        "large": size(12 * scale),
        "activities": size(4 * scale, per_objective=15 * scale),
        "indicators": size(4 * scale, indicators=8),
        "text": size(4 * scale, report=10_000 * scale),
    }


def documents() -> dict[tuple[str, str], Callable[[Any], bytes]]:
    from django.utils import timezone

    from reports.as_of import build_monitoring
    from reports.formats import FORMATS
    from reports.piao import build_piao_section
    from reports.relazione import build_relazione
    from reports.render import piao as render_piao
    from reports.render.monitoring import FORMATS as MONITORING_FORMATS

    def relazione(fmt: str) -> Callable[[Any], bytes]:
        return lambda plan: FORMATS[fmt].render(build_relazione(plan=plan, year=YEAR))

    def monitoring(fmt: str) -> Callable[[Any], bytes]:
        # As at today: the plan was imported today, so an earlier date would find it empty.
        return lambda plan: MONITORING_FORMATS[fmt][1](build_monitoring(plan=plan, moment=timezone.localdate()))

    piao = {"pdf": render_piao.render_pdf, "docx": render_piao.render_docx}
    table: dict[tuple[str, str], Callable[[Any], bytes]] = {}
    for fmt in ("pdf", "docx", "xlsx"):
        table["relazione", fmt] = relazione(fmt)
    for fmt in ("pdf", "docx"):
        table["monitoring", fmt] = monitoring(fmt)
        table["piao", fmt] = (lambda render: lambda plan: render(build_piao_section(plan=plan)))(piao[fmt])
    return table


def measure(call: Callable[[], bytes]) -> tuple[float, float]:
    """CPU seconds of this process (best of two) and the wall time of that run. The CPU time is what the
    coefficients are fitted on: the machine is shared (eight sessions on two cores when this was written), and
    the wall time of one run varied threefold with the others' load, while a calm machine's wall time is this
    process's CPU time plus the queries (tens of milliseconds) and PostgreSQL's share."""
    best = (float("inf"), float("inf"))
    for _ in range(2):
        started, cpu = time.perf_counter(), time.process_time()
        call()
        took = (time.process_time() - cpu, time.perf_counter() - started)
        best = min(best, took)
        if took[0] > 5:
            break
    return best


def fit(rows: list[tuple[list[float], float]]) -> dict[str, float]:
    """Least squares with non-negative coefficients (a negative one is dropped and the rest refitted)."""
    active = list(range(len(PREDICTORS)))
    while True:
        columns = [0, *[index + 1 for index in active]]  # 0: the base
        matrix = [[1.0, *[x[i] for i in active]] for x, _ in rows]
        solution = _solve(
            [[sum(r[a] * r[b] for r in matrix) for b in range(len(columns))] for a in range(len(columns))],
            [sum(r[a] * y for r, (_, y) in zip(matrix, rows, strict=True)) for a in range(len(columns))],
        )
        negative = [active[i - 1] for i in range(1, len(solution)) if solution[i] < 0]
        if not negative:
            coefficients = dict.fromkeys(PREDICTORS, 0.0)
            for position, index in enumerate(active):
                coefficients[PREDICTORS[index]] = solution[position + 1]
            return {"base": max(solution[0], 0.0), **coefficients}
        active = [index for index in active if index not in negative]


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting, a tiny ridge for the predictors that never vary."""
    size = len(b)
    a = [[*row, b[i]] for i, row in enumerate(a)]
    for i in range(1, size):
        a[i][i] += 1e-9
    for column in range(size):
        pivot = max(range(column, size), key=lambda row: abs(a[row][column]))
        a[column], a[pivot] = a[pivot], a[column]
        for row in range(column + 1, size):
            factor = a[row][column] / a[column][column]
            for k in range(column, size + 1):
                a[row][k] -= factor * a[column][k]
    solution = [0.0] * size
    for row in reversed(range(size)):
        solution[row] = (a[row][size] - sum(a[row][k] * solution[k] for k in range(row + 1, size))) / a[row][row]
    return solution


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    options = parser.parse_args()
    setup_django()
    from plans.importing import import_plan_file
    from plans.models import Plan, PlanState
    from reports.sizing import PlanSize as Held

    FILES.mkdir(parents=True, exist_ok=True)
    delete_organizations(SLUG_PREFIX)
    samples: dict[str, list[tuple[list[float], float]]] = {}
    plans: dict[str, Any] = {}
    for name, shape in shapes(options.quick).items():
        slug = f"{SLUG_PREFIX}{name}"
        path = generate_plan_file(FILES / f"{slug}.json", shape, slug=slug, plan_code="RP-2026")
        import_plan_file(path, reference_date=dt.date(YEAR, 12, 31))
        path.unlink()
        # The PIAO section is prepared from an adopted plan; the benchmark's plan is adopted by hand.
        Plan.objects.filter(organization__slug=slug).update(state=PlanState.ADOPTED)
        plan = Plan.objects.select_related("organization").get(organization__slug=slug)
        held = Held.of(plan, YEAR)
        x = [held.objectives, held.activities, held.indicators, held.measurements, held.text_chars / 1000]
        plans[name] = {"size": asdict(held), "seconds": {}}
        for (kind, fmt), render in documents().items():
            seconds, wall = measure(functools.partial(render, plan))
            plans[name]["seconds"][f"{kind}.{fmt}"] = {"cpu": round(seconds, 3), "wall": round(wall, 3)}
            samples.setdefault(f"{kind}.{fmt}", []).append((x, seconds))
            print(name, kind, fmt, round(seconds, 3), round(wall, 3), os.getloadavg()[0], flush=True)
    fitted = {key: {k: round(v, 5) for k, v in fit(rows).items()} for key, rows in samples.items()}
    delete_organizations(SLUG_PREFIX)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    document = {"plans": plans, "coefficients": fitted, "load_average": os.getloadavg()[0]}
    RESULTS.write_text(json.dumps(document, indent=2) + "\n")
    print(json.dumps(fitted, indent=2))


if __name__ == "__main__":
    main()
