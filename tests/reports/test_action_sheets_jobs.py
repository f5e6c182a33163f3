"""The action sheets' document of a large Piano di Zona is prepared by a worker, by its measured size (reports.sizing:
about 0.2 s a sheet in PDF): the download starts a job and leads to its page; the job writes the same document the
request would have, and its requester is told by mail. The sheets' data (CSV, JSON) take milliseconds: never a job."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader
from pytest_django.fixtures import Settings

from notifications.models import Message
from plans.models import ActionSheet, Plan
from reports import exports, sizing
from reports.models import ReportExport
from tests.workflow.world import World


def add_sheets(plan: Plan, count: int) -> None:
    for number in range(1, count + 1):
        ActionSheet.objects.create(
            plan=plan, code=f"AZ-{number}", number=number, title=f"Azione {number}", goal="Inclusione sociale"
        )


def diana(world: World) -> Client:
    client = Client()
    client.force_login(world.diana)
    return client


def test_the_sheets_estimate_grows_with_the_sheets(world: World) -> None:
    add_sheets(world.plan, 3)
    few = exports.estimate_seconds(world.plan, sizing.SHEETS, "pdf")
    ActionSheet.objects.bulk_create(ActionSheet(plan=world.plan, code=f"B-{n}", title="Azione") for n in range(40))
    many = exports.estimate_seconds(world.plan, sizing.SHEETS, "pdf")
    assert few is not None and many is not None and many > 2 > few  # 43 sheets are past the default 2 s, 3 are not
    assert exports.estimate_seconds(world.plan, sizing.SHEETS, "csv") is None


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_long_sheets_document_becomes_a_job_that_writes_it_and_mails_its_requester(
    world: World, settings: Settings, fmt: str
) -> None:
    add_sheets(world.plan, 3)
    settings.REPORT_INLINE_MAX_SECONDS = 0  # the three sheets count as long
    url = reverse("reports:action_sheets", args=[world.plan.pk, fmt])
    asked = diana(world).get(url, follow=True)
    job = ReportExport.objects.defer("content").get()
    page = reverse("reports:document_job", args=[world.plan.pk, job.pk])
    assert asked.redirect_chain == [(page, 302)]
    assert (job.kind, job.fmt, job.year) == (ReportExport.Kind.SHEETS, fmt, world.plan.year_start)
    assert f"Schede del Piano di Zona in {fmt.upper()} in preparazione." in asked.text
    assert f"Schede del Piano di Zona {world.plan.code}" in asked.text

    assert exports.prepare(job.pk) == "ready"
    [message] = Message.objects.filter(kind=Message.Kind.DOCUMENT_READY)
    assert (message.recipient, message.target) == (world.diana, f"export:{job.pk}")
    settings.REPORT_INLINE_MAX_SECONDS = 1000
    inline = diana(world).get(url)
    prepared = diana(world).get(reverse("reports:document_download", args=[world.plan.pk, job.pk]))
    assert prepared.status_code == 200
    assert prepared["Content-Type"] == inline["Content-Type"]
    assert (
        prepared["Content-Disposition"]
        == inline["Content-Disposition"]
        == (f'attachment; filename="schede-PEG-2026-2026-2026.{fmt}"')
    )
    if fmt == "pdf":
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(prepared.content)).pages)
        assert "Azione 1" in text and "Azione 3" in text
    else:
        assert prepared.content.startswith(b"PK\x03\x04")


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_sheets_data_stay_in_the_request(world: World, settings: Settings, fmt: str) -> None:
    add_sheets(world.plan, 3)
    settings.REPORT_INLINE_MAX_SECONDS = 0
    response = diana(world).get(reverse("reports:action_sheets", args=[world.plan.pk, fmt]))
    assert response.status_code == 200 and b"Azione 3" in response.content
    assert not ReportExport.objects.exists()
