"""The Relazione of a 200-objective plan is prepared by a real Celery worker on the real Redis and PostgreSQL, not
inside the request, then downloaded."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from reports.models import ReportExport
from tests.notifications.workers import REDIS_URL, Workers, running_workers
from tests.reports.builders import add_objectives
from tests.workflow.world import World

pytestmark = [
    pytest.mark.skipif(not REDIS_URL, reason="needs a real Redis for the Celery worker: set REDIS_URL"),
    pytest.mark.django_db(transaction=True),  # committed data, visible to the worker
]
WAIT = 300.0  # seconds for the worker to render a 200-objective PDF on a busy machine
OBJECTIVES = 200


@pytest.fixture(scope="module")
def worker(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workers]:
    with running_workers(tmp_path_factory.mktemp("report-worker"), 1) as pool:
        yield pool


def test_the_director_asks_for_the_pdf_and_downloads_what_the_worker_prepared(world: World, worker: Workers) -> None:
    add_objectives(world.plan, [world.social], OBJECTIVES - world.plan.objectives.count(), world)
    client = Client()
    client.force_login(world.diana)
    page = reverse("reports:documents", args=[world.plan.pk, world.plan.year_start])
    # The download link of so large a plan does not render in the request: it leads to the documents page.
    direct = client.get(reverse("reports:relazione", args=[world.plan.pk, world.plan.year_start, "pdf"]))
    assert (direct.status_code, direct["Location"]) == (303, f"{page}?formato=pdf")
    response = client.post(page, {"formato": "pdf"})
    assert response.status_code == 302

    deadline = time.monotonic() + WAIT
    job = ReportExport.objects.defer("content").get()
    while job.is_pending and time.monotonic() < deadline:
        time.sleep(0.2)
        job.refresh_from_db(fields=["status"])
    assert job.status == ReportExport.Status.READY, worker.output()[-4000:]

    download = client.get(reverse("reports:document_download", args=[world.plan.pk, job.pk]))
    assert download.status_code == 200
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(download.content)).pages)
    assert world.objective.title in text
    assert world.transversal.title in text
    assert f"Obiettivo {OBJECTIVES - 2}" in text  # the last one added (the world's two have no number)
    assert "Allegato 1 – Variazioni e scostamenti" in text and "Presentazione Premessa" in text
    assert "Task reports.tasks.prepare_export[" in worker.output()
