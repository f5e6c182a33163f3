"""The daily score refresh at two region sizes: its time must follow the plans that changed, not the region.

On the generator's dataset (organizations of about 10,000 activities, one plan each, and one organization
with a large plan) at 1,000,000 and 200,000 activities (quick: 400,000 and 200,000: 200,000 is the smallest
size with more than 10 plans; the large one first, as the scan benchmark leaves it loaded), measures
`evaluation.refresh.refresh_scores`, the body of the daily Celery task `evaluation.tasks.refresh_scores`:

- first_run: the task with no watermark, which computes and stores every plan of the current year;
- after changes to 1 plan and to 10 plans (typical ones: one measurement's value changed in each, through the
  ORM, so that the audit trail records it as any change would be): the task, median of REPEAT runs, each
  after its own changes; and the task when nothing changed (what every run pays: the heads of the
  organizations' chains and the watermarks);
- the limit, "the same work done plainly": `plan_scores` and `as_json` for every plan of the region, one
  after the other, with nothing stored (what a daily task that ignored the trail would do at least); and the
  same for the changed plans alone, right after each run (what the task adds to the scores' own work:
  reading the trail, finding the plans, storing the snapshots).

Reported: the times, the per-changed-plan time ((10 plans − nothing changed) / 10), how many plans each run
recomputed (exactly the changed ones), the ratio of the region's plain recomputation to the 1- and 10-plan
runs, and the ratio of each run to the plain recomputation of the same plans timed right after it (the
target: at most 1.5× at both sizes, whatever the region's size).
The changed values are put back and the snapshots and watermarks deleted at the end.
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

from bench.common import Result, quick, setup_django, stopwatch

# The large one first: the scan and dashboard benchmarks leave it loaded.
SIZES = (400_000, 200_000) if quick() else (1_000_000, 200_000)
if os.environ.get("BENCH_SCORES_SIZES"):  # e.g. "600000,200000": two sizes, the larger first
    SIZES = tuple(int(size) for size in os.environ["BENCH_SCORES_SIZES"].split(","))[:2]  # type: ignore[assignment]
REPEAT = 3
NEW_VALUE = "1"  # the changed measurements' value: every changed plan's score moves


def _typical_plans(count: int) -> list[int]:
    """The first `count` plans of typical organizations (about 10,000 activities each), by id."""
    from plans.models import Plan

    plans = Plan.objects.filter(organization__slug__startswith="gen-ente-").order_by("pk")
    return list(plans.values_list("pk", flat=True)[:count])


def _measurements(plan_ids: list[int]) -> dict[int, dict[str, Any]]:
    """One measurement of each plan (its first), with the value columns to put back."""
    from plans.models import Measurement

    columns = ("raw", "kind", "operator", "value", "numerator", "denominator", "date_value", "boolean", "parsed")
    found: dict[int, dict[str, Any]] = {}
    for plan_id in plan_ids:
        row = (
            Measurement.objects.filter(indicator__objective__plan_id=plan_id)
            .order_by("pk")
            .values("pk", *columns)
            .first()
        )
        assert row is not None, f"plan {plan_id} has no measurement"
        found[row.pop("pk")] = row
    return found


def _change(measurements: dict[int, dict[str, Any]], raw: str | None) -> None:
    """Set the measurements' value to `raw`, or back to what they were (None). Each is a change in the trail."""
    from plans.models import Measurement
    from plans.parsing import parse_value
    from workflow.trail.context import Source, recorded_as

    with recorded_as(Source.WORKER):
        for pk, original in measurements.items():
            values = Measurement.spec_values(parse_value(raw)) if raw is not None else original
            Measurement.objects.filter(pk=pk).update(**values)


def _run() -> tuple[float, dict[str, int]]:
    from evaluation.refresh import refresh_scores

    with stopwatch() as timing:
        outcome = refresh_scores()
    return timing["seconds"], outcome.as_dict()


def _after_changes(plan_ids: list[int], year: int) -> dict[str, Any]:
    """The task after a change to each of these plans, REPEAT times (changed, then put back, alternately), each
    run followed by the same plans recomputed plainly: the pair is timed a moment apart, on a machine whose
    speed drifts."""
    measurements = _measurements(plan_ids)
    samples, plain, recomputed, changes = [], [], [], []
    for round_ in range(REPEAT):
        _change(measurements, NEW_VALUE if round_ % 2 == 0 else None)
        seconds, outcome = _run()
        samples.append(seconds)
        plain.append(_plain(year, plan_ids)["seconds"])  # already rounded to the millisecond
        recomputed.append(outcome["plans"])
        changes.append(outcome["changes"])
    if REPEAT % 2:  # the last round left the new values: back, and the task catches up
        _change(measurements, None)
        _run()
    return {
        "changed_plans": len(plan_ids),
        "median_s": round(statistics.median(samples), 3),
        "runs_s": [round(sample, 3) for sample in samples],
        "same_plans_plain_s": plain,
        "over_same_plans_plain": round(statistics.median(t / p for t, p in zip(samples, plain, strict=True)), 2),
        "recomputed_plans": recomputed,
        "trail_rows_read": changes,
    }


