"""The web import of a plan file (issue 19): the director uploads the workbook, a worker imports it
(plans.importing.jobs.run_import, called here as the worker calls it), and the job's page lists every value kept
as written without a meaning, with its place in the file; a check writes nothing; a strict import of such a
file is refused with nothing written; the body written is the one the director chose among those they direct,
never the file's; nobody else sees the job.

The world: tests/workflow/world.py (Diana directs the Comune di Aurelia, Erica the Comune di Borgo)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from plans.importing.jobs import request_import, run_import
from plans.importing.workbook import write_workbook
from plans.models import Activity, Objective, Plan, PlanImport
from tests.plans.test_import_unread import with_unread_values
from tests.web.html import page_text, tables
from tests.workflow.world import World

pytestmark = pytest.mark.django_db

PAGE = "/piani/importa/"


def workbook(organization_slug: str = "comune-prova") -> bytes:
    """The small plan with three values the parser cannot read (a time, a baseline, a target), as a workbook
    whose organization block names `organization_slug`."""
    document = with_unread_values()
    document["organization"]["slug"] = organization_slug
    document["plan"]["code"] = "PIAO-2026"
    return write_workbook(document)


def upload(
    client: Client,
    world: World,
    *,
    mode: str = "verifica",
    strict: bool = False,
    content: bytes = b"",
    name: str = "piano 2026.xlsx",
    organization: int | None = None,
) -> Any:
    data: dict[str, Any] = {
        "organization": organization or world.aurelia.pk,
        "file": SimpleUploadedFile(name, content or workbook()),
        "mode": mode,
    }
    if strict:
        data["strict"] = "on"
    return client.post(PAGE, data)


def worker_runs(job: PlanImport) -> str:
    return run_import(job.pk)


def test_a_check_lists_every_unread_value_with_its_place_and_writes_nothing(client: Client, world: World) -> None:
    client.force_login(world.diana)
    response = upload(client, world)
    job = PlanImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/piani/importazioni/{job.pk}/"
    assert (job.organization, job.requested_by, job.filename, job.dry_run) == (
        world.aurelia,
        world.diana,
        "piano 2026.xlsx",
        True,
    )
    waiting = client.get(f"/piani/importazioni/{job.pk}/")
    assert "Stato: in coda" in page_text(waiting)
    assert 'hx-trigger="every 2s"' in waiting.content.decode()

    assert worker_runs(job) == "done"
    page = client.get(f"/piani/importazioni/{job.pk}/")
    text = page_text(page)
    assert "Verifica completata: il file si importa nel piano PIAO-2026" in text
    assert "Nulla è stato scritto." in text
    (unread,) = [table for table in tables(page) if table.row_with("«quando possibile»")]
    assert len(unread.rows) == 4  # the header and the three values
    planned = unread.row_with("«quando possibile»")
    assert planned is not None and planned[0].startswith(
        "piano 2026.xlsx, foglio «Attività», riga 2, colonna C «Tempi»"
    )
    assert unread.row_with("«da rilevare»") is not None and unread.row_with("«da definire»") is not None
    assert not Plan.objects.filter(code="PIAO-2026").exists()
    assert "hx-trigger" not in page.content.decode()  # done: the page stops asking


def test_an_import_writes_the_plan_into_the_chosen_body_not_the_files(client: Client, world: World) -> None:
    client.force_login(world.diana)
    upload(client, world, mode="importa", content=workbook("borgo"))  # the file names another body
    job = PlanImport.objects.get()
    assert worker_runs(job) == "done"
    plan = Plan.objects.get(code="PIAO-2026")
    assert plan.organization == world.aurelia
    job.refresh_from_db()
    assert job.plan == plan
    page = client.get(f"/piani/importazioni/{job.pk}/")
    assert f'href="/piani/{plan.pk}/"' in page.content.decode()
    counts = next(table for table in tables(page) if table.row_with("attività"))
    assert counts.row_with("attività") == ["attività", "2", "0", "0", "0"]
    assert "«quando possibile»" in page_text(page)  # written, and still listed as not understood
    assert Activity.objects.get(objective__plan=plan, position=1).planned_raw == "quando possibile"


def test_a_strict_import_of_such_a_file_is_refused_with_every_value_and_writes_nothing(
    client: Client, world: World
) -> None:
    client.force_login(world.diana)
    upload(client, world, mode="importa", strict=True)
    job = PlanImport.objects.get()
    assert worker_runs(job) == "refused"
    page = client.get(f"/piani/importazioni/{job.pk}/")
    assert "Il file è stato rifiutato per 3 problemi: nulla è stato scritto." in page_text(page)
    problems = next(table for table in tables(page) if table.row_with("«quando possibile»"))
    assert problems.row_with("«quando possibile»")[0].startswith("piano 2026.xlsx, foglio «Attività», riga 2")  # type: ignore[index]
    assert not Plan.objects.filter(code="PIAO-2026").exists()
    assert not Objective.objects.filter(plan__code="PIAO-2026").exists()


def test_a_file_with_mistakes_is_refused_with_its_problems_located(client: Client, world: World) -> None:
    document = with_unread_values()
    document["plan"]["year_end"] = 2025  # before its first year
    client.force_login(world.diana)
    upload(client, world, content=write_workbook(document))
    job = PlanImport.objects.get()
    assert worker_runs(job) == "refused"
    page = client.get(f"/piani/importazioni/{job.pk}/")
    assert "Il file è stato rifiutato per" in page_text(page)
    assert "foglio «Piano»" in page_text(page)


def test_the_form_refuses_what_it_cannot_take_and_keeps_nothing(client: Client, world: World) -> None:
    client.force_login(world.diana)
    response = upload(client, world, content=b"%PDF-1.7", name="piano.pdf")
    assert response.status_code == 400
    assert "Il file «piano.pdf» non è di un formato che Traguardi legge" in page_text(response)
    # Erica directs the Comune di Borgo: Aurelia is not among her choices.
    client.force_login(world.erica)
    response = upload(client, world)
    assert response.status_code == 400
    assert "Scegli uno degli enti di cui sei direttore." in page_text(response)
    assert not PlanImport.objects.exists()


@pytest.mark.parametrize("name", ["anna", "sara", "otto"])
def test_only_a_director_imports(client: Client, world: World, name: str) -> None:
    client.force_login(getattr(world, name))
    assert client.get(PAGE).status_code == 403
    assert upload(client, world).status_code == 403
    assert not PlanImport.objects.exists()
    assert "Importa un piano da un file" not in page_text(client.get("/piani/"))


def test_a_job_is_its_requesters_alone(client: Client, world: World) -> None:
    job = request_import(
        actor=world.diana,
        organization=world.aurelia,
        filename="piano.xlsx",
        content=workbook(),
        dry_run=True,
        strict=False,
    )
    for name in ("erica", "anna", "otto"):
        client.force_login(getattr(world, name))
        assert client.get(f"/piani/importazioni/{job.pk}/").status_code == 404
    client.force_login(world.diana)
    assert client.get(f"/piani/importazioni/{job.pk}/").status_code == 200
    assert "Importa un piano da un file" in page_text(client.get("/piani/"))


def test_a_job_is_run_once(world: World) -> None:
    job = request_import(
        actor=world.diana,
        organization=world.aurelia,
        filename="piano.xlsx",
        content=workbook(),
        dry_run=False,
        strict=False,
    )
    assert run_import(job.pk) == "done"
    assert run_import(job.pk) == "skipped"
    assert Plan.objects.filter(code="PIAO-2026").count() == 1


def test_the_file_name_is_kept_without_folders(world: World) -> None:
    job = request_import(
        actor=world.diana,
        organization=world.aurelia,
        filename="C:\\Documenti\\../piano:2026?.XLSX",
        content=b"x",
        dry_run=True,
        strict=False,
    )
    assert job.filename == "piano_2026_.xlsx"
    assert Path(job.filename).name == job.filename


def test_a_file_larger_than_a_form_is_taken_up_to_the_import_limit(client: Client, world: World) -> None:
    # The input guard refuses a body past 2.5 MB unread, except on the pages that take files: this is one.
    client.force_login(world.diana)
    response = upload(client, world, content=b"PK\x03\x04" + b"x" * (3 * 1024 * 1024), name="grande.xlsx")
    assert response.status_code == 302
    job = PlanImport.objects.get()
    assert job.size > 3 * 1024 * 1024
    assert worker_runs(job) == "refused"  # not a workbook: said where, nothing written
    assert "grande.xlsx" in page_text(client.get(f"/piani/importazioni/{job.pk}/"))


def test_the_owners_named_in_the_file_are_people_of_the_chosen_body(client: Client, world: World) -> None:
    document = with_unread_values()
    document["objectives"][0]["activities"][0]["owner"] = "erica"  # the Comune di Borgo's director
    document["objectives"][0]["activities"][1]["owner"] = "sara"  # of Aurelia's social area
    client.force_login(world.diana)
    upload(client, world, mode="importa", content=write_workbook(document))
    job = PlanImport.objects.get()
    assert worker_runs(job) == "refused"
    text = page_text(client.get(f"/piani/importazioni/{job.pk}/"))
    assert "«erica» non è una persona dell'ente «aurelia»" in text
    assert "sara" not in text.split("Dove")[-1]  # only the outsider is named
    assert not Plan.objects.filter(code="PIAO-2026").exists()
