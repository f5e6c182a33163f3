"""A document job's page in a real browser: the director follows a Relazione being prepared (its stage and an
accessible progress bar, checked by axe-core); when the worker stores it, the page shows the download link by
itself: through htmx with JavaScript, through its own refresh without. The job is written into the demo's
database as a worker would write it, and removed at the end."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import Audit
from tests.browser.pages import login
from tests.browser.server import Server

pytestmark = pytest.mark.slow

DIRECTOR = "direttore"
FILENAME = "relazione-RP-2021-2021.xlsx"

START = """
import datetime as dt, json
from django.contrib.auth.models import User
from django.utils import timezone
from plans.models import Plan
from reports.models import ReportExport
plan = Plan.objects.get(code="RP-2021")
now = timezone.now()
job = ReportExport.objects.create(
    plan=plan, kind="relazione", year=2021, fmt="xlsx", requested_by=User.objects.get(username="direttore"),
    status="running", stage="rendering", started_at=now, stage_at=now - dt.timedelta(seconds=10),
    estimate_seconds=40.0, attempts=1, lease_until=now + dt.timedelta(minutes=30),
)
print(json.dumps({"plan": plan.pk, "job": job.pk}))
"""

FINISH = """
from django.utils import timezone
from reports.models import ReportExport
content = b"PK\\x03\\x04 prepared by the test"
ReportExport.objects.filter(pk={job}).update(
    status="ready", stage="done", content=content, size=len(content), filename={filename!r},
    finished_at=timezone.now(), lease_until=None,
)
print("{{}}")
"""

REMOVE = """
from reports.models import ReportExport
ReportExport.objects.filter(pk={job}).delete()
print("{{}}")
"""


def shell(server: Server, code: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(server.manage("shell", "-c", code).strip().splitlines()[-1])
    return result


def test_the_director_follows_the_job_until_the_download_link_appears(
    new_page: Callable[..., Page], server: Server, axe: Audit
) -> None:
    started = shell(server, START)
    url = f"/piani/{started['plan']}/documenti/{started['job']}/"
    try:
        page = new_page("director")
        login(page, DIRECTOR, url)
        expect(page.get_by_role("heading", level=1)).to_have_text("Relazione sulla Performance 2021 (XLSX)")
        expect(page.get_by_text("composizione del documento")).to_be_visible()
        bar = page.get_by_role("progressbar", name=re.compile(r"^Avanzamento: \d+%$"))
        expect(bar).to_be_visible()
        assert 10 < int(str(bar.get_attribute("value"))) < 95  # 10 s of an estimated 40 s
        axe.check(page, "1-job-running")

        plain = new_page("director-no-js", javascript=False)
        login(plain, DIRECTOR, url)
        expect(plain.get_by_role("progressbar")).to_be_visible()

        shell(server, FINISH.format(job=started["job"], filename=FILENAME))
        link = page.get_by_role("link", name=re.compile(rf"^Scarica {re.escape(FILENAME)}"))
        expect(link).to_be_visible(timeout=15_000)  # htmx asks every 2 s and swaps the section in
        expect(page.get_by_role("progressbar")).to_have_count(0)
        axe.check(page, "2-job-ready")
        # Without JavaScript the page reloads itself every 5 s while the job runs.
        expect(plain.get_by_role("link", name=re.compile(rf"^Scarica {re.escape(FILENAME)}"))).to_be_visible(
            timeout=20_000
        )
        answer = page.request.get(str(link.get_attribute("href")))
        assert answer.ok and answer.body().startswith(b"PK\x03\x04")
        axe.assert_clean()
    finally:
        shell(server, REMOVE.format(job=started["job"]))
