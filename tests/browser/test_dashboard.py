"""The director's dashboard of slipped deadlines (/scadenze/) on the demo plan of seed 002, RP-2021.

What must be there is read from plans/demo/relazione-2021.yaml: the activities whose Tempi and Consuntivo
are both plain months («Dicembre», «Febbraio 2022»). Each is late by the end of its Consuntivo month minus
the end of its Tempi month, and is not listed when that is not positive. Only rows no other browser test
can change are checked: the activities concluded at the demo's reference date, and one open activity of
staff-area-direzione-1, whom no other test acts as.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser import demo
from tests.browser.axe import Audit
from tests.browser.conftest import Screenshots
from tests.browser.pages import login

pytestmark = pytest.mark.slow

PLAN = "RP-2021"
AREA = "DIR"
OPEN_AND_LATE = demo.activity("RP21-DIR-1", "Condivisione in sede di Assemblea consortile")
ON_TIME = demo.activity("RP21-DIR-1", "Costruzioni rappresentanze Gruppo Tecnico - Politico")
MIN_DAYS_LATE = 100

READ_RESULTS = """section => [...section.querySelectorAll("table")].flatMap(table => {
  const clean = text => text.replace(/\\s+/g, " ").trim();
  const headers = [...table.querySelectorAll("thead th")].map(th => clean(th.textContent));
  const caption = clean(table.caption ? table.caption.textContent : "");
  return [...table.querySelectorAll("tbody tr")].map(tr => {
    const row = {"Area": caption};
    [...tr.cells].forEach((cell, index) => { row[headers[index]] = clean(cell.textContent); });
    return row;
  });
})"""


def checked_late() -> list[demo.DemoActivity]:
    late = [item for item in demo.plain_activities() if item.concluded_at_reference and item.days_late > 0]
    return [*late, OPEN_AND_LATE]


def checked_on_time() -> list[demo.DemoActivity]:
    return [item for item in demo.plain_activities() if item.concluded_at_reference and item.days_late == 0]


def results(page: Page) -> Locator:
    return page.get_by_role("region", name=re.compile(r"scaden(za|ze) mancat[ae]"))


def result_rows(page: Page) -> list[dict[str, str]]:
    """Every row of the results, page after page (50 a page): the «Successiva» link, with htmx or without."""
    rows: list[dict[str, Any]] = results(page).evaluate(READ_RESULTS)
    following = results(page).get_by_role("link", name="Successiva")
    while following.count():
        position = results(page).get_by_text(re.compile(r"^Pagina \d+ di \d+$"))
        shown = position.inner_text()
        following.click()
        expect(position).not_to_have_text(shown)
        rows += results(page).evaluate(READ_RESULTS)
    return rows


def rows_of(rows: list[dict[str, str]], item: demo.DemoActivity) -> list[dict[str, str]]:
    return [
        row
        for row in rows
        if row["Obiettivo"].startswith(f"{item.objective_code} · ")
        and row["Obiettivo"].endswith(PLAN)
        and row["Elemento"].startswith(item.description[:60])
    ]


def assert_listed(rows: list[dict[str, str]], item: demo.DemoActivity) -> None:
    found = rows_of(rows, item)
    assert len(found) == 1, f"{item.objective_code} «{item.description[:60]}…»: {len(found)} rows"
    row = found[0]
    expected = {
        "Area": f"{demo.area_names()[item.areas[0]]} (",
        "Stato": "Concluso" if item.concluded_at_reference else "Avviato",
        "Tempi": item.planned_raw,
        "Consuntivo": item.actual_raw,
        "Giorni di ritardo": str(item.days_late),
    }
    shown = {key: row[key] for key in expected}
    shown["Area"] = row["Area"][: len(expected["Area"])]
    assert shown == expected, f"{item.objective_code} «{item.description[:60]}…»"


def choose(select: Locator, text: str) -> None:
    """Select the option whose text contains `text` (labels carry more than the code)."""
    value = select.locator("option", has_text=text).first.get_attribute("value")
    assert value, f"no option «{text}» in {select}"
    select.select_option(value=value)


def open_plan_results(page: Page) -> None:
    """The dashboard starts on the most recent live plan, the demo's live year: choose RP-2021."""
    if not page.url.endswith("/scadenze/"):
        page.goto("/scadenze/")
    plan = page.get_by_label("Piano", exact=True)
    default = plan.evaluate("select => select.options[select.selectedIndex].text")
    if PLAN not in default:
        choose(plan, PLAN)
        page.get_by_role("button", name="Filtra").click()
    expect(page.get_by_role("heading", level=2, name=re.compile(rf"scaden.* — {PLAN}"))).to_be_visible()


