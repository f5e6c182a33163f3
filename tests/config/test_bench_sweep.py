"""The benchmarks' own logic (no timing is asserted anywhere): the page sweep reaches every URL pattern of the
project or names why it skips one, and the open-loop scheduler starts jobs on their schedule, whatever the
earlier ones do, measuring each from its scheduled start."""

from __future__ import annotations

import sys
import threading
import types
from collections.abc import Iterator

import pytest
from django.http import HttpResponse
from django.urls import clear_url_caches, include, path

from bench.openloop import Block, Pool, Sample, arrivals, dispatch, interleaved
from bench.pages_catalog import Ids, catalogue, walk

IDS = Ids(organization=11, plan=22, year=2026, objective=33, activity=44, indicator=55, measurement=66)


def _view(request: object, **kwargs: object) -> HttpResponse:
    return HttpResponse()


# ---------------------------------------------------------------------------------------------- the sweep


def test_the_sweep_requests_or_skips_with_a_reason_every_pattern_of_the_project() -> None:
    found = catalogue(IDS)
    assert found.gaps == {}, "a URL pattern the sweep can neither fill nor names a reason to skip"
    every = list(walk())
    requested = {request.name for request in found.requests}
    for pattern in every:
        key = f"{pattern.name} {pattern.route}"
        assert pattern.name in requested or found.skipped.get(key), f"{key} is neither requested nor skipped"
    assert found.patterns == len(every)
    assert all(reason.strip() for reason in found.skipped.values())


def test_the_sweep_fills_ids_from_the_dataset_and_asks_every_download_format() -> None:
    paths = {request.label: request.path for request in catalogue(IDS).requests}
    assert paths["web:plan"] == "/piani/22/"
    assert paths["web:activity"] == "/attivita/44/"
    assert paths["web:indicator"] == "/indicatori/55/"
    assert paths["web:smvp"] == "/enti/11/smvp/2026/"
    assert paths["reports:opendata.csv"] == "/piani/22/dati-aperti/2026.csv"
    assert paths["api:activity-list"].startswith("/api/activities")
    assert {"reports:relazione.pdf", "reports:relazione.docx", "reports:relazione.xlsx"} <= paths.keys()
    kinds = {request.label: request.kind for request in catalogue(IDS).requests}
    assert kinds["api:activity-list"] == "api" and kinds["web:plan"] == "page"


@pytest.fixture
def urlconf_with_a_new_page() -> Iterator[str]:
    """The project's URLs plus a page nobody told the sweep about, with an id it cannot fill."""
    module = types.ModuleType("bench_sweep_test_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("nuova/<int:pk>/", _view, name="new-page-with-id"),
        path("nuova/", _view, name="new-page"),
        path("", include("config.urls")),
    ]
    sys.modules[module.__name__] = module
    yield module.__name__
    del sys.modules[module.__name__]
    clear_url_caches()


def test_a_new_page_is_requested_or_reported_as_a_gap(urlconf_with_a_new_page: str) -> None:
    found = catalogue(IDS, urlconf_with_a_new_page)
    assert "new-page" in {request.name for request in found.requests}  # no id needed: swept at once
    assert list(found.gaps) == ["new-page-with-id nuova/<int:pk>/"]


# ------------------------------------------------------------------------------------------ open loop


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.now += seconds


def test_arrivals_are_evenly_spaced_at_the_rate() -> None:
    assert arrivals(4, 1.0) == [0.0, 0.25, 0.5, 0.75]
    assert len(arrivals(20, 10.0)) == 200
    assert arrivals(0, 5.0) == [] and arrivals(5, 0) == []


def test_blocks_alternate_the_kinds_at_each_rate() -> None:
    blocks = interleaved([20, 30], ("real", "plain"), 4.0)
    assert [(block.kind, block.rate) for block in blocks] == [
        ("real", 20), ("plain", 20), ("real", 20), ("plain", 20),
        ("real", 30), ("plain", 30), ("real", 30), ("plain", 30),
    ]  # fmt: skip
    assert blocks[0] == Block("real", 20, 4.0)


def test_dispatch_submits_on_schedule_without_waiting_for_earlier_jobs() -> None:
    clock = FakeClock()
    submitted: list[tuple[float, float]] = []

    def submit(scheduled: float) -> None:
        submitted.append((scheduled, clock()))

    start = dispatch([0.0, 0.5, 1.0], submit, clock, clock.sleep)
    assert submitted == [(start, start), (start + 0.5, start + 0.5), (start + 1.0, start + 1.0)]


def test_a_late_submission_keeps_its_scheduled_moment_and_the_next_ones_keep_theirs() -> None:
    clock = FakeClock()
    submitted: list[tuple[float, float]] = []

    def slow_submit(scheduled: float) -> None:
        submitted.append((scheduled, clock()))
        if len(submitted) == 1:
            clock.now += 0.8  # the dispatcher was held up past the next two moments

    start = dispatch([0.0, 0.25, 0.5, 1.0], slow_submit, clock, clock.sleep)
    assert [scheduled - start for scheduled, _ in submitted] == [0.0, 0.25, 0.5, 1.0]
    assert [round(at - start, 6) for _, at in submitted] == [0.0, 0.8, 0.8, 1.0]  # caught up, none skipped


def test_latency_runs_from_the_scheduled_start_so_waiting_counts() -> None:
    sample = Sample(scheduled=10.0, started=10.3, finished=10.35, ok=True)
    assert sample.latency == pytest.approx(0.35)
    assert sample.lag == pytest.approx(0.3)


def test_the_pool_takes_new_jobs_while_earlier_ones_still_run() -> None:
    release = threading.Event()
    running = threading.Semaphore(0)

    def blocked(state: object) -> tuple[bool, dict[str, float]]:
        running.release()
        assert release.wait(10)
        return True, {}

    pool = Pool(2, lambda: None)
    samples: list[Sample] = []
    try:
        pool.submit(1.0, blocked, samples)
        pool.submit(2.0, blocked, samples)
        assert running.acquire(timeout=10) and running.acquire(timeout=10)  # both started, neither finished
        assert samples == []
    finally:
        release.set()
        pool.close()
    assert sorted(sample.scheduled for sample in samples) == [1.0, 2.0]
    assert all(sample.ok for sample in samples)


def test_a_failing_job_is_recorded_as_an_error_and_the_pool_goes_on() -> None:
    def broken(state: object) -> tuple[bool, dict[str, float]]:
        raise ConnectionError("closed")

    pool = Pool(1, lambda: None)
    samples: list[Sample] = []
    pool.submit(1.0, broken, samples)
    pool.submit(2.0, lambda state: (True, {"transition": 0.01}), samples)
    pool.close()
    assert [(sample.scheduled, sample.ok) for sample in samples] == [(1.0, False), (2.0, True)]
    assert isinstance(pool.failures[0], ConnectionError)
