"""The Content-Security-Policy as the browser meets it: every page the tests open must come with the header, and
nothing on it may be refused by the policy (an inline script or style, a file from elsewhere)."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, ConsoleMessage, Response

# Added by Playwright to every document of the context, as an init script (which the CSP does not govern): each
# violation becomes a console error, besides Chromium's own console report.
REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (event) => {
  console.error(`CSP violation: ${event.violatedDirective} refused ${event.blockedURI || 'inline code'}`
    + ` (${event.sourceFile || 'the page'}:${event.lineNumber})`);
});
"""
VIOLATION_MARKS = ("Content Security Policy", "CSP violation")


class CspWatch:
    """Attach it to a context; `problems` then lists each page without the header and each violation reported."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.problems: list[str] = []

    def attach(self, context: BrowserContext) -> None:
        context.add_init_script(script=REPORT_VIOLATIONS)
        context.on("response", self._response)
        context.on("console", self._console)

    def _response(self, response: Response) -> None:
        if response.request.resource_type != "document" or not response.url.startswith(self.base_url):
            return
        if not response.headers.get("content-security-policy"):
            self.problems.append(f"no Content-Security-Policy header: {response.url} ({response.status})")

    def _console(self, message: ConsoleMessage) -> None:
        if any(mark in message.text for mark in VIOLATION_MARKS):
            where = message.page.url if message.page else "?"
            self.problems.append(f"{where}: {message.text}")
