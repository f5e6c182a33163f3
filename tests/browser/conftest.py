"""Browser tests: a real server with the demo (tests/browser/server.py) and Chromium driven by Playwright.

Every test gets fresh browser contexts (no cookies shared), Italian locale, 1280x900. Screenshots go to
var/test-artifacts/screenshots/<test>-<step>.png; a failing test also gets one of every page it had open.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.browser import server as live
from tests.browser.axe import Audit
from tests.browser.csp import CspWatch
from tests.browser.pages import sign_in_personas
from tests.browser.server import REPO

SCREENSHOTS = REPO / "var" / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright's own browser downloads are not used
# Without these Chromium waits for the network, which is closed here, and for a GPU it does not have.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000

REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


def _failed(node: pytest.Item) -> bool:
    return any(report.failed for report in node.stash.get(REPORTS, {}).values())


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"needs Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def server(chromium_executable: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[live.Server]:
    """Traguardi with the demo, on its own database (`<DATABASE_URL name>_browser`, or SQLite in a tmp dir)."""
    running = live.start(tmp_path_factory.mktemp("traguardi-browser"))
    yield running
    live.stop(running)


@pytest.fixture(scope="session", autouse=True)
def personas(server: live.Server) -> None:
    """The demo people the tests act as, logged in once for the whole session (see pages.PERSONAS)."""
    sign_in_personas(server.url)


@pytest.fixture(scope="package")
def chromium(chromium_executable: str) -> Iterator[Browser]:
    # Package scope, not session: while Playwright's sync API lives it keeps an asyncio loop running in this
    # thread, and Django then refuses database work in it (SynchronousOnlyOperation) in the tests after ours.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def claimed() -> set[int]:
    """Activities a test of this session has taken for itself: another test picks a different one."""
    return set()


class Screenshots:
    def __init__(self, test_name: str):
        self.prefix = re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name).strip("_")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for earlier in SCREENSHOTS.glob(f"{self.prefix}-*.png"):  # a previous run's, failures included
            earlier.unlink()

    def __call__(self, page: Page, step: str) -> Path:
        path = SCREENSHOTS / f"{self.prefix}-{re.sub(r'[^A-Za-z0-9_.-]+', '_', step)}.png"
        page.screenshot(path=path, full_page=True)
        print(f"screenshot: {path}")
        return path


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Screenshots:
    """`shot(page, "step")` saves a full-page screenshot of the step and prints where."""
    return Screenshots(request.node.name)


@pytest.fixture
def axe(shot: Screenshots) -> Audit:
    """`axe.check(page, "step")` screenshots the step and runs axe-core; `axe.assert_clean()` at the end."""
    return Audit(shot)


@pytest.fixture
def csp(server: live.Server) -> CspWatch:
    """What the browser saw of the Content-Security-Policy in this test's pages (see tests/browser/csp.py)."""
    return CspWatch(server.url)


@pytest.fixture
def new_page(
    request: pytest.FixtureRequest, chromium: Browser, server: live.Server, shot: Screenshots, csp: CspWatch
) -> Iterator[Callable[..., Page]]:
    """`new_page("who", javascript=True)`: a page in a fresh context of its own (its own cookies). Every page it
    opens must carry the Content-Security-Policy header and have nothing refused by it, or the test fails."""
    contexts: list[tuple[str, BrowserContext]] = []

    def open_page(label: str = "page", *, javascript: bool = True) -> Page:
        context = chromium.new_context(
            base_url=server.url,
            locale="it-IT",
            timezone_id="Europe/Rome",
            viewport=VIEWPORT,  # type: ignore[arg-type]
            java_script_enabled=javascript,
        )
        context.set_default_timeout(TIMEOUT_MS)
        csp.attach(context)
        contexts.append((label, context))
        return context.new_page()

    yield open_page
    failed = _failed(request.node)
    if failed:  # a 500 leaves its traceback there
        print(f"the server's last words ({server.log}):\n{server.server_output(last_lines=40)}")
    for label, context in contexts:
        if failed:
            for number, page in enumerate(context.pages):
                try:
                    shot(page, f"failed-{label}-{number}")
                except Exception as error:  # a screenshot must not hide the test's own failure
                    print(f"no screenshot of {label}: {error}")
        context.close()
    if csp.problems:
        report = "Content-Security-Policy:\n" + "\n".join(csp.problems)
        print(report) if failed else pytest.fail(report)


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page("page")
