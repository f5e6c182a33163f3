"""The measured size of a document decides where it is prepared: a small plan's documents in the request, a large
one's by a worker, and the boundary is the estimate itself (reports.sizing)."""

from __future__ import annotations

import dataclasses

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from plans.models import Activity, Indicator, Measurement, Objective
from reports import sizing
from reports.exports import estimate_seconds, request_export
from reports.models import ReportExport
from reports.sizing import COEFFICIENTS, PlanSize, estimate
from tests.reports.builders import add_objectives
from tests.workflow.world import World

pytestmark = pytest.mark.django_db
YEAR = 2026
DEFAULT_THRESHOLD = 2.0  # config/settings.py's REPORT_INLINE_MAX_SECONDS
# Objectives (each with two activities, two indicators, their measurements and reports) enough for the
# Relazione's PDF of the world's plan to pass the default threshold: the test checks the estimate first.
MORE = 5


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def relazione_url(world: World, fmt: str) -> str:
    return reverse("reports:relazione", args=[world.plan.pk, YEAR, fmt])


def test_the_size_counts_what_the_plan_holds_and_grows_with_it(world: World) -> None:
    size = PlanSize.of(world.plan, YEAR)
    plan = world.plan
    assert size.objectives == Objective.objects.filter(plan=plan).count() == 2
    assert size.activities == Activity.objects.filter(objective__plan=plan).count()
    assert size.indicators == Indicator.objects.filter(objective__plan=plan).count()
    assert size.measurements == Measurement.objects.filter(indicator__objective__plan=plan).count()

    add_objectives(plan, [world.social], 3, world)
    bigger = PlanSize.of(plan, YEAR)
    assert bigger.objectives == size.objectives + 3
    assert bigger.activities == size.activities + 6
    assert bigger.indicators == size.indicators + 6
    assert bigger.measurements > size.measurements
    assert bigger.text_chars > size.text_chars  # the objectives' reports and the presentation's chapter


def test_every_document_is_estimated_longer_for_a_larger_plan() -> None:
    small = PlanSize(objectives=2, activities=4, indicators=4, measurements=4, text_chars=2_000)
    for (kind, fmt), coefficients in COEFFICIENTS.items():
        assert coefficients.base >= 0, (kind, fmt)
        larger = dataclasses.replace(
            small, objectives=200, activities=1_500, indicators=600, text_chars=1_000_000, sheets=50
        )
        assert estimate(kind, fmt, larger) > estimate(kind, fmt, small), (kind, fmt)  # type: ignore[operator]


def test_the_open_data_are_never_estimated_nor_sent_to_a_worker(settings: Settings) -> None:
    settings.REPORT_INLINE_MAX_SECONDS = 0
    huge = PlanSize(objectives=10_000, activities=1_000_000, indicators=30_000, measurements=30_000)
    for fmt in ("csv", "it.csv", "json"):
        assert estimate(sizing.RELAZIONE, fmt, huge) is None
        assert not sizing.goes_to_worker(sizing.RELAZIONE, fmt, huge)


def test_a_small_plans_documents_stay_in_the_request(world: World, settings: Settings) -> None:
    settings.REPORT_INLINE_MAX_SECONDS = DEFAULT_THRESHOLD
    for fmt in ("pdf", "docx", "xlsx"):
        seconds = estimate_seconds(world.plan, sizing.RELAZIONE, fmt, YEAR)
        assert seconds is not None and seconds < DEFAULT_THRESHOLD, fmt
    response = client_for(world.diana).get(relazione_url(world, "docx"))
    assert response.status_code == 200
    assert response.content.startswith(b"PK\x03\x04")
    assert not ReportExport.objects.exists()


def test_a_larger_plans_pdf_goes_to_the_worker_by_its_estimate_and_its_docx_stays(
    world: World, settings: Settings
) -> None:
    settings.REPORT_INLINE_MAX_SECONDS = DEFAULT_THRESHOLD
    add_objectives(world.plan, [world.social], MORE)
    pdf = estimate_seconds(world.plan, sizing.RELAZIONE, "pdf", YEAR)
    docx = estimate_seconds(world.plan, sizing.RELAZIONE, "docx", YEAR)
    assert pdf is not None and docx is not None and docx < DEFAULT_THRESHOLD < pdf
    client = client_for(world.diana)
    response = client.get(relazione_url(world, "pdf"))
    documents = reverse("reports:documents", args=[world.plan.pk, YEAR])
    assert (response.status_code, response["Location"]) == (303, f"{documents}?formato=pdf")
    assert client.get(relazione_url(world, "docx")).status_code == 200


def test_the_boundary_is_the_estimate_itself(world: World, settings: Settings) -> None:
    seconds = estimate_seconds(world.plan, sizing.RELAZIONE, "docx", YEAR)
    assert seconds is not None
    client = client_for(world.diana)

    settings.REPORT_INLINE_MAX_SECONDS = seconds  # exactly at the threshold: still inline
    at = client.get(relazione_url(world, "docx"))
    assert at.status_code == 200 and at.content.startswith(b"PK\x03\x04")

    settings.REPORT_INLINE_MAX_SECONDS = seconds - 0.001  # a millisecond past it: the worker's
    past = client.get(relazione_url(world, "docx"))
    assert past.status_code == 303


def test_a_requested_job_keeps_the_estimate_it_was_queued_with(world: World) -> None:
    export, created = request_export(actor=world.diana, plan=world.plan, year=YEAR, fmt="pdf")
    assert created
    assert export.kind == ReportExport.Kind.RELAZIONE
    assert export.estimate_seconds == pytest.approx(estimate_seconds(world.plan, sizing.RELAZIONE, "pdf", YEAR))
    piao, created = request_export(
        actor=world.diana, plan=world.plan, year=YEAR, fmt="pdf", kind=ReportExport.Kind.PIAO
    )
    assert created and piao.pk != export.pk  # the PIAO's PDF is another document than the Relazione's
