"""The plan's life in the application: the demo's director opens a draft plan of his body, is told what is wrong
when the adoption's act is missing, adopts it with the act and its date, then starts its execution; the page shows
the state and the history of the steps, and every page is checked by axe-core. The draft is the test's own (the
demo's plans are shared with the other browser tests) and goes away at the end."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import Audit
from tests.browser.pages import login
from tests.browser.server import Server

pytestmark = pytest.mark.slow

DIRECTOR = "direttore"
CODE = "PEG-VITA-PROVA"
ACT = "Delibera di Giunta n. 12 del 20/01/2027"

DRAFT = """
import json
from plans.models import OrganizationRole, Plan
role = OrganizationRole.objects.filter(user__username={director!r}, role="director").first()
plan = Plan.objects.create(organization_id=role.organization_id, code={code!r}, kind="peg",
    title="PEG di prova della vita del piano", year_start=2027, year_end=2027)
print(json.dumps({{"plan": plan.pk, "state": plan.state}}))
"""

TRAIL = """
import json
from workflow.models import AuditEntry
rows = AuditEntry.objects.filter(subject="plans.plan", subject_id={plan}, after__has_key="state").order_by("pk")
print(json.dumps([[row.after["state"], row.actor.username if row.actor else None, row.source] for row in rows]))
"""

REMOVE = """
from plans.models import Plan
Plan.objects.filter(pk={plan}, code={code!r}).delete()
print("{{}}")
"""


def shell(server: Server, code: str) -> Any:
    return json.loads(server.manage("shell", "-c", code).strip().splitlines()[-1])


def test_the_director_adopts_and_starts_a_draft_plan(new_page: Callable[..., Page], server: Server, axe: Audit) -> None:
    plan = shell(server, DRAFT.format(director=DIRECTOR, code=CODE))["plan"]
    try:
        page = new_page("director")
        login(page, DIRECTOR, f"/piani/{plan}/")
        life = page.get_by_role("region", name="Vita del piano")
        expect(life).to_contain_text("Stato: Bozza")
        axe.check(page, "1-draft")

        # The act forgotten: the form again, the problem next to its field.
        adoption = page.get_by_role("form", name="Adotta il piano")
        adoption.get_by_label("Data dell'atto").fill("2027-01-20")
        adoption.get_by_role("button", name="Adotta").click()
        expect(page.get_by_role("alert").first).to_contain_text("L'adozione non è stata registrata")
        expect(page.get_by_label("Atto di adozione")).to_have_attribute("aria-invalid", "true")
        expect(page.get_by_text("Indica l'atto di adozione")).to_be_visible()
        axe.check(page, "2-adoption-refused")

        adoption = page.get_by_role("form", name="Adotta il piano")
        adoption.get_by_label("Atto di adozione").fill(ACT)
        adoption.get_by_label("Data dell'atto").fill("2027-01-20")
        adoption.get_by_role("button", name="Adotta").click()
        expect(page.get_by_role("status").first).to_have_text("Fatto: il piano ora è «Adottato».")
        life = page.get_by_role("region", name="Vita del piano")
        expect(life).to_contain_text(f"Stato: Adottato · adottato con {ACT} del 20/01/2027")
        axe.check(page, "3-adopted")

        page.get_by_role("form", name="Avvia l'esecuzione del piano").get_by_role(
            "button", name="Avvia l'esecuzione"
        ).click()
        expect(page.get_by_role("status").first).to_have_text("Fatto: il piano ora è «In esecuzione».")
        life = page.get_by_role("region", name="Vita del piano")
        expect(life).to_contain_text("Stato: In esecuzione")
        expect(life.get_by_role("form", name=re.compile("Chiudi l'anno"))).to_be_visible()
        steps = life.get_by_role("listitem")
        expect(steps.filter(has_text="Bozza → Adottato")).to_contain_text(ACT)
        expect(steps.filter(has_text="Adottato → In esecuzione")).to_have_count(1)
        axe.check(page, "4-in-execution")

        steps_in_trail = shell(server, TRAIL.format(plan=plan))
        assert steps_in_trail[0][0] == "draft"  # created by the test's command
        assert steps_in_trail[1:] == [["adopted", DIRECTOR, "web"], ["in_execution", DIRECTOR, "web"]]
    finally:
        server.manage("shell", "-c", REMOVE.format(plan=plan, code=CODE))
    axe.assert_clean()
