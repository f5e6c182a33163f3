"""The legal calendar of the cycle in the application: the demo's director opens «Scadenze di legge» from the
menu, reads the year's deadlines with their law, moves to another year; the OIV sees the same page. Every page
is checked by axe-core."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import Audit
from tests.browser.pages import login

pytestmark = pytest.mark.slow


def test_the_director_and_the_oiv_read_the_year_s_legal_calendar(new_page: Callable[..., Page], axe: Audit) -> None:
    year = dt.date.today().year
    page = new_page("director")
    login(page, "direttore", "/")
    page.get_by_role("navigation", name="Menu principale").get_by_role("link", name="Scadenze di legge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Scadenze di legge del ciclo della performance nel {year}"
    )
    table = page.get_by_role("table", name=f"Scadenze che cadono nel {year}")
    piano = table.get_by_role("row").filter(has_text=f"Adozione del Piano della performance / PIAO {year}").first
    expect(piano).to_contain_text(f"31/01/{year}")
    expect(piano).to_contain_text("art. 6, c. 1, D.L. 80/2021")
    expect(table.get_by_role("row").filter(has_text=f"Relazione sulla performance {year - 1}").first).to_contain_text(
        f"30/06/{year}"
    )
    axe.check(page, "1-this-year")

    page.get_by_role("link", name=str(year + 1)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Scadenze di legge del ciclo della performance nel {year + 1}"
    )
    axe.check(page, "2-next-year")

    oiv = new_page("oiv")
    login(oiv, "oiv", "/scadenze-di-legge/?anno=anno")
    expect(oiv.get_by_role("alert")).to_contain_text(
        f"«anno» non è un anno tra il 2000 e il 2100: è mostrato il {year}."
    )
    expect(oiv.get_by_role("heading", level=1)).to_have_text(
        f"Scadenze di legge del ciclo della performance nel {year}"
    )
    axe.check(oiv, "3-oiv-wrong-year")
    axe.assert_clean()
