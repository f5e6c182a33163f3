"""A rimodulazione in the application, in a body of its own (so that the demo the other browser tests share is not
touched): the area head asked to raise a target of an adopted plan; the director finds it in the approvals inbox,
gives the act and approves; the plan's versions list version 2 with its motivation and act, and the difference page
shows the old and the new target. Every page is checked by axe-core."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import Audit
from tests.browser.pages import DEMO_PASSWORD, login_with_form
from tests.browser.server import Server

pytestmark = pytest.mark.slow

DIRECTOR = "direttrice-rimodulazione"
MOTIVATION = "Il fondo regionale finanzia dieci prese in carico in più."
ACT = "Decreto del direttore n. 7"

SETUP = """
import datetime as dt, json
from django.contrib.auth.models import User
from plans.models import Area, Indicator, IndicatorTarget, Objective, Organization, OrganizationRole, Plan
from workflow.services.changes import change_request
from workflow.services.plan_lifecycle import plan_adopt
def person(name, first):
    user, _ = User.objects.get_or_create(username=name, defaults={{"first_name": first, "last_name": "Prova"}})
    user.set_password({password!r}); user.save()
    return user
director, head = person({director!r}, "Dora"), person("responsabile-rimodulazione", "Rita")
body, _ = Organization.objects.get_or_create(slug="prova-rimodulazione", defaults={{"name": "Comune di Prova"}})
OrganizationRole.objects.get_or_create(organization=body, user=director, role="director")
area, _ = Area.objects.get_or_create(organization=body, code="SOC", defaults={{"name": "Servizi sociali",
    "slug": "sociale", "head": head}})
plan = Plan.objects.create(organization=body, code="PEG-RIM-" + str(Plan.objects.count()), kind="peg",
    title="PEG di prova", year_start=2027, year_end=2027)
objective = Objective.objects.create(plan=plan, code="SOC-1", title="Presa in carico unica")
objective.areas.add(area)
indicator = Indicator.objects.create(objective=objective, position=1, name="Utenti presi in carico", unit="n.")
IndicatorTarget.objects.create(indicator=indicator, year=2027, raw="=>10", kind="threshold")
plan_adopt(actor=director, plan=plan, act="Delibera di Giunta n. 12", adopted_on=dt.date(2026, 12, 1))
change_request(actor=head, objective=objective, motivation={motivation!r},
    changes={{"indicators": [{{"id": indicator.pk, "targets": {{"2027": "=>20"}}}}]}})
print(json.dumps({{"plan": plan.pk, "code": plan.code}}))
"""


def shell(server: Server, code: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(server.manage("shell", "-c", code).strip().splitlines()[-1])
    return result


def test_the_director_approves_a_rimodulazione_and_the_difference_page_shows_it(
    new_page: Callable[..., Page], server: Server, axe: Audit
) -> None:
    found = shell(server, SETUP.format(password=DEMO_PASSWORD, director=DIRECTOR, motivation=MOTIVATION))
    page = new_page("director")
    login_with_form(page, DIRECTOR)
    page.goto("/approvazioni/")
    card = page.get_by_role("article").filter(has_text="Rimodulazione")
    expect(card).to_contain_text(MOTIVATION)
    changes = card.get_by_role("table", name=re.compile("Modifiche chieste"))
    expect(changes.get_by_role("row", name=re.compile("valore atteso 2027"))).to_contain_text("=>20")
    axe.check(page, "1-inbox")
    card.get_by_label("Atto di approvazione").fill(ACT)
    card.get_by_label("Data dell'atto").fill("2026-12-04")
    card.get_by_role("button", name="Approva").click()
    expect(page.get_by_role("status").filter(has_text="Approvata e applicata: rimodulazione")).to_be_visible()

    page.goto(f"/piani/{found['plan']}/")
    page.get_by_role("link", name="Versioni del piano e rimodulazioni").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Versioni del piano {found['code']}")
    second = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="2", exact=True))
    expect(second).to_contain_text(MOTIVATION)
    expect(second).to_contain_text(f"{ACT} del 04/12/2026")
    axe.check(page, "2-versions")

    page.get_by_label("Dalla versione", exact=True).fill("1")
    page.get_by_label("Alla versione", exact=True).fill("2")
    page.get_by_role("button", name="Confronta").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dalla versione 1 alla versione 2")
    row = page.get_by_role("row", name=re.compile("valore atteso 2027")).get_by_role("cell")
    expect(row.nth(0)).to_have_text("=>10")
    expect(row.nth(1)).to_have_text("=>20")
    expect(page.get_by_text(MOTIVATION)).to_be_visible()
    axe.check(page, "3-difference")
    axe.assert_clean()
