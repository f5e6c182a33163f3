"""The Relazione sulla Performance of a 200-objective plan (quick: 40): building it, and rendering each format.

The plan is imported from a bench.planfile document (200 objectives in 6 areas, about 7 activities and 3
indicators each, descriptions of about 1,500 and year-end reports of about 3,500 characters). Each
measurement runs in a fresh process so that its peak RSS is its own:

- build: reports.relazione.build_relazione, the queries and the plain data every renderer reads;
- pdf, docx, xlsx, csv, json: build_relazione then the renderer, as the download view does; the render alone
  is reported too, and for the PDF the Django template alone (render_html), the pages (pypdf) and seconds
  per page.

The limit, for the PDF: WeasyPrint turning the same HTML, written once to a file, into a PDF in a process
without Django (HTML(string=...).write_pdf(), tagged as the application's). No target in the issue; the figures
say whether a PDF fits in a web request (gunicorn's timeout is 60 s in docker-compose.yml, 30 s by default) or
needs a background task.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import subprocess
import sys
import time
from typing import Any

from bench.common import REPO, Result, peak_rss_mb, quick, setup_django, stopwatch, summary_ms
from bench.planfile import PlanSize, delete_organizations, generate_plan_file

SLUG_PREFIX = "bench-relazione-"
PLAN_CODE = "RP-2026"
YEAR = 2026
OBJECTIVES = 40 if quick() else 200  # a 200-objective PDF takes minutes: quick mode renders a fifth of it
SLUG = f"{SLUG_PREFIX}{OBJECTIVES}"
SIZE = PlanSize(
    activities=OBJECTIVES * 15 // 2,
    objectives=OBJECTIVES,
    areas=6,
    indicators_per_objective=3,
    year_start=YEAR,
    year_end=YEAR,
    measured_share=0.9,
    report_share=1.0,
    description_chars=1_500,
    report_chars=3_500,
    activity_chars=160,
)
FILES = REPO / "var" / "bench"
HTML_PATH = FILES / f"relazione-{OBJECTIVES}.html"
FORMATS = ("pdf", "docx", "xlsx", "csv", "json")
# gunicorn kills a sync worker busy longer than this: 60 s in docker-compose.yml, 30 s (its default) in the Dockerfile.
REQUEST_TIMEOUTS = {"docker_compose": 60, "dockerfile": 30}


def repeats(fmt: str) -> int:
    """Samples per measurement: one for the PDF (minutes in full mode), a few for the office formats."""
    if fmt in {"pdf", "static-pdf"}:
        return 1
    if fmt in {"docx", "xlsx"}:
        return 2 if quick() else 3
    return 3 if quick() else 10


# --- the child processes --------------------------------------------------------------------------------


def _relazione() -> Any:
    from plans.models import Plan
    from reports.relazione import build_relazione

    plan = Plan.objects.select_related("organization").get(organization__slug=SLUG, code=PLAN_CODE)
    return build_relazione(plan=plan, year=YEAR)


def child_build() -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        _relazione()  # the first one also warms Django's caches; it is not in the samples
    baseline = peak_rss_mb()
    samples = []
    for _ in range(repeats("build")):
        with stopwatch() as took:
            _relazione()
        samples.append(took["seconds"])
    return {
        "build": summary_ms(samples),
        "queries": len(queries),
        "rss_mb_before": baseline,
        "peak_rss_mb": peak_rss_mb(),
    }


def child_render(fmt: str) -> dict[str, Any]:
    """build_relazione then the renderer, as the download view; the render alone is timed separately."""
    from reports.formats import FORMATS as RENDERERS

    render = RENDERERS[fmt].render
    _relazione()
    baseline = peak_rss_mb()
    full, renders, content = [], [], b""
    for _ in range(repeats(fmt)):
        started = time.perf_counter()
        relazione = _relazione()
        rendering = time.perf_counter()
        content = render(relazione)
        done = time.perf_counter()
        full.append(done - started)
        renders.append(done - rendering)
    result: dict[str, Any] = {
        "full_path": summary_ms(full),
        "render": summary_ms(renders),
        "bytes": len(content),
        "rss_mb_before": baseline,
        "peak_rss_mb": peak_rss_mb(),
    }
    if fmt == "pdf":
        result |= _pdf_details(content)
    return result


def _pdf_details(content: bytes) -> dict[str, Any]:
    """Pages, and the share of the Django template; writes the HTML once for the limit."""
    from pypdf import PdfReader

    from reports.render.pdf import render_html

    relazione = _relazione()
    samples = []
    html = ""
    for _ in range(3):
        with stopwatch() as took:
            html = render_html(relazione)
        samples.append(took["seconds"])
    HTML_PATH.write_text(html, encoding="utf-8")
    return {"pages": len(PdfReader(io.BytesIO(content)).pages), "html": summary_ms(samples), "html_bytes": len(html)}


def child_static_pdf() -> dict[str, Any]:
    """The limit: WeasyPrint alone, on the HTML the PDF child wrote, in a process that never loads Django."""
    from weasyprint import HTML

    html = HTML_PATH.read_text(encoding="utf-8")
    baseline = peak_rss_mb()
    samples = []
    for _ in range(repeats("static-pdf")):
        with stopwatch() as took:
            # The same tagged variant as reports.render.pdf.PDF_VARIANT (not imported: no Django here).
            HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
        samples.append(took["seconds"])
    return {"write_pdf": summary_ms(samples), "rss_mb_before": baseline, "peak_rss_mb": peak_rss_mb()}


def run_child(kind: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.bench_relazione", "--child", kind]
    done = subprocess.run(command, cwd=REPO, env=os.environ.copy(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise RuntimeError(f"the {kind} child failed with exit code {done.returncode}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"# relazione: {kind} done", file=sys.stderr, flush=True)
    return result


def child_main(kind: str) -> None:
    if kind == "static-pdf":
        result = child_static_pdf()
    else:
        setup_django()
        result = child_build() if kind == "build" else child_render(kind)
    print(json.dumps(result), flush=True)


# --- the parent -----------------------------------------------------------------------------------------


def load_plan() -> dict[str, Any]:
    """A fresh copy of the plan, imported through the importer."""
    from bench.database import ensure_database
    from plans.importing import import_plan_file

    ensure_database()
    delete_organizations(SLUG_PREFIX)
    path = generate_plan_file(FILES / f"relazione-{OBJECTIVES}.json", SIZE, slug=SLUG, plan_code=PLAN_CODE)
    with stopwatch() as took:
        result = import_plan_file(path, reference_date=dt.date(YEAR, 12, 31))
    path.unlink()
    created = {key: counts.created for key, counts in result.counts.items() if counts.created}
    return {"import_seconds": round(took["seconds"], 3), "rows": created}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", choices=("build", *FORMATS, "static-pdf"))
    options = parser.parse_args()
    if options.child:
        child_main(options.child)
        return
    setup_django()
    plan = load_plan()
    build = run_child("build")
    renders = {fmt: run_child(fmt) for fmt in FORMATS}
    static = run_child("static-pdf")
    HTML_PATH.unlink()
    delete_organizations(SLUG_PREFIX)  # leave nothing for the benchmarks that scan every organization
    report(plan, build, renders, static)


def report(plan: dict[str, Any], build: dict[str, Any], renders: dict[str, Any], static: dict[str, Any]) -> None:
    pdf = renders["pdf"]
    pdf_seconds = pdf["full_path"]["p50_ms"] / 1000
    static_seconds = static["write_pdf"]["p50_ms"] / 1000
    figures: dict[str, Any] = {
        "plan": {"objectives": SIZE.objectives, "year": YEAR} | plan,
        "build_relazione": build,
        "pdf_pages": pdf["pages"],
        "pdf_seconds_per_page": round(pdf_seconds / pdf["pages"], 4),
        "pdf_within_gunicorn_timeout": {where: pdf_seconds <= limit for where, limit in REQUEST_TIMEOUTS.items()},
    }
    figures |= {fmt: renders[fmt] for fmt in FORMATS}
    Result(
        name="relazione",
        figures=figures,
        limit={
            "what": "WeasyPrint HTML(string=...).write_pdf(pdf_variant='pdf/ua-1') of the same HTML, without Django",
            "static_pdf": static,
        },
        ratios={
            "pdf_full_path_over_static_weasyprint": round(pdf_seconds / static_seconds, 2),
            "pdf_render_over_static_weasyprint": round(pdf["render"]["p50_ms"] / static["write_pdf"]["p50_ms"], 2),
            "pdf_html_share_of_render": round(pdf["html"]["p50_ms"] / pdf["render"]["p50_ms"], 3),
        },
        targets={},  # the issue asks for the figures only
    ).emit()


if __name__ == "__main__":
    main()
