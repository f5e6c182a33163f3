"""A document too long for the request is prepared by a real Celery worker on the real Redis and PostgreSQL, and
its requester receives a real mail (aiosmtpd) with the link to the job's page, from which the document is
downloaded; another body's director following the same link finds nothing."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from notifications.models import Message
from reports.models import ReportExport
from tests.notifications.sink import Sink
from tests.notifications.workers import WORKER_TESTS, Workers, running_workers
from tests.workflow.world import World

pytestmark = WORKER_TESTS
WAIT = 120.0  # seconds, for the worker to prepare a small DOCX and send its mail on a busy machine


@pytest.fixture(scope="module")
def sink() -> Iterator[Sink]:
    with Sink() as server:
        yield server


@pytest.fixture(scope="module")
def worker(django_db_setup: None, sink: Sink, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workers]:
    extra = {"EMAIL_URL": f"smtp://127.0.0.1:{sink.port}?timeout=10", "SITE_URL": "https://traguardi.example"}
    with running_workers(tmp_path_factory.mktemp("document-mail"), 1, **extra) as pool:
        yield pool


def test_the_requester_is_mailed_the_link_and_downloads_what_the_worker_prepared(
    world: World, worker: Workers, sink: Sink, settings: Settings
) -> None:
    settings.REPORT_INLINE_MAX_SECONDS = 0  # every document of the world's plan counts as long
    sink.reset()
    client = Client()
    client.force_login(world.diana)
    page = reverse("reports:documents", args=[world.plan.pk, world.plan.year_start])
    assert client.post(page, {"formato": "docx"}).status_code == 302

    job = ReportExport.objects.defer("content").get()
    deadline = time.monotonic() + WAIT
    while job.is_pending and time.monotonic() < deadline:
        time.sleep(0.2)
        job.refresh_from_db(fields=["status"])
    assert job.status == ReportExport.Status.READY, worker.output()[-4000:]

    [mail] = sink.wait_for(1, timeout=WAIT)
    link = f"https://traguardi.example{reverse('reports:document_job', args=[world.plan.pk, job.pk])}"
    assert mail.envelope_to == (world.diana.email,)
    assert mail.subject.endswith("I documenti che hai chiesto sono pronti")
    assert f"Relazione sulla Performance {world.plan.year_start} (DOCX) del piano {world.plan.code}" in mail.text
    assert link in mail.text and link in mail.html
    [message] = Message.objects.filter(kind=Message.Kind.DOCUMENT_READY)
    while message.status != Message.Status.SENT and time.monotonic() < deadline:  # marked right after the SMTP 250
        time.sleep(0.1)
        message.refresh_from_db(fields=["status"])
    assert (message.status, message.recipient_id, mail.message_ids) == ("sent", world.diana.pk, (message.pk,))

    followed = client.get(link.removeprefix("https://traguardi.example"))
    download = reverse("reports:document_download", args=[world.plan.pk, job.pk])
    assert followed.status_code == 200 and download in followed.content.decode()
    document = client.get(download)
    assert document.status_code == 200 and document.content.startswith(b"PK\x03\x04")

    outsider = Client()
    outsider.force_login(world.erica)
    assert outsider.get(link.removeprefix("https://traguardi.example")).status_code == 404
    assert outsider.get(download).status_code == 404
    assert "Task reports.tasks.prepare_export[" in worker.output()
    assert "Task notifications.tasks.dispatch_messages[" in worker.output()
