"""Every answer carries a strict Content-Security-Policy, and /api/docs/ comes from the application itself (the
pinned Swagger UI of drf-spectacular-sidecar, its start-up script a file), so that it fits the policy and works
without internet. The browser's side of both is in tests/browser/test_csp.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db

ANSWERS = ["/", "/accedi/", "/password/dimenticata/", "/api/docs/", "/api/docs/?script=", "/admin/login/", "/nessuna/"]
STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Templates rendered into mail or PDF, where no CSP applies (and inline styles are the norm).
NOT_PAGES = {
    "notifications/mail/message.html",
    "reports/relazione.html",
    "reports/action_sheets.html",
    "reports/monitoring.html",
    "reports/validation.html",
    "reports/piao_section.html",
}
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\son[a-z]+\s*=|javascript:|\sstyle\s*=", re.IGNORECASE)


@pytest.mark.parametrize("path", ANSWERS)
def test_every_answer_carries_the_strict_policy(client: Client, path: str) -> None:
    policy = client.get(path)["Content-Security-Policy"]
    directives = dict(directive.strip().split(" ", 1) for directive in policy.split(";"))
    assert {name: directives.get(name) for name in STRICT} == STRICT
    assert "unsafe" not in policy


def test_the_api_docs_come_from_the_application_itself(client: Client) -> None:
    page = client.get("/api/docs/").content.decode()
    sources = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', page)
    assert sources and all(source.startswith("/") for source in sources), sources
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in sources
    assert "/api/docs/?script=" in sources  # the start-up script, a file of its own
    assert not INLINE.search(page)
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")


def test_no_page_template_has_inline_script_handler_or_style() -> None:
    found = []
    for app in ("web", "plans", "workflow", "notifications", "reports", "evaluation"):
        folder = Path(settings.BASE_DIR) / app / "templates"
        for template in folder.rglob("*.html"):
            name = template.relative_to(folder).as_posix()
            if name not in NOT_PAGES:
                found += [f"{app}/templates/{name}: {match}" for match in INLINE.findall(template.read_text())]
    assert found == []
