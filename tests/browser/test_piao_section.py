"""The PIAO's performance section, in the application: the director opens the PEG 2019 of the demo (seed 001, set in
execution for the test), downloads the section as PDF and DOCX, records the upload to the portal with its protocol,
and finds it on the plan's page. Every page is checked by axe-core. The demo is shared: the upload is removed and
the plan's state restored at the end."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import Audit
from tests.browser.pages import login
from tests.browser.server import Server

pytestmark = pytest.mark.slow

DIRECTOR = "direttore"

START = """
import json
from plans.models import Plan
plan = Plan.objects.get(code="PEG-2019")
state = plan.state
Plan.objects.filter(pk=plan.pk).update(state="in_execution")
print(json.dumps({"plan": plan.pk, "state": state}))
"""

UPLOADS = """
import json
from reports.models import PiaoUpload
from workflow.models import AuditEntry
uploads = PiaoUpload.objects.filter(plan__code="PEG-2019")
rows = list(uploads.values_list("pk", "uploaded_on", "note", "recorded_by__username"))
audited = AuditEntry.objects.filter(subject="reports.piaoupload", subject_id__in=[r[0] for r in rows]).count()
print(json.dumps({"rows": [[str(r[1]), r[2], r[3]] for r in rows], "audited": audited}))
"""

RESTORE = """
from plans.models import Plan
from reports.models import PiaoUpload
PiaoUpload.objects.filter(plan__code="PEG-2019").delete()
Plan.objects.filter(code="PEG-2019").update(state={state!r})
print("{{}}")
"""


def shell(server: Server, code: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(server.manage("shell", "-c", code).strip().splitlines()[-1])
    return result


def test_the_director_downloads_the_section_and_records_the_upload(
    new_page: Callable[..., Page], server: Server, axe: Audit
) -> None:
    started = shell(server, START)
    try:
        page = new_page("director")
        login(page, DIRECTOR, f"/piani/{started['plan']}/")
        expect(page.get_by_text("non ancora caricata sul portale")).to_be_visible()
        page.get_by_role("link", name="Sezione Performance del PIAO").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Sezione Performance del PIAO")
        axe.check(page, "1-piao-page")
        for fmt, content_type in (("PDF", "application/pdf"), ("DOCX", "wordprocessingml")):
            href = page.get_by_role("link", name=f"Sezione Performance ({fmt})").get_attribute("href")
            answer = page.request.get(str(href))
            assert answer.ok and content_type in answer.headers["content-type"]

        form = page.get_by_role("form", name="Segna come caricato sul portale")
        form.get_by_label("Caricato sul portale il").fill("2019-01-31")
        form.get_by_label("Nota o protocollo (facoltativo)").fill("Ricevuta del portale n. 2019/123")
        form.get_by_role("button", name="Segna come caricato sul portale").click()
        expect(page.get_by_role("status")).to_contain_text("Registrato il caricamento sul portale del 31/01/2019.")
        expect(page.get_by_role("table", name="Caricamenti registrati, dal più recente")).to_contain_text(
            "Ricevuta del portale n. 2019/123"
        )
        axe.check(page, "2-upload-recorded")
        page.get_by_role("link", name="PEG-2019", exact=True).click()
        expect(page.get_by_text("caricata sul portale il 31/01/2019")).to_be_visible()

        uploads = shell(server, UPLOADS)
        assert uploads["rows"] == [["2019-01-31", "Ricevuta del portale n. 2019/123", DIRECTOR]]
        assert uploads["audited"] == 1
    finally:
        server.manage("shell", "-c", RESTORE.format(state=started["state"]))
    axe.assert_clean()
