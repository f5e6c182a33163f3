"""The plan page shows the body's score of the year with the band's words, and its explanation opens in place;
the plan's scores page (where every "perché" leads) and an objective's score pass axe. On the demo's RP-2021
(seed 002), whose body has a score for 2021 under the default measurement system."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import Audit
from tests.browser.pages import login

pytestmark = pytest.mark.slow

# "Ente: 87,3% ◐ parzialmente raggiunto": whatever the other browser tests recorded, a figure and a band.
BODY_SCORE = re.compile(r"^Ente:\s+\d{1,3},\d%\s+\S\s+(raggiunto|parzialmente raggiunto|non raggiunto)")


def test_the_plan_page_shows_the_body_score_and_opens_its_explanation(page: Page, axe: Audit) -> None:
    login(page, "direttore", "/piani/")
    page.get_by_role("link", name=re.compile(r"^RP-2021")).click()
    scores = page.get_by_role("region", name="Punteggi 2021")
    body = scores.locator("details#ente")
    summary = body.locator("summary")
    expect(summary).to_have_text(BODY_SCORE)
    explanation = body.get_by_text(re.compile(r"obiettivi misurabili su \d+"))
    expect(explanation).to_be_hidden()
    summary.click()
    expect(explanation).to_be_visible()
    axe.check(page, "plan-scores-open")

    scores.get_by_role("link", name=re.compile(r"^Tutti i punteggi 2021")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Punteggi 2021: Relazione sulla Performance 2021")
    expect(page.locator("#ente")).to_be_visible()
    axe.check(page, "scores-page")

    page.get_by_role("link", name="Obiettivo RP21-DIR-1", exact=True).click()
    expect(page.get_by_role("region", name="Punteggio 2021")).to_contain_text("Obiettivo:")
    axe.check(page, "objective-score")
    axe.assert_clean()
