"""The evidence pack is sealed by a real Celery worker on the real Redis and PostgreSQL (the worker has its own
signing key file, as another process of the same installation), then downloaded by the OIV and verified."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from reports.exports import PACK_FORMAT
from reports.models import ReportExport
from tests.notifications.workers import REDIS_URL, Workers, running_workers
from tests.plan_life import put_in_execution
from tests.workflow.world import World
from workflow.services.plan_lifecycle import plan_close, plan_validate

pytestmark = [
    pytest.mark.skipif(not REDIS_URL, reason="needs a real Redis for the Celery worker: set REDIS_URL"),
    pytest.mark.django_db(transaction=True),  # committed data, visible to the worker
]
WAIT = 300.0  # seconds, on a busy machine


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("evidence-worker-key") / "key.pem"


@pytest.fixture(scope="module")
def worker(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory, key_file: Path) -> Iterator[Workers]:
    log_dir = tmp_path_factory.mktemp("evidence-worker")
    with running_workers(log_dir, 1, EVIDENCE_SIGNING_KEY_FILE=str(key_file)) as pool:
        yield pool


def test_a_worker_seals_the_pack_and_the_oiv_downloads_one_that_verifies(
    world: World, worker: Workers, key_file: Path, tmp_path: Path
) -> None:
    plan = plan_close(actor=world.diana, plan=put_in_execution(world.plan, world.diana))
    plan = plan_validate(actor=world.otto, plan=plan)
    director, auditor = Client(), Client()
    director.force_login(world.diana)
    auditor.force_login(world.otto)
    page = reverse("reports:evidence_pack", args=[plan.pk, 2026])
    assert director.post(page).status_code == 302

    deadline = time.monotonic() + WAIT
    job = ReportExport.objects.defer("content").get(fmt=PACK_FORMAT)
    while job.is_pending and time.monotonic() < deadline:
        time.sleep(0.2)
        job.refresh_from_db(fields=["status"])
    assert job.status == ReportExport.Status.READY, worker.output()[-4000:]
    assert "Task reports.tasks.prepare_export[" in worker.output()

    download = auditor.get(reverse("reports:evidence_pack_download", args=[plan.pk, job.pk]))
    assert download.status_code == 200
    archive = tmp_path / "pacchetto.zip"
    archive.write_bytes(download.content)
    out, err = io.StringIO(), io.StringIO()
    with override_settings(EVIDENCE_SIGNING_KEY_FILE=key_file):  # this installation: the worker's key
        call_command("verify_evidence", str(archive), "--require-installation-key", stdout=out, stderr=err)
    assert "La chiave è quella di questa installazione." in out.getvalue()
    assert "Pacchetto pacchetto.zip verificato" in out.getvalue() and err.getvalue() == ""
