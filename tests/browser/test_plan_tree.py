"""The plan tree a page at a time, in a real browser: with JavaScript the pager and the «Mostra altre attività»
link swap parts of the page (htmx; the page is not reloaded), without it the same links are plain pages. Every
step is checked by axe-core. The plan is the test's own draft in the demo director's body (30 objectives in two
strategic areas, the first with 45 activities), removed at the end."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.axe import Audit
from tests.browser.pages import login
from tests.browser.server import Server

pytestmark = pytest.mark.slow

DIRECTOR = "direttore"
CODE = "PEG-ALBERO-PROVA"

BUILD = """
import json
from plans.models import Activity, Objective, OrganizationRole, Plan
role = OrganizationRole.objects.filter(user__username={director!r}, role="director").first()
plan = Plan.objects.create(organization_id=role.organization_id, code={code!r}, kind="peg",
    title="PEG di prova dell'albero", year_start=2027, year_end=2027)
objectives = Objective.objects.bulk_create(
    Objective(plan=plan, code=f"ALB-{{n:02d}}", number=n, title=f"Obiettivo dell'albero {{n}}",
              strategic_area=("Ambiente" if n <= 15 else "Comunità"))
    for n in range(1, 31))
Activity.objects.bulk_create(
    Activity(objective=objective, position=p, description=f"Fase {{p}} di {{objective.code}}", planned_raw="Dicembre")
    for objective in objectives for p in range(1, (46 if objective.number == 1 else 3)))
print(json.dumps({{"plan": plan.pk, "first": objectives[0].pk}}))
"""

REMOVE = """
from plans.models import Plan
Plan.objects.filter(pk={plan}, code={code!r}).delete()
print("{{}}")
"""

# Set before a click, still there after it: the page was not reloaded (htmx swapped a part of it).
MARK = "() => { window.treeMark = 'same page'; }"
MARKED = "() => window.treeMark === 'same page'"


def shell(server: Server, code: str) -> Any:
    return json.loads(server.manage("shell", "-c", code).strip().splitlines()[-1])


def tree(page: Page) -> Locator:
    return page.get_by_role("region", name="Aree strategiche, obiettivi, attività e indicatori")


def objective(page: Page, code: str) -> Locator:
    return tree(page).locator("details details").filter(has=page.locator("summary", has_text=code)).first


@pytest.fixture
def plan(server: Server) -> Any:
    built = shell(server, BUILD.format(director=DIRECTOR, code=CODE))
    yield built
    shell(server, REMOVE.format(plan=built["plan"], code=CODE))


def test_with_javascript_the_tree_pages_and_expands_in_place(
    new_page: Callable[..., Page], plan: Any, axe: Audit
) -> None:
    page = new_page("director")
    login(page, DIRECTOR, f"/piani/{plan['plan']}/")
    expect(tree(page)).to_contain_text("Obiettivi da 1 a 25 di 30.")
    expect(tree(page)).to_contain_text("Ambiente (15)")
    axe.check(page, "1-first-page", open_details=True)
    page.evaluate(MARK)

    # The next page of objectives: the tree's section only, the address follows.
    tree(page).get_by_role("link", name="Successiva").click()
    expect(tree(page)).to_contain_text("Pagina 2 di 2")
    expect(tree(page)).to_contain_text("Obiettivo dell'albero 30")
    expect(tree(page)).not_to_contain_text("Obiettivo dell'albero 1:")
    assert "pagina_albero=2" in page.url and page.evaluate(MARKED)
    expect(page.get_by_role("heading", level=1)).to_have_text("PEG di prova dell'albero")
    axe.check(page, "2-second-page", open_details=True)
    tree(page).get_by_role("link", name="Precedente").click()
    expect(tree(page)).to_contain_text("Pagina 1 di 2")

    # The first objective's other activities, twenty at a time, in place.
    first = objective(page, "Obiettivo 1")
    first.locator("summary").click()
    expect(first.get_by_text("Fase 20 di ALB-01")).to_be_visible()
    expect(first.get_by_text("Fase 21 di ALB-01")).to_have_count(0)
    first.get_by_role("link", name="Mostra altre attività (20 di 45 mostrate)").click()
    expect(first.get_by_text("Fase 40 di ALB-01")).to_be_visible()
    first.get_by_role("link", name="Mostra altre attività (40 di 45 mostrate)").click()
    expect(first.get_by_text("Fase 45 di ALB-01")).to_be_visible()
    expect(first.get_by_role("link", name=re.compile("Mostra altre attività"))).to_have_count(0)
    expect(first.get_by_role("listitem").filter(has_text=re.compile(r"^Fase \d+ di ALB-01"))).to_have_count(45)
    assert page.evaluate(MARKED)
    axe.check(page, "3-all-activities")
    # The page the same link opens without JavaScript.
    page.goto(f"/obiettivi/{plan['first']}/attivita/?pagina=2")
    expect(page.get_by_text("Attività da 21 a 40 di 45.")).to_be_visible()
    axe.check(page, "4-activities-page-2")
    axe.assert_clean()


def test_without_javascript_the_same_links_are_plain_pages(
    new_page: Callable[..., Page], plan: Any, axe: Audit
) -> None:
    page = new_page("director, no JavaScript", javascript=False)
    login(page, DIRECTOR, f"/piani/{plan['plan']}/")
    tree(page).get_by_role("link", name="Successiva").click()
    expect(tree(page)).to_contain_text("Obiettivi da 26 a 30 di 30.")
    assert page.url.endswith("?pagina_albero=2#albero")
    axe.shot(page, "1-second-page")  # axe-core needs JavaScript: it checks the same pages in the test above

    page.goto(f"/piani/{plan['plan']}/")
    first = objective(page, "Obiettivo 1")
    first.locator("summary").click()  # <details> open without JavaScript
    first.get_by_role("link", name="Mostra altre attività (20 di 45 mostrate)").click()
    expect(page).to_have_url(re.compile(rf"/obiettivi/{plan['first']}/attivita/\?pagina=2$"))
    expect(page.get_by_text("Attività da 21 a 40 di 45.")).to_be_visible()
    expect(page.get_by_text("Fase 21 di ALB-01")).to_be_visible()
    axe.shot(page, "2-activities-page-2")
    page.get_by_role("link", name="Successiva").click()
    expect(page.get_by_text("Attività da 41 a 45 di 45.")).to_be_visible()
    expect(page.get_by_role("link", name="Successiva")).to_have_count(0)
    page.get_by_role("link", name="Precedente").click()
    expect(page.get_by_text("Fase 40 di ALB-01")).to_be_visible()
