"""Each role's home in a real browser on the demo, with a screenshot and axe-core: the director's (slipped
deadlines by area with their trend, objectives at risk, indicators below target with the list behind them,
approvals), an area head's, a staff member's (the late first) and the OIV's (the plans awaiting validation, no card
of activities)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import Audit
from tests.browser.pages import login

pytestmark = pytest.mark.slow
INDICATORS = "Indicatori sotto il traguardo"


@pytest.mark.parametrize(
    ("person", "cards"),
    [
        ("direttore", ["Scadenze mancate", "Obiettivi a rischio", INDICATORS, "Approvazioni", "Le mie attività"]),
        (
            "resp-area-direzione",
            ["Scadenze mancate", "Obiettivi a rischio", INDICATORS, "Approvazioni", "Le mie attività"],
        ),
        ("staff-area-finanziaria-1", ["Le mie attività"]),
        ("oiv", ["Relazioni da validare", "Scadenze mancate"]),
    ],
)
def test_each_role_s_home_says_what_to_do(
    new_page: Callable[..., Page], axe: Audit, person: str, cards: list[str]
) -> None:
    page = new_page(person)
    login(page, person, "/")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=2)).to_have_text(cards)
    if "Scadenze mancate" in cards:
        areas = main.get_by_role("table", name="Per area")
        if person != "oiv":
            expect(areas.get_by_role("row").nth(1).get_by_role("link")).to_be_visible()
    if INDICATORS in cards:  # the demo's live year, scored as make demo does after loading it
        below = main.get_by_role("region", name=INDICATORS).get_by_role(
            "link", name=re.compile(r"^PEG-\d{4}: \d+ indicator")
        )
        expect(below).to_be_visible()
        below.click()
        expect(page.get_by_label("Esito")).to_have_value("below")
        expect(page.get_by_role("table").get_by_role("row")).not_to_have_count(1)
        page.go_back()
    axe.check(page, f"home-{person}")
