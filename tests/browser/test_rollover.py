"""Next year's plan, in the application: the director opens the closed PEG 2019 of the demo (seed 001), sees the
preview of what comes along, keeps the proposed code and creates the 2020 draft; its page names its origin and the
old plan's page names the new one. The 2020 targets are seed 001's 2020 column, read from the YAML file. Every page
is checked by axe-core. The demo is shared: the draft is removed and the plan's state restored at the end."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Page, expect

from tests.browser.axe import Audit
from tests.browser.pages import login
from tests.browser.server import Server

pytestmark = pytest.mark.slow

DIRECTOR = "direttore"
SEED_001 = Path(__file__).resolve().parents[2] / "plans" / "demo" / "peg-2019.yaml"

CLOSE = """
import json
from plans.models import Plan
plan = Plan.objects.get(code="PEG-2019")
state = plan.state
Plan.objects.filter(pk=plan.pk).update(state="closed")
print(json.dumps({"plan": plan.pk, "state": state}))
"""

TARGETS_2020 = """
import json
from plans.models import IndicatorTarget, Plan
draft = Plan.objects.get(code="PEG-2020")
rows = IndicatorTarget.objects.filter(indicator__objective__plan=draft, year=2020).select_related("indicator")
targets = [[t.indicator.objective.code, t.indicator.position, t.raw] for t in rows]
print(json.dumps({"state": draft.state, "origin": draft.rolled_over_from.code, "targets": targets}))
"""

RESTORE = """
from plans.models import Objective, Plan
drafts = Plan.objects.filter(code="PEG-2020", rolled_over_from__code="PEG-2019")
Objective.objects.filter(plan__in=drafts).update(parent=None)  # the tree protects a parent from its children
drafts.delete()
Plan.objects.filter(code="PEG-2019").update(state={state!r})
print("{{}}")
"""


def shell(server: Server, code: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(server.manage("shell", "-c", code).strip().splitlines()[-1])
    return result


def column_2020() -> list[list[Any]]:
    document = yaml.safe_load(SEED_001.read_text(encoding="utf-8"))
    return sorted(
        [objective["code"], position, str(target["value"])]
        for objective in document["objectives"]
        for position, indicator in enumerate(objective.get("indicators", []), start=1)
        for target in indicator.get("targets", [])
        if target["year"] == 2020
    )


def test_the_director_rolls_the_2019_peg_over_to_a_2020_draft(
    new_page: Callable[..., Page], server: Server, axe: Audit
) -> None:
    closed = shell(server, CLOSE)
    try:
        page = new_page("director")
        login(page, DIRECTOR, f"/piani/{closed['plan']}/")
        axe.check(page, "1-closed-plan")
        page.get_by_role("link", name="Crea il piano dell'anno successivo").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Crea il piano dell'anno successivo")
        preview = page.get_by_role("region", name="Cosa viene riportato")
        expect(preview).to_contain_text("7 obiettivi")
        expect(preview).to_contain_text("25 indicatori")
        expect(preview).to_contain_text("3 indicatori non hanno un valore atteso per il 2020")
        form = page.get_by_role("form", name="Il nuovo piano")
        expect(form.get_by_label("Codice del nuovo piano")).to_have_value("PEG-2020")
        expect(form.get_by_label("Titolo del nuovo piano")).to_have_value("Piano Esecutivo di Gestione 2020")
        axe.check(page, "2-rollover-form")

        form.get_by_role("button", name="Crea il piano in bozza").click()
        expect(page.get_by_role("status")).to_contain_text("Creato il piano «PEG-2020» in bozza")
        expect(page.get_by_role("heading", level=1)).to_have_text("Piano Esecutivo di Gestione 2020")
        expect(page.get_by_text("Creato dal piano")).to_be_visible()
        axe.check(page, "3-draft")

        page.get_by_role("link", name="PEG-2019", exact=True).click()
        expect(page.get_by_role("link", name="PEG-2020", exact=True)).to_be_visible()
        expect(page.get_by_role("link", name="Crea il piano dell'anno successivo")).to_have_count(0)

        draft = shell(server, TARGETS_2020)
        assert (draft["state"], draft["origin"]) == ("draft", "PEG-2019")
        assert sorted(draft["targets"]) == column_2020()
    finally:
        server.manage("shell", "-c", RESTORE.format(state=closed["state"]))
    axe.assert_clean()
