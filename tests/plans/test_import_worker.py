"""The web import runs on a real Celery worker, on the real Redis and PostgreSQL: the director uploads the body's
Word document, the worker reads it into a draft (nothing written), the director confirms, and the worker writes
the plan as reviewed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from plans.models import Plan, PlanImport
from tests.notifications.workers import WAIT, WORKER_TESTS, Workers, running_workers
from tests.plans.test_import_word import own_word_document
from tests.workflow.world import World

pytestmark = WORKER_TESTS


@pytest.fixture(scope="module")
def worker(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workers]:
    with running_workers(tmp_path_factory.mktemp("import-worker"), 1) as pool:
        yield pool


def finished(job_id: int, worker: Workers) -> PlanImport:
    deadline = time.monotonic() + WAIT
    job = PlanImport.objects.defer("content").get(pk=job_id)
    while job.is_pending and time.monotonic() < deadline:
        time.sleep(0.2)
        job.refresh_from_db(fields=["status"])
    assert not job.is_pending, worker.output()[-4000:]
    job.refresh_from_db()
    return job


def test_the_worker_reads_the_draft_then_imports_it_once_confirmed(
    world: World, worker: Workers, tmp_path: Path
) -> None:
    client = Client()
    client.force_login(world.diana)
    document = own_word_document(tmp_path).read_bytes()
    response = client.post(
        "/piani/importa/",
        {
            "organization": world.aurelia.pk,
            "file": SimpleUploadedFile("peg-borgo.docx", document),
            "mode": "importa",
            "plan_code": "PEG-W-2026",
            "plan_year": "2026",
        },
    )
    assert response.status_code == 302

    check = finished(PlanImport.objects.get().pk, worker)
    assert (check.status, check.dry_run) == (PlanImport.Status.DONE, True)
    assert {"where": "peg-borgo.docx, tabella 2, riga 2, colonna 4", "text": "vedi delibera"}.items() <= next(
        item for item in check.outcome["unplaced"] if item["text"] == "vedi delibera"
    ).items()
    assert check.outcome["draft"][0]["code"] == "PEG26-SS-1"
    assert not Plan.objects.filter(code="PEG-W-2026").exists()

    client.post(f"/piani/importazioni/{check.pk}/importa/")

    written = finished(PlanImport.objects.exclude(pk=check.pk).get().pk, worker)
    assert written.status == PlanImport.Status.DONE, written.error
    plan = Plan.objects.get(code="PEG-W-2026")
    assert (written.plan, plan.organization) == (plan, world.aurelia)
    assert list(plan.objectives.values_list("code", flat=True)) == ["PEG26-SS-1"]
