"""A large plan's monitoring report is prepared in the background, as its Relazione is: the page sends the person
to the documents page of the date's year, the job is listed there under its own name, and a worker's `prepare`
stores the document of that date."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader
from pytest_django.fixtures import Settings

from reports.exports import prepare, request_export
from reports.models import ReportExport
from tests.reports import as_of_story as story
from tests.reports.as_of_story import Story

pytestmark = pytest.mark.django_db


@pytest.fixture
def told(db: None, settings: Settings) -> Story:
    settings.REPORT_INLINE_MAX_SECONDS = 0  # the story's plan, with two objectives, counts as large
    return story.tell()


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_large_plans_monitoring_pdf_is_prepared_by_a_worker_and_downloaded(told: Story) -> None:
    client = client_for(told.world.diana)
    asked = client.get(
        reverse("reports:monitoring", args=[told.world.plan.pk]), {"al": told.today.isoformat(), "formato": "pdf"}
    )
    documents = reverse("reports:documents", args=[told.world.plan.pk, told.today.year])
    assert (asked.status_code, asked["Location"]) == (303, documents)
    job = ReportExport.objects.defer("content").get()
    assert (job.as_of, job.year, job.fmt, job.status) == (told.today, told.today.year, "pdf", "queued")

    page = client.get(documents).content.decode()
    assert f"Monitoraggio intermedio al {told.today:%d/%m/%Y}" in page
    assert "Monitoraggio PDF in preparazione." in page

    assert prepare(job.pk) == "ready"
    job.refresh_from_db()
    assert job.filename == f"monitoraggio-PEG-2026-{told.today:%Y-%m-%d}.pdf"
    download = client.get(reverse("reports:document_download", args=[told.world.plan.pk, job.pk]))
    assert download.status_code == 200
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(download.content)).pages)
    assert f"Monitoraggio intermedio al {told.today:%d/%m/%Y}" in text
    assert story.SECOND_NOTE in text


def test_asking_twice_joins_the_job_under_way_and_the_relazione_of_the_year_is_another_job(told: Story) -> None:
    plan, year, day = told.world.plan, told.today.year, told.today
    first, created = request_export(actor=told.world.diana, plan=plan, year=year, fmt="docx", as_of=day)
    again, created_again = request_export(actor=told.world.anna, plan=plan, year=year, fmt="docx", as_of=day)
    assert created and not created_again and again.pk == first.pk
    relazione, relazione_created = request_export(actor=told.world.diana, plan=plan, year=year, fmt="docx")
    assert relazione_created and relazione.pk != first.pk and relazione.as_of is None
    assert relazione.document == f"Relazione sulla Performance {year}"
