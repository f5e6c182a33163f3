"""axe-core in the page under test: WCAG 2.1 A and AA, the level the Italian guidelines (AgID) require."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import axe_playwright_python
from playwright.sync_api import Page

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
HTML_CHARS = 160
# Opens every <details>, so that what they hide is checked too.
OPEN_ALL_DETAILS = "() => document.querySelectorAll('details').forEach(details => { details.open = true; })"


@cache
def _axe_source() -> str:
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """The WCAG 2.1 A/AA violations axe-core finds in the page as it is now. It needs JavaScript on."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, not added as a <script>: the pages' CSP refuses inline scripts.
        page.evaluate(_axe_source())
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    result: dict[str, Any] = page.evaluate("options => axe.run(document, options)", options)
    return list(result["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    """Each violation: rule id, impact, help and link; then each offending element, its target and HTML."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']} — {violation['helpUrl']}")
        for node in violation["nodes"]:
            html = " ".join(node["html"].split())
            html = html if len(html) <= HTML_CHARS else html[: HTML_CHARS - 1] + "…"
            lines.append(f"    {' '.join(map(str, node['target']))}: {html}")
            summary = " ".join(node.get("failureSummary", "").split())
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Fail with every WCAG 2.1 A/AA violation of the page."""
    violations = axe_violations(page)
    assert not violations, f"axe-core: {len(violations)} WCAG 2.1 A/AA violations on {page.url}\n{describe(violations)}"


class Audit:
    """axe on page after page of a test, each step screenshotted; `assert_clean()` then fails once with
    everything found, so that one run shows every page's problems and the test's other checks still run."""

    def __init__(self, shot: Callable[[Page, str], Path]):
        self.shot = shot
        self.problems: list[str] = []

    def check(self, page: Page, step: str, *, open_details: bool = False) -> None:
        """Screenshot the step, then run axe; with `open_details`, on what every <details> hides too
        (opened after the screenshot, which they would make long and slow)."""
        self.shot(page, step)
        if open_details:
            page.evaluate(OPEN_ALL_DETAILS)
        violations = axe_violations(page)
        if violations:
            self.problems.append(f"{step} ({page.url}): {len(violations)} violations\n{describe(violations)}")

    def assert_clean(self) -> None:
        assert not self.problems, "axe-core, WCAG 2.1 A/AA:\n\n" + "\n\n".join(self.problems)