def test_director_sees_the_slipped_deadlines_of_seed_002(page: Page, axe: Audit) -> None:
    login(page, "direttore", "/scadenze/")
    open_plan_results(page)
    expect(page.locator("#puntualita figure").first).to_be_visible()  # the chart, asked by htmx after the list
    axe.check(page, "rp-2021", open_details=True)  # the numbers behind each chart too
    rows = result_rows(page)
    assert {row["Obiettivo"].rsplit(" ", 1)[-1] for row in rows} == {PLAN}  # "<code> · <title> <plan>"
    for item in checked_late():
        assert_listed(rows, item)
    assert ON_TIME in checked_on_time()
    for item in checked_on_time():
        assert not rows_of(rows, item), f"on time, yet listed: {item.objective_code} «{item.description[:60]}…»"
    count = page.get_by_role("heading", level=2, name=re.compile(r"^\d+ scaden")).inner_text()
    assert count.startswith(f"{len(rows)} "), count
    axe.assert_clean()


def assert_narrowed_to_direzione(rows: list[dict[str, str]], before: int, minimum: int = 0) -> None:
    area = demo.area_names()[AREA]
    assert rows, "nothing left after filtering"
    assert len(rows) < before
    assert all(row["Area"].startswith(f"{area} (") for row in rows), {row["Area"] for row in rows}
    assert all(int(row["Giorni di ritardo"]) >= minimum for row in rows)
    for item in checked_late():
        if AREA in item.areas and item.days_late >= minimum:
            assert_listed(rows, item)
        else:
            assert not rows_of(rows, item), f"still listed: {item.objective_code} «{item.description[:60]}…»"


def heading_count(page: Page) -> Locator:
    return page.get_by_role("heading", level=2, name=re.compile(r"^\d+ scaden"))


def test_filters_narrow_the_list_with_htmx(page: Page, shot: Screenshots) -> None:
    login(page, "direttore", "/scadenze/")
    open_plan_results(page)
    before = len(result_rows(page))
    count = heading_count(page).inner_text()

    with page.expect_response(lambda response: "area=" in response.url) as swapped:
        choose(page.get_by_label("Area", exact=True), demo.area_names()[AREA])
    assert swapped.value.request.headers.get("hx-request") == "true", "the filter did not go through htmx"
    expect(heading_count(page)).not_to_have_text(count)
    expect(page).to_have_url(re.compile(r"/scadenze/\?.*area=\d+"))  # hx-push-url: the filtered page has an address
    shot(page, "area")
    assert_narrowed_to_direzione(result_rows(page), before)

    by_area = len(result_rows(page))
    page.get_by_label("Giorni di ritardo, almeno").fill(str(MIN_DAYS_LATE))
    with page.expect_response(lambda response: f"min_days_late={MIN_DAYS_LATE}" in response.url):
        page.get_by_role("button", name="Filtra").click()
    expect(heading_count(page)).not_to_have_text(re.compile(rf"^{by_area} "))
    shot(page, "min-days")
    assert_narrowed_to_direzione(result_rows(page), by_area, MIN_DAYS_LATE)


