"""A phone's screen (390 px wide) in a real browser: the main menu folds behind a «Menu» button that says
whether it is open, opens and closes it; on the dashboard the days late are the second column, on screen without
scrolling. On a wide screen the menu is open and the button absent. axe-core checks each state."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.browser.axe import Audit
from tests.browser.pages import login
from tests.browser.test_dashboard import open_plan_results, results

pytestmark = pytest.mark.slow

PHONE = ViewportSize(width=390, height=844)


def test_on_a_phone_the_menu_is_behind_a_button_and_the_days_late_are_on_screen(
    new_page: Callable[..., Page], axe: Audit
) -> None:
    page = new_page("phone")
    page.set_viewport_size(PHONE)
    login(page, "direttore", "/")
    navigation = page.get_by_role("navigation", name="Menu principale")
    button = navigation.get_by_role("button", name="Menu")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(navigation.get_by_role("link", name="Scadenze mancate")).to_be_hidden()
    axe.check(page, "1-menu-closed")

    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(navigation.get_by_role("link", name="Scadenze mancate")).to_be_visible()
    axe.check(page, "2-menu-open")
    navigation.get_by_role("link", name="Scadenze mancate").click()

    open_plan_results(page)
    # Once the punctuality chart, which htmx brings in after the list, is there: until then the page changes under
    # the measure (the box of a cell seen a moment before came back None). And the results' own table, not the
    # chart's tables of numbers.
    expect(page.locator("#puntualita figure").first).to_be_visible()
    days = results(page).get_by_role("table").first.get_by_role("cell").nth(1)
    expect(days).to_be_visible()
    box = days.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"], box
    axe.check(page, "3-dashboard-phone")

    page.set_viewport_size(ViewportSize(width=1280, height=900))
    expect(button).to_be_hidden()
    expect(navigation.get_by_role("link", name="Scadenze mancate")).to_be_visible()


def test_without_javascript_the_menu_is_simply_open(new_page: Callable[..., Page]) -> None:
    page = new_page("phone-no-js", javascript=False)
    page.set_viewport_size(PHONE)
    login(page, "direttore", "/")
    navigation = page.get_by_role("navigation", name="Menu principale")
    expect(navigation.get_by_role("button", name="Menu")).to_be_hidden()
    expect(navigation.get_by_role("link", name="Scadenze mancate")).to_be_visible()
