"""The measurement system (SMVP) in the application, on the demo plan of seed 002 (RP-2021, year 2021): the director
adopts the year's system, then raises the «parzialmente raggiunto» threshold with a motivation. An indicator that
was «parzialmente raggiunto» is «non raggiunto» on the plan's indicators and in the Relazione's data; the version
list shows the change and its motivation, and the audit trail has it. Every new page is checked by axe-core.

The indicator is not named here: it is the first of the plan's indicators at «parzialmente raggiunto» under the
default bands, found by the application's own scoring on the server's database, and the new threshold is the
first whole percentage above its score."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import Audit
from tests.browser.pages import login
from tests.browser.server import Server

pytestmark = pytest.mark.slow

DIRECTOR = "direttore"
PLAN_CODE = "RP-2021"
YEAR = 2021
MOTIVATION = "Il Nucleo di valutazione chiede una fascia intermedia più stretta: delibera n. 12/2021."
INDICATORS_PAGE_SIZE = 50

PARTIAL_INDICATOR = """
import json
from django.contrib.auth.models import User
from evaluation.selectors import system_for
from plans.models import Plan
from plans.scoring import Level
from web.indicators import achievements, indicators_of
from workflow.separation import separation_policy
plan = Plan.objects.get(code={plan!r})
system = system_for(plan.organization_id, {year})
confirms = separation_policy(plan.organization_id).measurements_need_confirmation
listed = list(indicators_of(User.objects.get(username={director!r}), plan))
rows = achievements(listed, {year}, confirms=confirms, rule=system.rule)
index, row = next((i, r) for i, r in enumerate(rows) if r.result.level == Level.PARTIAL)
print(json.dumps({{
    "plan": plan.pk, "organization": plan.organization_id, "index": index, "name": row.indicator.name,
    "objective": row.indicator.objective.code, "score": str(row.result.score), "partial": str(system.partial),
}}))
"""

TRAIL = """
import json
from evaluation.selectors import system_for
from workflow.models import AuditEntry
system = system_for({organization}, {year})
entry = AuditEntry.objects.filter(subject="evaluation.measurementsystem", subject_id=system.pk).latest("pk")
print(json.dumps({{"comment": entry.comment, "actor": entry.actor.username, "source": entry.source,
    "before": str(entry.before.get("partial")), "after": str(entry.after.get("partial"))}}))
"""

RESTORE = """
from django.contrib.auth.models import User
from evaluation.services import measurement_system_save
from plans.models import Organization
measurement_system_save(actor=User.objects.get(username={director!r}), organization=Organization.objects.get(pk={pk}),
    year={year}, values={{"partial": {partial!r}}}, motivation="Ripristino al termine della prova automatica.")
"""


def shell(server: Server, code: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(server.manage("shell", "-c", code).strip().splitlines()[-1])
    return result


def indicator_level(page: Page, name: str) -> str:
    """The «Semaforo» cell of the indicator's row on the plan's indicators page that is open."""
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=name, exact=True))
    return re.sub(r"\s+", " ", row.first.get_by_role("cell").last.inner_text()).strip()


def relazione_level(page: Page, plan_id: int, objective: str, name: str) -> str:
    """The indicator's level in the Relazione's open data (the same build as its PDF, DOCX and XLSX)."""
    answer = page.request.get(f"/piani/{plan_id}/dati-aperti/{YEAR}.json")
    assert answer.ok, answer.status
    data = answer.json()
    found = next(o for o in data["objectives"] if o["code"] == objective)
    level: str = next(i for i in found["indicators"] if i["name"] == name)["level"]
    return level


def test_the_director_changes_a_band_and_the_scores_and_the_relazione_follow(
    new_page: Callable[..., Page], server: Server, axe: Audit
) -> None:
    found = shell(server, PARTIAL_INDICATOR.format(plan=PLAN_CODE, year=YEAR, director=DIRECTOR))
    threshold = int(Decimal(found["score"])) + 1  # the first whole percentage above the indicator's score
    indicators_page = f"/scadenze/indicatori/?plan={found['plan']}&pagina={found['index'] // INDICATORS_PAGE_SIZE + 1}"
    page = new_page("director")
    login(page, DIRECTOR, indicators_page)
    assert indicator_level(page, found["name"]) == "◐ parzialmente raggiunto"
    assert relazione_level(page, found["plan"], found["objective"], found["name"]) == "parzialmente"
    try:
        # From the plan's page to the year's system; the director adopts it.
        page.goto("/piani/")
        page.get_by_role("link", name=re.compile(f"^{re.escape(PLAN_CODE)} ")).click()
        page.get_by_role("link", name=f"Sistema di misurazione {YEAR}").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Sistema di misurazione e valutazione della performance {YEAR}"
        )
        bands = page.get_by_role("table", name="Fasce di raggiungimento")
        expect(bands).to_contain_text("parzialmente raggiunto almeno 80%")
        axe.check(page, "1-system-defaults")
        adoption = page.get_by_role("form", name="Adozione")
        adoption.get_by_label("Adottato il").fill(f"{YEAR}-01-28")
        adoption.get_by_label("Atto di adozione").fill("Delibera del CdA n. 3 del 28/01/2021")
        adoption.get_by_role("button", name="Registra l'adozione").click()
        expect(page.get_by_role("status")).to_contain_text(f"Sistema di misurazione {YEAR} adottato.")
        expect(page.get_by_text("adottato il 28/01/2021")).to_be_visible()

        # Adopted: the change needs its motivation.
        form = page.get_by_role("form", name="Modifica il sistema")
        expect(form.get_by_label("Motivazione della modifica")).to_have_attribute("required", "")
        form.get_by_label("Soglia «parzialmente raggiunto» (%)").fill(str(threshold))
        form.get_by_label("Motivazione della modifica").fill(MOTIVATION)
        form.get_by_role("button", name="Salva il sistema").click()
        expect(page.get_by_role("status")).to_contain_text(f"Sistema di misurazione {YEAR} salvato.")
        expect(page.get_by_role("table", name="Fasce di raggiungimento")).to_contain_text(
            f"parzialmente raggiunto almeno {threshold}%"
        )
        axe.check(page, "2-system-changed")

        # The versions: who, what before and after, why.
        page.get_by_role("link", name="versioni").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Versioni del sistema di misurazione {YEAR}")
        newest = page.get_by_role("listitem").filter(has_text=MOTIVATION).first
        expect(newest).to_contain_text("modificato da Direttore Generale")
        change = newest.get_by_role("row", name=re.compile("parzialmente raggiunto")).get_by_role("cell")
        expect(change.nth(1)).to_have_text("80")
        expect(change.nth(2)).to_have_text(str(threshold))
        axe.check(page, "3-versions")

        # The plan's scores and the Relazione follow.
        page.goto(indicators_page)
        assert indicator_level(page, found["name"]) == "○ non raggiunto"
        axe.check(page, "4-indicators")
        assert relazione_level(page, found["plan"], found["objective"], found["name"]) == "non_raggiunto"

        trail = shell(server, TRAIL.format(organization=found["organization"], year=YEAR))
        assert trail["comment"] == MOTIVATION
        assert (trail["actor"], trail["source"]) == (DIRECTOR, "web")
        assert (Decimal(trail["before"]), Decimal(trail["after"])) == (Decimal(80), Decimal(threshold))
    finally:
        # The other browser tests share the demo: its scores go back to the default bands.
        shell_restore = RESTORE.format(director=DIRECTOR, pk=found["organization"], year=YEAR, partial=found["partial"])
        server.manage("shell", "-c", shell_restore + "\nprint('{}')")
    axe.assert_clean()