def test_filters_work_without_javascript(new_page: Callable[..., Page], shot: Screenshots) -> None:
    page = new_page("no-js", javascript=False)
    login(page, "direttore", "/scadenze/")
    open_plan_results(page)
    before = len(result_rows(page))
    choose(page.get_by_label("Area", exact=True), demo.area_names()[AREA])
    page.get_by_label("Giorni di ritardo, almeno").fill(str(MIN_DAYS_LATE))
    page.get_by_role("button", name="Filtra").click()
    expect(page).to_have_url(re.compile(rf"/scadenze/\?.*area=\d+.*min_days_late={MIN_DAYS_LATE}"))
    shot(page, "filtered")
    assert_narrowed_to_direzione(result_rows(page), before, MIN_DAYS_LATE)
    # The chart, which htmx would load after the list, is a link to its own page with the plan and the area.
    page.get_by_role("link", name="Attività concluse in tempo e in ritardo, per area e mese").click()
    expect(page).to_have_url(re.compile(r"/scadenze/puntualita/\?plan=\d+&area=\d+$"))
    expect(page.get_by_role("heading", level=1, name="Puntualità per area e mese")).to_be_visible()
    expect(page.locator("figure").first).to_be_visible()
    shot(page, "punctuality")


def test_an_invalid_filter_says_what_is_wrong(page: Page, axe: Audit) -> None:
    login(page, "direttore", "/scadenze/")
    days = page.get_by_label("Giorni di ritardo, almeno")
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url) if "/scadenze/?" in request.url else None)
    days.fill("-5")
    page.get_by_role("button", name="Filtra").click()
    # The browser stops it (min=0) and says why; htmx sends nothing either, on «change» or on «submit».
    assert days.evaluate("input => input.validity.rangeUnderflow && input.validationMessage !== ''")
    assert sent == []

    response = page.goto("/scadenze/?min_days_late=-5")  # the server refuses it too, and says where
    assert response is not None and response.status == 400
    refused = page.get_by_role("alert")
    expect(refused).to_contain_text("Alcuni filtri non sono validi")
    expect(refused).to_contain_text("Giorni di ritardo, almeno")
    expect(page.get_by_label("Giorni di ritardo, almeno")).to_have_value("-5")
    axe.check(page, "refused")
    axe.assert_clean()


def indicator_rows(page: Page) -> list[dict[str, str]]:
    section = page.get_by_role("region", name=re.compile(r"^Indicatori \d{4}: atteso e consuntivo"))
    rows: list[dict[str, Any]] = section.evaluate(READ_RESULTS)
    return rows


def test_the_indicators_of_the_plan_are_one_link_away_with_the_same_filters(page: Page, axe: Audit) -> None:
    login(page, "direttore", "/scadenze/")
    open_plan_results(page)
    with page.expect_response(lambda response: "area=" in response.url):
        choose(page.get_by_label("Area", exact=True), demo.area_names()[AREA])
    link = page.get_by_role("link", name=re.compile(r"^Valore atteso, consuntivo, raggiungimento e semaforo"))
    expect(link).to_have_attribute("href", re.compile(r"area=\d+"))  # htmx has swapped the filtered results in
    link.click()
    expect(page).to_have_url(re.compile(r"/scadenze/indicatori/\?plan=\d+&area=\d+$"))
    expect(page.get_by_role("heading", level=1, name="Indicatori: atteso e consuntivo")).to_be_visible()
    rows = indicator_rows(page)
    assert rows, "no indicator listed for the area"
    assert all(row["Area"].startswith(PLAN) for row in rows), {row["Area"] for row in rows}  # the caption: the plan
    assert all(row["Semaforo"] for row in rows)
    for row in rows:
        assert AREA in demo.objective_areas(row["Obiettivo"]), row
    axe.check(page, "indicators")

    count = page.get_by_text(re.compile(r"^\d+ indicator[ei]$"))
    shown = count.inner_text()
    with page.expect_response(lambda response: "/scadenze/indicatori/?" in response.url) as swapped:
        page.get_by_label("Area", exact=True).select_option(value="")  # Tutte
    assert swapped.value.request.headers.get("hx-request") == "true", "the filter did not go through htmx"
    expect(count).not_to_have_text(shown)
    assert len(indicator_rows(page)) > len(rows)
    page.get_by_role("link", name="Torna alle scadenze mancate").click()
    expect(page.get_by_role("heading", level=2, name=re.compile(rf"scaden.* — {PLAN}"))).to_be_visible()
    axe.assert_clean()
