"""What a person does on the pages, said once: log in and out, find their open activities, ask for a change."""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import re
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from playwright.sync_api import Locator, Page, expect

if TYPE_CHECKING:
    from playwright._impl._api_structures import SetCookieParam

DEMO_PASSWORD = "demo"
OPEN_STATE_LABELS = ("Programmato", "Avviato")
# The demo people the tests act as. Each logs in once per session, all at the same time, before the first
# test (the server hashes passwords slowly on purpose); test_login.py goes through the form itself.
PERSONAS = (
    "direttore",
    "resp-area-inclusione-e-reti-territoriali",
    "staff-area-inclusione-e-reti-territoriali-1",
    "staff-area-inclusione-e-reti-territoriali-2",
    "resp-area-disabili-anziani",
    "staff-area-disabili-anziani-1",
    "staff-area-direzione-2",
)
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

_sessions: dict[str, list[SetCookieParam]] = {}


def _http_login(base_url: str, username: str) -> list[SetCookieParam]:
    """Log in with the login form over plain HTTP: the session cookies it sets."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base_url}/accedi/", timeout=30) as answer:
        token = CSRF_FIELD.search(answer.read().decode())
    assert token, "no CSRF token in the login form"
    credentials = {"csrfmiddlewaretoken": token[1], "username": username, "password": DEMO_PASSWORD}
    with opener.open(f"{base_url}/accedi/", data=urlencode(credentials).encode(), timeout=30) as answer:
        assert urlsplit(answer.url).path == "/", f"{username} was not logged in: {answer.url}"
    return [{"name": cookie.name, "value": cookie.value or "", "url": base_url} for cookie in jar]


def sign_in_personas(base_url: str) -> None:
    with ThreadPoolExecutor(max_workers=len(PERSONAS)) as pool:
        sessions = pool.map(lambda username: _http_login(base_url, username), PERSONAS)
        _sessions.update(zip(PERSONAS, sessions, strict=True))


def _home_heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1, name=re.compile(r"^(Buongiorno|Buon pomeriggio|Buonasera), "))


def login_with_form(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/accedi/")
    page.get_by_label("Nome utente").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Accedi").click()
    expect(_home_heading(page)).to_be_visible()


def login(page: Page, username: str, path: str = "/") -> None:
    """Be `username` in this page's context and open `path` (their home page by default): with the session
    the persona opened at the start, or through the form for anybody else."""
    cookies = _sessions.get(username)
    if cookies:
        page.context.add_cookies(cookies)
        page.goto(path)
    else:
        login_with_form(page, username)
        if path != "/":
            page.goto(path)
    expect(page.get_by_role("button", name="Esci")).to_be_visible()  # the header of a logged-in person


def logout(page: Page) -> None:
    page.get_by_role("button", name="Esci").click()
    expect(page.get_by_role("link", name="Accedi").first).to_be_visible()


@dataclass(frozen=True)
class MyActivity:
    pk: int
    description: str
    state: str


def my_activities(page: Page) -> list[MyActivity]:
    """The activities listed on /le-mie-attivita/ for the person logged in."""
    if not page.url.endswith("/le-mie-attivita/"):
        page.goto("/le-mie-attivita/")
    expect(page.get_by_role("heading", level=1, name="Le mie attività")).to_be_visible()
    found = []
    for article in page.get_by_role("article").all():
        link = article.get_by_role("heading", level=2).get_by_role("link")
        href = link.get_attribute("href") or ""
        match = re.search(r"/attivita/(\d+)/", href)
        assert match, f"an activity without its page link: {href!r}"
        state = article.locator(".tg-state").inner_text().strip()
        found.append(MyActivity(int(match[1]), " ".join(link.inner_text().split()), state))
    return found


def claim_open_activity(page: Page, claimed: set[int]) -> MyActivity:
    """The first open activity of the person logged in that no other test has taken in this session."""
    for item in my_activities(page):
        if item.state in OPEN_STATE_LABELS and item.pk not in claimed:
            claimed.add(item.pk)
            return item
    raise AssertionError(f"no open activity left for this person on {page.url} (taken: {sorted(claimed)})")


def postponement_form(page: Page) -> Locator:
    return page.get_by_role("form", name=re.compile(r"^Rinvia"))


def request_postponement(page: Page, activity: MyActivity, reason: str, new_end: dt.date) -> str:
    """On the activity's page, ask to postpone it; the code of the objective it belongs to."""
    if not page.url.endswith(f"/attivita/{activity.pk}/"):
        page.goto(f"/attivita/{activity.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(activity.description)
    form = postponement_form(page)
    expect(form).to_contain_text("richiede approvazione")
    form.get_by_label("Motivo").fill(reason)
    form.get_by_label("Nuova scadenza").fill(new_end.isoformat())
    form.get_by_label("Commento").fill("Chiedo il rinvio: vedi il motivo.")
    form.get_by_role("button", name="Rinvia").click()
    expect(page.get_by_role("status").filter(has_text="Richiesta inviata: ora attende l'approvazione.")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Richiesta di rinvio in corso")).to_contain_text(
        "attende responsabile d'area"
    )
    crumb = page.get_by_role("navigation", name="Percorso").get_by_role("link", name=re.compile(r"^Obiettivo "))
    return crumb.inner_text().removeprefix("Obiettivo ").strip()
