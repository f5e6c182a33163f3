"""Importing a large plan file: 100,000 activities over 10,000 objectives (quick: 10,000 over 1,000).

What is timed is the real path of `python manage.py import_plan FILE`: plans.importing.import_plan_file
(read, JSON Schema and cross-reference validation, write in one transaction, commit), in a fresh process
per import so that its peak RSS is its own. The file is JSON (bench.planfile); the same document as YAML is
parsed once for comparison. Each import is split into stages by wrapping the importer's own functions
(parse, schema, references, with the source map they may build, the list of values kept without a meaning, and
the writer's steps); a second import
of the same file must change nothing and is timed too; one smaller import runs under cProfile.

The limit (bench.import_copy): the same rows (objectives, their areas, activities, indicators, targets,
measurements, reports) loaded into the same tables by psycopg COPY in one transaction, values parsed
beforehand by the project's own parsers; and, as a floor of the floor, parsing the file alone.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench.common import REPO, Result, peak_rss_mb, quick, setup_django, stopwatch
from bench.import_copy import REFERENCE_DATE, child_copy
from bench.planfile import PlanSize, delete_organizations, generate_plan_file

SLUG_PREFIX = "bench-import-"
PLAN_CODE = "PIAO-2026"
TARGET_ACTIVITIES, TARGET_SECONDS = 100_000, 60.0
FILES = REPO / "var" / "bench"
SOURCE_MAP = "source_map (built only to locate an error)"
UNREAD = "unread: listing the values kept without a meaning"
UNREAD_BOUND = 1.2  # issue 19: the list may not make the import slower than 1.2x the import without it


# --- the child processes: one measurement each ---------------------------------------------------------


def _wrap(owner: Any, name: str, label: str, totals: dict[str, float]) -> None:
    """Replace owner.name by a copy that adds its running time to totals[label]."""
    original = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            totals[label] += time.perf_counter() - started

    setattr(owner, name, timed)


def _stage_timers() -> dict[str, float]:
    from plans.importing import details, documents, service, writer

    totals: dict[str, float] = defaultdict(float)
    _wrap(service, "load_document", "parse", totals)
    _wrap(service, "schema_problems", "validate_schema", totals)
    _wrap(service, "reference_problems", "validate_references", totals)
    _wrap(service, "unread_values", UNREAD, totals)
    _wrap(documents.SourceMap, "_build", SOURCE_MAP, totals)
    _wrap(writer.PlanWriter, "write", "write", totals)
    _wrap(writer.PlanWriter, "_objectives", "write: objectives, their areas and activities", totals)
    _wrap(writer.PlanWriter, "_activities", "write: activities (inside objectives)", totals)
    _wrap(details.DetailWriter, "write_indicators_and_reports", "write: indicators, values, reports", totals)
    return totals


def child_import(path: Path, slug: str) -> dict[str, Any]:
    from plans.importing import import_plan_file

    totals = _stage_timers()
    baseline = peak_rss_mb()
    with stopwatch() as took:
        result = import_plan_file(path, organization_slug=None, reference_date=REFERENCE_DATE)
    seconds = took["seconds"]
    accounted = sum(totals[stage] for stage in ("parse", "validate_schema", "validate_references", UNREAD, "write"))
    stages = {label: round(value, 3) for label, value in totals.items()}
    stages["commit and the rest"] = round(seconds - accounted, 3)
    counts = {key: vars(value) for key, value in result.counts.items()}
    return {
        "seconds": seconds,
        "stages": stages,
        "counts": counts,
        "rss_mb_before": baseline,
        "peak_rss_mb": peak_rss_mb(),
    }


def child_profile(path: Path, slug: str, top: int = 12) -> dict[str, Any]:
    from plans.importing import import_plan_file

    profiler = cProfile.Profile()
    profiler.enable()
    result = import_plan_file(path, organization_slug=None, reference_date=REFERENCE_DATE)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    total = max(stats.total_tt, 1e-9)  # type: ignore[attr-defined]

    def rows(sort: str, keep: Callable[[str], bool]) -> list[dict[str, Any]]:
        chosen = []
        for (filename, line, function), (_cc, calls, own, cumulative, _callers) in sorted(
            stats.stats.items(),  # type: ignore[attr-defined]
            key=lambda item: item[1][3 if sort == "cumulative" else 2],
            reverse=True,
        ):
            where = _short(filename)
            if not keep(where):
                continue
            chosen.append(
                {
                    "function": f"{where}:{line}({function})",
                    "calls": calls,
                    "own_s": round(own, 3),
                    "cumulative_s": round(cumulative, 3),
                    "cumulative_share": round(cumulative / total, 3),
                }
            )
            if len(chosen) == top:
                break
        return chosen

    project = ("plans/", "reports/", "workflow/")
    return {
        "activities": result.counts["activities"].created,
        "profiled_seconds": round(total, 3),
        "top_own_time": rows("own", lambda where: True),
        "top_cumulative_in_project": rows("cumulative", lambda where: where.startswith(project)),
        "top_cumulative_in_django": rows("cumulative", lambda where: where.startswith("django/")),
    }


def _short(filename: str) -> str:
    for marker in ("site-packages/", str(REPO) + "/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


CHILDREN: dict[str, Callable[[Path, str], dict[str, Any]]] = {
    "import": child_import,
    "profile": child_profile,
    "copy": child_copy,
}


def run_child(kind: str, path: Path, slug: str) -> dict[str, Any]:
    """Run one measurement in a fresh Python process; its last line of output is its JSON result."""
    command = [sys.executable, "-m", "bench.bench_import", "--child", kind, str(path), slug]
    with stopwatch() as took:
        done = subprocess.run(command, cwd=REPO, env=os.environ.copy(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise RuntimeError(f"the {kind} child failed with exit code {done.returncode}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_seconds"] = round(took["seconds"], 3)
    return result


# --- the parent -----------------------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"# import: {message}", file=sys.stderr, flush=True)


def format_comparison(size: PlanSize, slug: str) -> dict[str, Any]:
    """Parse the same document as JSON and as YAML through the importer's loader."""
    from plans.importing.service import load_document

    figures: dict[str, Any] = {"activities": size.activities}
    for suffix in ("json", "yaml"):
        path = generate_plan_file(FILES / f"import-formats.{suffix}", size, slug=slug, plan_code=PLAN_CODE)
        with stopwatch() as took:
            load_document(path)
        figures[suffix] = {"megabytes": round(path.stat().st_size / 1e6, 1), "parse_seconds": round(took["seconds"], 3)}
        path.unlink()
    return figures


