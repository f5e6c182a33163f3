"""The web import of a Word document (issue 19): the director uploads the body's own PEG as DOCX, with the plan's
code and year it does not say; the worker only reads it (a check, whatever was chosen), and the job's page shows
the draft (objectives, activities, indicators as written) and every cell it could not place, with its place; the
director confirms and the plan is written as reviewed. Nobody else confirms the job.

The world: tests/workflow/world.py (Diana directs the Comune di Aurelia, Erica the Comune di Borgo)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from plans.importing.jobs import run_import
from plans.models import Plan, PlanImport
from tests.plans.test_import_word import own_word_document
from tests.web.html import page_text, tables
from tests.workflow.world import World

pytestmark = pytest.mark.django_db

PAGE = "/piani/importa/"


def upload_word(client: Client, world: World, folder: Path, **fields: str) -> PlanImport:
    data = {
        "organization": world.aurelia.pk,
        "file": SimpleUploadedFile("peg-borgo.docx", own_word_document(folder).read_bytes()),
        "mode": "importa",  # a Word document is read into a draft first all the same
        **fields,
    }
    response = client.post(PAGE, data)
    assert response.status_code == 302, page_text(response)
    return PlanImport.objects.latest("pk")


def test_a_word_document_is_read_into_a_draft_reviewed_then_imported(
    client: Client, world: World, tmp_path: Path
) -> None:
    client.force_login(world.diana)
    job = upload_word(client, world, tmp_path, plan_code="PEG-W-2026", plan_year="2026")
    assert (job.dry_run, job.plan_code, job.plan_year) == (True, "PEG-W-2026", 2026)

    assert run_import(job.pk) == "done"
    page = client.get(f"/piani/importazioni/{job.pk}/")
    text = page_text(page)
    assert "Verifica completata: il file si importa nel piano PEG-W-2026" in text
    assert "Celle e tabelle del documento non collocate: 5" in text
    unplaced = next(t for t in tables(page) if t.caption.startswith("Le celle e le tabelle non collocate"))
    assert unplaced.rows[3][:2] == ["peg-borgo.docx, tabella 2, riga 2, colonna 4", "«vedi delibera»"]
    assert "Obiettivo PEG26-SS-1 – Ridurre i tempi di presa in carico (Area Servizi Sociali)" in text
    activities = next(t for t in tables(page) if t.caption == "Attività")
    assert activities.rows[1:] == [["", "Mappatura dei casi", "Marzo", ""], ["", "Avvio dello sportello", "", ""]]
    assert not Plan.objects.filter(code="PEG-W-2026").exists()

    other = Client()
    other.force_login(world.erica)
    assert other.post(f"/piani/importazioni/{job.pk}/importa/").status_code == 404
    confirmed = client.post(f"/piani/importazioni/{job.pk}/importa/")
    new = PlanImport.objects.latest("pk")
    assert confirmed["Location"] == f"/piani/importazioni/{new.pk}/"
    assert (new.dry_run, new.filename, new.plan_code, bytes(new.content)) == (
        False,
        "peg-borgo.docx",
        "PEG-W-2026",
        bytes(PlanImport.objects.get(pk=job.pk).content),
    )
    assert run_import(new.pk) == "done"
    plan = Plan.objects.get(code="PEG-W-2026")
    assert (plan.organization, plan.year_start) == (world.aurelia, 2026)
    assert "Importazione completata" in page_text(client.get(f"/piani/importazioni/{new.pk}/"))


def test_a_word_document_that_does_not_say_its_code_is_refused_with_where_to_give_it(
    client: Client, world: World, tmp_path: Path
) -> None:
    client.force_login(world.diana)
    job = upload_word(client, world, tmp_path, plan_year="2026")

    assert run_import(job.pk) == "refused"
    text = page_text(client.get(f"/piani/importazioni/{job.pk}/"))
    assert "il documento non dice il codice del piano" in text and "«Codice del piano»" in text
    assert "Importa il piano" not in text


def test_a_year_that_is_not_a_year_is_refused_on_the_form(client: Client, world: World, tmp_path: Path) -> None:
    client.force_login(world.diana)
    response = client.post(
        PAGE,
        {
            "organization": world.aurelia.pk,
            "file": SimpleUploadedFile("peg.docx", own_word_document(tmp_path).read_bytes()),
            "mode": "verifica",
            "plan_year": "26",
        },
    )
    assert response.status_code == 400
    assert "Scrivi un anno dal 1990 in poi." in page_text(response)
    assert not PlanImport.objects.exists()


def test_a_check_is_confirmed_once_and_only_when_it_was_importable(
    client: Client, world: World, tmp_path: Path
) -> None:
    client.force_login(world.diana)
    check = upload_word(client, world, tmp_path, plan_code="PEG-W-2026", plan_year="2026")
    refused = upload_word(client, world, tmp_path, plan_year="2026")  # no code: refused
    assert client.post(f"/piani/importazioni/{check.pk}/importa/").status_code == 403  # still queued
    run_import(check.pk)
    run_import(refused.pk)
    assert client.post(f"/piani/importazioni/{refused.pk}/importa/").status_code == 403

    first = client.post(f"/piani/importazioni/{check.pk}/importa/")
    again = client.post(f"/piani/importazioni/{check.pk}/importa/")  # a double click

    assert first["Location"] == again["Location"]
    assert PlanImport.objects.filter(dry_run=False).count() == 1
    assert "Confermata: vedi l'importazione che ne è seguita" in page_text(
        client.get(f"/piani/importazioni/{check.pk}/")
    )


def test_a_director_who_no_longer_directs_the_body_cannot_confirm(client: Client, world: World, tmp_path: Path) -> None:
    client.force_login(world.diana)
    check = upload_word(client, world, tmp_path, plan_code="PEG-W-2026", plan_year="2026")
    run_import(check.pk)
    world.diana.organization_roles.all().delete()

    assert client.post(f"/piani/importazioni/{check.pk}/importa/").status_code == 403
    assert not PlanImport.objects.filter(dry_run=False).exists()
