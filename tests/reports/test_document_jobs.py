"""A document job's own page: its state, stage and progress while a worker prepares it, then its download; who
may follow it (whoever may see the plan; the PIAO's only its director and OIV); the mail planned for the
requester when it is ready."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from notifications.dispatch import dispatch
from notifications.models import Message
from plans.models import OrganizationRole
from reports import exports
from reports.models import ReportExport
from tests.workflow.world import World

pytestmark = pytest.mark.django_db
YEAR = 2026


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def job_url(export: ReportExport) -> str:
    return reverse("reports:document_job", args=[export.plan_id, export.pk])


def download_url(export: ReportExport) -> str:
    return reverse("reports:document_download", args=[export.plan_id, export.pk])


def percent_shown(html: str) -> int:
    found = re.search(r'<progress id="avanzamento"[^>]* value="(\d+)"', html)
    assert found, html
    return int(found.group(1))


@pytest.fixture
def job(world: World) -> ReportExport:
    export, created = exports.request_export(actor=world.diana, plan=world.plan, year=YEAR, fmt="docx")
    assert created
    return export


def test_the_page_follows_the_job_from_the_queue_to_the_download(world: World, job: ReportExport) -> None:
    client = client_for(world.diana)
    queued = client.get(job_url(job)).content.decode()
    assert "in coda" in queued and percent_shown(queued) == 0
    assert 'hx-trigger="every 2s"' in queued  # htmx asks again while the job runs
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in queued  # and without JavaScript

    claimed = exports.claim(job.pk, timezone.now())
    assert claimed is not None
    reading = client.get(job_url(job)).content.decode()
    assert "lettura dei dati del piano" in reading and percent_shown(reading) == 5

    half_way = timezone.now() - dt.timedelta(seconds=(job.estimate_seconds or 1) / 2)
    ReportExport.objects.filter(pk=job.pk).update(stage=ReportExport.Stage.RENDERING, stage_at=half_way)
    rendering = client.get(job_url(job), headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in rendering  # the fragment htmx swaps in
    assert "composizione del documento" in rendering and 45 <= percent_shown(rendering) <= 60

    ReportExport.objects.filter(pk=job.pk).update(status=ReportExport.Status.QUEUED, stage=ReportExport.Stage.WAITING)
    assert exports.prepare(job.pk) == "ready"
    ready = client.get(job_url(job)).content.decode()
    assert download_url(job) in ready and "pronto" in ready
    assert "hx-trigger" not in ready and "http-equiv" not in ready  # nothing left to follow
    response = client.get(download_url(job))
    assert response.status_code == 200 and response.content.startswith(b"PK\x03\x04")
    assert response["Content-Disposition"] == f'attachment; filename="{ReportExport.objects.get().filename}"'


def test_progress_never_reaches_the_end_before_the_document_is_stored(world: World, job: ReportExport) -> None:
    now = timezone.now()
    job.status, job.stage, job.estimate_seconds = ReportExport.Status.RUNNING, ReportExport.Stage.RENDERING, 10.0
    job.stage_at = now - dt.timedelta(seconds=60)  # far past its estimate
    assert job.percent(now) == 91
    job.stage = ReportExport.Stage.STORING
    assert job.percent(now) == 95
    job.status = ReportExport.Status.READY
    assert job.percent(now) == 100
    job.status = ReportExport.Status.FAILED
    assert job.percent(now) == 0


def test_the_requester_is_mailed_once_when_the_document_is_ready(world: World, job: ReportExport) -> None:
    assert exports.prepare(job.pk) == "ready"
    [message] = Message.objects.filter(kind=Message.Kind.DOCUMENT_READY)
    assert (message.recipient, message.target, message.status) == (world.diana, f"export:{job.pk}", "pending")
    assert message.organization_id == world.plan.organization_id
    assert exports.prepare(job.pk) == "skipped"  # a redelivered task finds nothing to do and plans nothing
    assert Message.objects.filter(kind=Message.Kind.DOCUMENT_READY).count() == 1


def test_a_failed_job_mails_nobody_and_says_why(
    world: World, job: ReportExport, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("font missing")

    monkeypatch.setattr(exports, "build_relazione", broken)
    assert exports.prepare(job.pk) == "failed"
    assert not Message.objects.exists()
    page = client_for(world.diana).get(job_url(job)).content.decode()
    assert "Si è verificato un errore durante la preparazione del documento." in page
    assert client_for(world.diana).get(download_url(job)).status_code == 404


def test_another_bodys_director_finds_neither_the_job_nor_its_download(world: World, job: ReportExport) -> None:
    assert exports.prepare(job.pk) == "ready"
    outsider = client_for(world.erica)
    for url in (job_url(job), download_url(job)):
        response = outsider.get(url)
        assert response.status_code == 404
        assert b"PK\x03\x04" not in response.content
    # The OIV of the body sees the plan: the job and the download are theirs to open too.
    assert client_for(world.otto).get(download_url(job)).status_code == 200


def test_a_job_asked_under_another_plan_or_that_does_not_exist_is_not_found(world: World, job: ReportExport) -> None:
    client = client_for(world.diana)
    assert client.get(reverse("reports:document_job", args=[job.plan_id + 1000, job.pk])).status_code == 404
    assert client.get(reverse("reports:document_job", args=[job.plan_id, job.pk + 1000])).status_code == 404


def test_a_long_piao_section_is_prepared_by_a_worker_for_the_director_and_the_oiv_only(
    world: World, settings: Settings
) -> None:
    settings.REPORT_INLINE_MAX_SECONDS = 0
    response = client_for(world.diana).get(reverse("reports:piao_document", args=[world.plan.pk, "pdf"]))
    job = ReportExport.objects.get()
    assert (job.kind, job.fmt, job.year) == ("piao", "pdf", world.plan.year_start)
    assert (response.status_code, response["Location"]) == (302, job_url(job))
    assert exports.prepare(job.pk) == "ready"

    director = client_for(world.diana).get(download_url(job))
    assert (director.status_code, director["Content-Type"]) == (200, "application/pdf")
    assert director.content.startswith(b"%PDF")
    assert client_for(world.otto).get(job_url(job)).status_code == 200
    # Anna heads an area of the plan: she sees the plan, not its PIAO section, nor the job that prepared it.
    assert client_for(world.anna).get(reverse("web:plan", args=[world.plan.pk])).status_code == 200
    assert client_for(world.anna).get(job_url(job)).status_code == 404
    assert client_for(world.anna).get(download_url(job)).status_code == 404


def test_the_mail_is_sent_on_a_sunday_with_the_link_and_dropped_for_who_may_no_longer_see_the_plan(
    world: World,
) -> None:
    sunday = dt.datetime(2026, 12, 6, 11, 0, tzinfo=dt.UTC)  # reminders wait for a working day; this answer not
    first = exports.request_export(actor=world.diana, plan=world.plan, year=YEAR, fmt="xlsx")[0]
    second = exports.request_export(actor=world.otto, plan=world.plan, year=YEAR, fmt="docx")[0]
    assert exports.prepare(first.pk) == exports.prepare(second.pk) == "ready"
    # Otto is no longer the body's OIV when his mail's turn comes: it is dropped, with the reason.
    OrganizationRole.objects.filter(user=world.otto).delete()
    result = dispatch(now=sunday)
    assert (result.mails, result.dropped) == (1, 1)
    [sent] = mail.outbox
    assert sent.to == [world.diana.email]
    assert f"{settings.SITE_URL}{job_url(first)}" in str(sent.body)
    dropped = Message.objects.get(recipient=world.otto)
    assert (dropped.status, dropped.dropped_reason) == (
        "dropped",
        "Il destinatario non può più consultare il piano del documento.",
    )
