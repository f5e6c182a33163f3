"""Open data too long for the request are prepared by a real Celery worker on the real Redis and PostgreSQL: the
download link leads to the job's page, the requester receives a real mail (aiosmtpd) with its link, and the file
downloaded from the job is the one the request would have written."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from notifications.models import Message
from plans.models import Plan
from reports.models import ReportExport
from reports.opendata import open_data_head, open_data_objectives
from reports.render.opendata import stream_csv
from tests.notifications.sink import Sink
from tests.notifications.workers import WORKER_TESTS, Workers, running_workers
from tests.reports.test_opendata_large import add_varied_objectives
from tests.workflow.world import World

pytestmark = WORKER_TESTS
WAIT = 120.0  # seconds, for the worker to prepare a small file and send its mail on a busy machine


@pytest.fixture(scope="module")
def sink() -> Iterator[Sink]:
    with Sink() as server:
        yield server


@pytest.fixture(scope="module")
def worker(django_db_setup: None, sink: Sink, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workers]:
    extra = {"EMAIL_URL": f"smtp://127.0.0.1:{sink.port}?timeout=10", "SITE_URL": "https://traguardi.example"}
    with running_workers(tmp_path_factory.mktemp("opendata-worker"), 1, **extra) as pool:
        yield pool


def ready(job: ReportExport, worker: Workers) -> ReportExport:
    deadline = time.monotonic() + WAIT
    while job.is_pending and time.monotonic() < deadline:
        time.sleep(0.2)
        job.refresh_from_db(fields=["status"])
    assert job.status == ReportExport.Status.READY, worker.output()[-4000:]
    return job


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_director_is_mailed_and_downloads_the_open_data_the_worker_prepared(
    world: World, worker: Workers, sink: Sink, settings: Settings, fmt: str
) -> None:
    add_varied_objectives(world.plan, [world.social, world.technical], 9)
    plan = Plan.objects.select_related("organization").get(pk=world.plan.pk)
    inline = b"".join(stream_csv(open_data_head(plan, 2026), open_data_objectives(plan, 2026)))
    settings.REPORT_INLINE_MAX_SECONDS = 0  # every open data file of the world's plan counts as long
    sink.reset()
    client = Client()
    client.force_login(world.diana)

    asked = client.get(reverse("reports:opendata", args=[plan.pk, 2026, fmt]))
    job = ready(ReportExport.objects.defer("content").get(kind=ReportExport.Kind.OPEN_DATA, fmt=fmt), worker)
    page = reverse("reports:document_job", args=[plan.pk, job.pk])
    assert (asked.status_code, asked["Location"]) == (302, page)

    [mail] = sink.wait_for(1, timeout=WAIT)
    assert mail.envelope_to == (world.diana.email,)
    assert mail.subject.endswith("I documenti che hai chiesto sono pronti")
    document = "Dati aperti della Relazione sulla Performance 2026"
    assert f"{document} ({fmt.upper()}) del piano {plan.code} è pronto da scaricare." in mail.text
    link = f"https://traguardi.example{page}"
    assert link in mail.text and link in mail.html
    [message] = Message.objects.filter(kind=Message.Kind.DOCUMENT_READY)
    assert message.recipient_id == world.diana.pk

    download = reverse("reports:document_download", args=[plan.pk, job.pk])
    assert download in client.get(page).content.decode()
    answer = client.get(download)
    assert answer.status_code == 200
    assert answer["Content-Disposition"] == f'attachment; filename="dati-aperti-PEG-2026-2026.{fmt}"'
    if fmt == "csv":
        assert answer["Content-Type"] == "text/csv; charset=utf-8"
        assert answer.content == inline
        assert len(list(csv.reader(io.StringIO(inline.decode())))) == 1 + 1 + 18  # heading, SOC-1, 9 × 1-3
    else:
        assert answer["Content-Type"] == "application/json"
        codes = [objective["code"] for objective in json.loads(answer.content)["objectives"]]
        rows = list(csv.DictReader(io.StringIO(inline.decode())))
        assert sorted(codes) == sorted({*[row["objective_code"] for row in rows], "TRA-1"})

    outsider = Client()
    outsider.force_login(world.erica)
    assert outsider.get(page).status_code == 404
    assert outsider.get(download).status_code == 404
    assert "Task reports.tasks.prepare_export[" in worker.output()