def _slugs() -> Iterator[str]:
    stamp = time.strftime("%H%M%S")
    for index in range(100):
        yield f"{SLUG_PREFIX}{stamp}-{index}"


def main() -> None:
    if "--child" in sys.argv:
        options = _child_options()
        setup_django()
        print(json.dumps(CHILDREN[options.child](options.path, options.slug)), flush=True)
        return
    setup_django()
    from bench.database import ensure_database

    ensure_database()
    delete_organizations(SLUG_PREFIX)
    activities = 10_000 if quick() else TARGET_ACTIVITIES
    size = PlanSize(activities=activities, objectives=activities // 10)
    # Every stage is linear in the rows, so a small file shows the same shares at a fraction of the time.
    profile_size = PlanSize(activities=max(1_000, activities // 50), objectives=max(100, activities // 500))
    slugs = _slugs()
    slug = next(slugs)
    plan_path = generate_plan_file(FILES / "import-plan.json", size, slug=slug, plan_code=PLAN_CODE)
    log(f"{plan_path.name} written, {size.activities:,} activities")
    first = run_child("import", plan_path, slug)
    log(f"first import {first['seconds']:.1f} s")
    second = run_child("import", plan_path, slug)
    log(f"second import {second['seconds']:.1f} s")
    limit = run_child("copy", plan_path, next(slugs))
    log(f"COPY {limit['seconds']:.1f} s")
    profile_slug = next(slugs)
    profile_path = FILES / "import-profile.json"
    generate_plan_file(profile_path, profile_size, slug=profile_slug, plan_code=PLAN_CODE)
    profile = run_child("profile", profile_path, profile_slug)
    log(f"profiled import of {profile_size.activities:,} activities, {profile['profiled_seconds']:.1f} s")
    formats = format_comparison(profile_size, next(slugs))
    with stopwatch() as cleaning:
        delete_organizations(SLUG_PREFIX)
    log(f"cleaned up in {cleaning['seconds']:.1f} s")
    report(size, plan_path, first, second, limit, profile, formats)
    plan_path.unlink()
    profile_path.unlink()


def _child_options() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", choices=sorted(CHILDREN), required=True)
    parser.add_argument("path", type=Path)
    parser.add_argument("slug")
    return parser.parse_args()


def _changed(counts: dict[str, dict[str, int]]) -> int:
    return sum(entry["created"] + entry["updated"] for entry in counts.values())


def report(
    size: PlanSize,
    plan_path: Path,
    first: dict[str, Any],
    second: dict[str, Any],
    limit: dict[str, Any],
    profile: dict[str, Any],
    formats: dict[str, Any],
) -> None:
    seconds = first["seconds"]
    rate = size.activities / seconds
    rows = {key: entry["created"] for key, entry in first["counts"].items() if entry["created"]}
    projected = size.activities != TARGET_ACTIVITIES
    figures = {
        "file": {"format": "json", "megabytes": round(plan_path.stat().st_size / 1e6, 1), "rows_created": rows},
        "activities": size.activities,
        "objectives": size.objectives,
        "import_seconds": round(seconds, 3),
        "activities_per_s": round(rate, 1),
        "peak_rss_mb": first["peak_rss_mb"],
        "rss_mb_before_import": first["rss_mb_before"],
        "process_seconds": first["process_seconds"],
        "stages_seconds": first["stages"],
        "second_import_seconds": round(second["seconds"], 3),
        "second_import_stages_seconds": second["stages"],
        "second_import_peak_rss_mb": second["peak_rss_mb"],
        "second_import_changed_rows": _changed(second["counts"]),
        "profile": profile,
        "parse_json_vs_yaml": formats,
        "target_basis": f"projected linearly from {size.activities:,} activities" if projected else "measured",
    }
    copy_seconds = limit["seconds"]
    parse_seconds = first["stages"]["parse"]
    projected_seconds = seconds * TARGET_ACTIVITIES / size.activities
    # The list of values kept without a meaning is its own pass over the document (plans.importing.unread): the
    # import without it is the same import less that pass. Its parses fill the cache the writer then reads, so
    # this overstates the list's cost.
    without_list = seconds / (seconds - first["stages"].get(UNREAD, 0.0))
    Result(
        name="import",
        figures=figures,
        limit={
            "what": "psycopg COPY of the same rows into the same tables, one transaction, values pre-parsed",
            "copy_seconds": round(copy_seconds, 3),
            "copy_rows": limit["rows"],
            "copy_peak_rss_mb": limit["peak_rss_mb"],
            "parse_file_seconds": parse_seconds,
        },
        ratios={
            "import_over_copy": round(seconds / copy_seconds, 2),
            "import_over_parse": round(seconds / parse_seconds, 2),
            "second_import_over_first": round(second["seconds"] / seconds, 2),
            "import_over_import_without_unread_list": round(without_list, 2),
        },
        targets={
            "import_100k_activities_le_60s": projected_seconds <= TARGET_SECONDS,
            "unread_list_le_1_2x": without_list <= UNREAD_BOUND,
        },
    ).emit()


if __name__ == "__main__":
    main()