def _plain(year: int, plan_ids: list[int] | None = None) -> dict[str, Any]:
    """The limit: every plan of the region (or these) recomputed, one after the other, nothing stored."""
    from evaluation.scores import as_json, plan_scores
    from plans.models import Plan

    plans = Plan.objects.filter(year_start__lte=year, year_end__gte=year).order_by("pk")
    if plan_ids is not None:
        plans = plans.filter(pk__in=plan_ids)
    count = 0
    with stopwatch() as timing:
        for plan in plans.iterator(chunk_size=100):
            as_json(plan_scores(plan, year))
            count += 1
    return {"plans": count, "seconds": round(timing["seconds"], 3)}


def _reset() -> None:
    from evaluation.models import ScoreSnapshot, ScoreWatermark

    ScoreSnapshot.objects.all().delete()
    ScoreWatermark.objects.all().delete()


def measure(dataset: dict[str, Any]) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from evaluation.models import ScoreSnapshot
    from plans.models import Activity, Plan

    year = timezone.localdate().year
    _reset()
    first_seconds, first = _run()  # also the warm-up: every plan's rows read once
    nothing = [_run()[0] for _ in range(REPEAT)]
    one = _after_changes(_typical_plans(1), year)
    ten = _after_changes(_typical_plans(10), year)
    measurements = _measurements(_typical_plans(1))
    _change(measurements, NEW_VALUE)
    with CaptureQueriesContext(connection) as queries:
        _run()
    _change(measurements, None)
    _run()
    plain = _plain(year)
    changed_activities = Activity.objects.filter(objective__plan__in=_typical_plans(10)).count()
    snapshots = ScoreSnapshot.objects.count()
    _reset()
    nothing_s = statistics.median(nothing)
    per_plan = (ten["median_s"] - nothing_s) / ten["changed_plans"]
    return {
        "activities": dataset["spec"]["activities"],
        "plans": Plan.objects.count(),
        "year": year,
        "first_run": {"seconds": round(first_seconds, 3), **first},
        "snapshots_stored": snapshots,
        "nothing_changed_median_s": round(nothing_s, 3),
        "one_plan": one,
        "ten_plans": ten,
        "activities_in_the_ten_changed_plans": changed_activities,
        "per_changed_plan_s": round(per_plan, 3),
        "queries_one_plan_run": len(queries),
        "plain_all_plans": plain,
    }


def main() -> None:
    setup_django()
    from bench.database import ensure_database
    from bench.generate import ensure_dataset, standard_spec

    ensure_database()
    figures: dict[str, Any] = {"repeat": REPEAT, "measures": "evaluation.refresh.refresh_scores"}
    limit: dict[str, Any] = {}
    ratios: dict[str, float] = {}
    targets: dict[str, bool] = {}
    for size in SIZES:
        started = time.perf_counter()
        dataset, generated = ensure_dataset(standard_spec(size))
        dataset_seconds = round(time.perf_counter() - started, 1) if generated else 0
        measured = measure(dataset) | {"dataset_seconds": dataset_seconds}
        plain = measured.pop("plain_all_plans")
        figures[f"at_{size}"] = measured | {"generated_now": generated}
        limit[f"at_{size}"] = {"plain_all_plans": plain}
        ratios[f"plain_over_ten_plans_at_{size}"] = round(plain["seconds"] / measured["ten_plans"]["median_s"], 2)
        ratios[f"plain_over_one_plan_at_{size}"] = round(plain["seconds"] / measured["one_plan"]["median_s"], 2)
        for run in ("one_plan", "ten_plans"):
            ratios[f"{run}_over_same_plans_plain_at_{size}"] = measured[run]["over_same_plans_plain"]
        targets[f"recomputes_exactly_the_changed_plans_at_{size}"] = all(
            plans == run["changed_plans"]
            for run in (measured["one_plan"], measured["ten_plans"])
            for plans in run["recomputed_plans"]
        )
    large, small = (figures[f"at_{size}"] for size in SIZES)
    ratios["ten_plans_large_over_small"] = round(large["ten_plans"]["median_s"] / small["ten_plans"]["median_s"], 2)
    ratios["plain_large_over_small"] = round(
        limit[f"at_{SIZES[0]}"]["plain_all_plans"]["seconds"] / limit[f"at_{SIZES[1]}"]["plain_all_plans"]["seconds"],
        2,
    )
    # The task's time follows the changed plans: at both sizes, ten changed plans cost what their own scores
    # cost (within 1.5×), while the plain recomputation grows with the region. Judged on the ratio to the same
    # plans' plain recomputation, paired run by run: the machine's speed drifts by 2× between minutes (other
    # work), which a ratio of two sizes measured minutes apart does not survive (ten_plans_large_over_small is
    # reported for what it is worth).
    targets["ten_plans_cost_their_own_scores_at_both_sizes"] = all(
        ratios[f"ten_plans_over_same_plans_plain_at_{size}"] <= 1.5 for size in SIZES
    )
    Result("scores", figures, limit, ratios, targets).emit()


if __name__ == "__main__":
    main()
