"""The freeze on the pages, on the demo's RP-2021: the director closes the year and the OIV validates it (through
the services, plan_close and plan_validate). A staff member, the area head and the director each had a page open
with something to change while the year was still closed: a transition, a value, the objective's report. Each
submits it after the validation and is told, in Italian, that the plan was validated by the OIV and why nothing
changed; each page then shows «Piano validato: sola lettura» with the date, and no control that writes. Nothing
was written. Every page is checked by axe-core.

The plan goes back to its state after the test (a superuser's reopening, as in production, then its demo state),
so that the other browser tests find the demo as it was."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import Audit
from tests.browser.demo_year import close_year, restore_year, shell_json
from tests.browser.pages import login
from tests.browser.server import Server

pytestmark = pytest.mark.slow

STAFF = "staff-area-inclusione-e-reti-territoriali-1"
HEAD = "resp-area-inclusione-e-reti-territoriali"
DIRECTOR = "direttore"
AUDITOR = "oiv"
PLAN_CODE = "RP-2021"
REFUSAL = re.compile(r"Il piano «RP-2021» è stato validato dall'OIV: i suoi dati non si possono più modificare")
READ_ONLY = re.compile(r"Piano validato: sola lettura \(validazione dell'OIV del \d{2}/\d{2}/\d{4}\)")

# The items each person will try to change on the closed year, and what they hold now.
ITEMS = """
import json
from django.contrib.auth.models import User
from plans.models import Plan
from plans.rules import visible_activities, visible_indicators, visible_objectives
from workflow.selectors import available_transitions
plan = Plan.objects.get(code={plan!r})
staff, head = User.objects.get(username={staff!r}), User.objects.get(username={head!r})
director = User.objects.get(username={director!r})
activities = visible_activities(staff).filter(objective__plan=plan).select_related("objective__plan").order_by("pk")
activity = next(a for a in activities if available_transitions(staff, a))
indicator = visible_indicators(head).filter(objective__plan=plan).order_by("pk").first()
objective = visible_objectives(director).filter(plan=plan).order_by("pk").first()
print(json.dumps({{"activity": activity.pk, "indicator": indicator.pk,
    "objective": objective.pk, "activity_state": activity.state,
    "measurements": indicator.measurements.count(), "reports": objective.reports.count()}}))
"""

VALIDATE = """
from django.contrib.auth.models import User
from plans.models import Plan
from workflow.services.plan_lifecycle import plan_validate
plan_validate(actor=User.objects.get(username={auditor!r}), plan=Plan.objects.get(code={plan!r}))
print("validated")
"""

FOOTPRINT = """
import json
from plans.models import Activity, Indicator, Objective, Plan
print(json.dumps({{"state": Plan.objects.get(code={plan!r}).state,
    "activity_state": Activity.objects.get(pk={activity}).state,
    "measurements": Indicator.objects.get(pk={indicator}).measurements.count(),
    "reports": Objective.objects.get(pk={objective}).reports.count()}}))
"""


@pytest.fixture
def closed_year(server: Server) -> Iterator[dict[str, Any]]:
    closed = close_year(
        server, PLAN_CODE, director=DIRECTOR, act="Delibera di Giunta n. 9/2021", adopted_on="2021-01-29"
    )
    try:
        yield shell_json(server, ITEMS.format(plan=PLAN_CODE, director=DIRECTOR, staff=STAFF, head=HEAD))
    finally:
        restore_year(
            server,
            PLAN_CODE,
            closed["before"],
            motivation="Fine della prova della validazione",
            act="Verbale di prova n. 1",
        )


def _transition_forms(page: Page) -> Any:
    return page.get_by_role("region", name="Cambia stato").locator("form")


def test_staff_head_and_director_are_refused_on_a_validated_year(
    new_page: Callable[..., Page], server: Server, axe: Audit, closed_year: dict[str, Any]
) -> None:
    ids = closed_year

    # While the year is closed, each has a page open with something to change.
    staff = new_page("staff")
    login(staff, STAFF, f"/attivita/{ids['activity']}/")
    expect(_transition_forms(staff).first).to_be_visible()
    head = new_page("head")
    login(head, HEAD, f"/indicatori/{ids['indicator']}/")
    record = head.get_by_role("form", name="Registra un valore")
    record.get_by_label("Anno").select_option("2021")
    record.get_by_label("Valore rilevato").fill("99")
    director = new_page("director")
    login(director, DIRECTOR, f"/obiettivi/{ids['objective']}/")
    report = director.get_by_role("form", name="Scrivi o aggiorna la relazione")
    report.get_by_label("Relazione", exact=True).fill("Un consuntivo riscritto dopo la validazione.")

    # The OIV validates the year.
    assert "validated" in server.manage("shell", "-c", VALIDATE.format(auditor=AUDITOR, plan=PLAN_CODE))

    # The staff member asks for the transition: refused, with why; the page is read-only now.
    _transition_forms(staff).first.get_by_role("button").click()
    expect(staff.get_by_role("alert")).to_contain_text(REFUSAL)
    expect(staff.get_by_role("status").filter(has_text=READ_ONLY)).to_be_visible()
    expect(_transition_forms(staff)).to_have_count(0)
    axe.check(staff, "1-staff-refused")

    # The area head records the value: refused, nothing recorded, no form any more.
    record.get_by_role("button", name="Registra il valore").click()
    expect(head.get_by_role("alert")).to_contain_text(REFUSAL)
    expect(head.get_by_role("status").filter(has_text=READ_ONLY)).to_be_visible()
    expect(head.get_by_role("form", name="Registra un valore")).to_have_count(0)
    axe.check(head, "2-head-refused")

    # The director saves the objective's report: refused; no report form, no transition.
    report.get_by_role("button", name="Salva la relazione").click()
    expect(director.get_by_role("alert")).to_contain_text(REFUSAL)
    expect(director.get_by_role("status").filter(has_text=READ_ONLY)).to_be_visible()
    expect(director.get_by_role("form", name="Scrivi o aggiorna la relazione")).to_have_count(0)
    expect(_transition_forms(director)).to_have_count(0)
    expect(director.get_by_text("Il piano è validato: nessun cambio di stato.")).to_be_visible()
    axe.check(director, "3-director-refused")

    # The plan's page says it too.
    director.get_by_role("link", name=PLAN_CODE, exact=True).click()
    expect(director.get_by_role("status").filter(has_text=READ_ONLY)).to_be_visible()
    axe.check(director, "4-plan-read-only")
    axe.assert_clean()

    after = shell_json(
        server,
        FOOTPRINT.format(
            plan=PLAN_CODE, activity=ids["activity"], indicator=ids["indicator"], objective=ids["objective"]
        ),
    )
    assert after == {
        "state": "validated",
        "activity_state": ids["activity_state"],
        "measurements": ids["measurements"],
        "reports": ids["reports"],
    }
