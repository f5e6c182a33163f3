"""Relazione documents prepared in the background: asking, the job's life, downloading, and refusals.

The worker's part is called directly here (`reports.exports.prepare`); test_documents_worker.py runs it in a
real Celery worker on Redis."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from pytest_django.fixtures import Settings

from plans.models import Plan
from reports import exports
from reports.models import ReportExport
from tests.reports.test_views import client_for, page_text

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 5, 15, 10, 0, tzinfo=dt.UTC)


def documents_url(plan: Plan, year: int = 2021) -> str:
    return reverse("reports:documents", args=[plan.pk, year])


@pytest.fixture
def small_limit(settings: Settings) -> None:
    """Seed 002's plan (18 objectives) counts as large for its PDF (estimated at several seconds), not for its
    spreadsheet (a fraction of a second)."""
    settings.REPORT_INLINE_MAX_SECONDS = 1.0


def ask(plan: Plan, user: User, fmt: str = "pdf") -> ReportExport:
    export, created = exports.request_export(actor=user, plan=plan, year=2021, fmt=fmt)
    assert created
    return export


def test_a_large_plans_pdf_link_leads_to_the_documents_page(demo_plan: Plan, director: User, small_limit: None) -> None:
    response = client_for(director).get(reverse("reports:relazione", args=[demo_plan.pk, 2021, "pdf"]))
    assert response.status_code == 303
    assert response["Location"] == f"{documents_url(demo_plan)}?formato=pdf"
    assert not ReportExport.objects.exists()
    page = client_for(director).get(response["Location"])
    assert "Il piano ha 18 obiettivi: il PDF e il DOCX della Relazione vengono preparati in background" in page_text(
        page.content
    )


def test_a_large_plans_spreadsheet_is_still_downloaded_at_once(
    demo_plan: Plan, director: User, small_limit: None
) -> None:
    response = client_for(director).get(reverse("reports:relazione", args=[demo_plan.pk, 2021, "xlsx"]))
    assert response.status_code == 200
    assert response.content.startswith(b"PK\x03\x04")


def test_asking_records_one_queued_job_and_asking_again_joins_it(demo_plan: Plan, director: User) -> None:
    client = client_for(director)
    first = client.post(documents_url(demo_plan), {"formato": "pdf"}, follow=True)
    assert "Documento PDF in preparazione." in page_text(first.content)
    second = client.post(documents_url(demo_plan), {"formato": "pdf"}, follow=True)
    assert "Questo documento è già in preparazione: attendi che sia pronto." in page_text(second.content)
    [job] = ReportExport.objects.all()
    assert (job.status, job.fmt, job.year, job.requested_by) == ("queued", "pdf", 2021, director)
    assert "in coda" in page_text(second.content)
    assert 'hx-trigger="every 3s"' in second.content.decode()  # the page follows the job


def test_a_format_that_is_not_a_document_is_refused_and_records_nothing(demo_plan: Plan, director: User) -> None:
    response = client_for(director).post(documents_url(demo_plan), {"formato": "odt"})
    assert response.status_code == 400
    assert "Scegli il formato del documento: pdf, docx, xlsx." in page_text(response.content)
    assert not ReportExport.objects.exists()


def test_the_prepared_pdf_holds_the_relazione_and_is_downloaded(demo_plan: Plan, director: User) -> None:
    job = ask(demo_plan, director)
    assert exports.prepare(job.pk) == "ready"
    job.refresh_from_db()
    assert (job.status, job.attempts, job.filename) == ("ready", 1, "relazione-RP-2021-2021.pdf")
    assert job.lease_until is None and job.finished_at is not None
    page = client_for(director).get(documents_url(demo_plan))
    download = reverse("reports:document_download", args=[demo_plan.pk, job.pk])
    assert download in page.content.decode()
    assert 'hx-trigger="every 3s"' not in page.content.decode()  # nothing left to follow
    response = client_for(director).get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="relazione-RP-2021-2021.pdf"'
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert demo_plan.title.split()[0] in text
    first_objective = demo_plan.objectives.order_by("number", "code").first()
    assert first_objective is not None and first_objective.title[:30] in " ".join(text.split())


def test_a_docx_can_be_prepared_too(demo_plan: Plan, director: User) -> None:
    job = ask(demo_plan, director, "docx")
    assert exports.prepare(job.pk) == "ready"
    response = client_for(director).get(reverse("reports:document_download", args=[demo_plan.pk, job.pk]))
    assert response.content.startswith(b"PK\x03\x04")


def test_a_failed_rendering_is_recorded_and_shown(
    demo_plan: Plan, director: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = ask(demo_plan, director)

    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("font missing")

    monkeypatch.setattr(exports, "build_relazione", broken)
    assert exports.prepare(job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == "failed" and job.content is None
    page = page_text(client_for(director).get(documents_url(demo_plan)).content)
    assert "non riuscito: Si è verificato un errore durante la preparazione del documento." in page
    assert "font missing" not in page  # no internals reach the user
    assert exports.request_export(actor=director, plan=demo_plan, year=2021, fmt="pdf")[1]  # a new one may be asked


def test_a_job_held_by_a_live_worker_is_left_alone_and_a_lost_one_is_taken_over(
    demo_plan: Plan, director: User, settings: Settings
) -> None:
    settings.REPORT_EXPORT_LEASE_SECONDS = 600
    job = ask(demo_plan, director)
    with time_machine.travel(NOW, tick=False):
        assert exports.claim(job.pk, timezone.now()) is not None
    with time_machine.travel(NOW + dt.timedelta(minutes=9), tick=False):
        assert exports.prepare(job.pk) == "skipped"
        assert exports.resume_exports(timezone.now()) == []
    with time_machine.travel(NOW + dt.timedelta(minutes=11), tick=False):
        assert exports.resume_exports(timezone.now()) == [job.pk]
        assert exports.prepare(job.pk) == "ready"
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("ready", 2)


def test_a_job_that_keeps_killing_its_worker_ends_as_failed(
    demo_plan: Plan, director: User, settings: Settings
) -> None:
    settings.REPORT_EXPORT_MAX_ATTEMPTS = 2
    job = ask(demo_plan, director)
    ReportExport.objects.filter(pk=job.pk).update(status="running", attempts=2, lease_until=NOW)
    assert exports.prepare(job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == "La preparazione è stata interrotta 2 volte."


def test_a_queued_job_is_resent_only_once_its_task_should_have_arrived(demo_plan: Plan, director: User) -> None:
    with time_machine.travel(NOW, tick=False):
        job = ask(demo_plan, director)
        assert exports.resume_exports(timezone.now()) == []
    with time_machine.travel(NOW + dt.timedelta(minutes=3), tick=False):
        assert exports.resume_exports(timezone.now()) == [job.pk]


def test_another_organization_sees_neither_the_page_nor_the_document(
    demo_plan: Plan,
    director: User,
    outsider: User,
) -> None:
    job = ask(demo_plan, director)
    exports.prepare(job.pk)
    client = client_for(outsider)
    page = client.get(documents_url(demo_plan))
    assert page.status_code == 404 and "RP-2021" not in page_text(page.content)
    assert client.post(documents_url(demo_plan), {"formato": "pdf"}).status_code == 404
    download = client.get(reverse("reports:document_download", args=[demo_plan.pk, job.pk]))
    assert download.status_code == 404 and b"%PDF" not in download.content
    assert ReportExport.objects.count() == 1


def test_a_document_not_ready_yet_is_not_found(demo_plan: Plan, director: User) -> None:
    job = ask(demo_plan, director)
    response = client_for(director).get(reverse("reports:document_download", args=[demo_plan.pk, job.pk]))
    assert response.status_code == 404
    assert "non è ancora pronto" in page_text(response.content)


def test_a_year_outside_the_plan_gets_a_clear_404(demo_plan: Plan, director: User) -> None:
    response = client_for(director).get(documents_url(demo_plan, 2030))
    assert response.status_code == 404
    assert "L'anno 2030 non è un anno del piano" in page_text(response.content)


def test_htmx_asks_only_for_the_table(demo_plan: Plan, director: User) -> None:
    ask(demo_plan, director)
    response = client_for(director).get(documents_url(demo_plan), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.startswith('<section id="documenti"') and "<html" not in body


def test_anonymous_visitors_are_sent_to_log_in(demo_plan: Plan) -> None:
    response = Client().get(documents_url(demo_plan))
    assert response.status_code == 302 and "/accedi/" in response["Location"]
