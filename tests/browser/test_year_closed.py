"""The closing of a year, end to end on the demo's RP-2021 (issue 17's must-show): while the plan is in execution its
2021 items are late on the director's dashboard and a monitoring run would ask about them. The director closes
the year from the plan's page; the OIV validates it with observations on the validation page. Then everybody
tries to change it, and each gets a clear refusal that changes nothing:
- a staff member (a transition), the area head (a value) and the director (the objective's report), each on a
  page they had opened while the year was still only closed, and the director in the admin;
- the API (a transition with the staff member's token): 409 plan_frozen;
- `manage.py import_plan` of the plan's file: exit 1 with the reason;
- a raw SQL UPDATE as the application's database role: refused by the database.
The dashboard no longer lists the 2021 items as late, and a monitoring run plans nothing for them. Every page is
checked by axe-core. The demo goes back to its state afterwards (a superuser's reopening, then its demo state)."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import Audit
from tests.browser.demo_year import restore_year, shell_json
from tests.browser.pages import login
from tests.browser.server import REPO, Server
from tests.roles import APPLICATION_ROLE
from workflow.models.validation import DEFAULT_CRITERIA

pytestmark = pytest.mark.slow

PLAN_CODE = "RP-2021"
PLAN_FILE = REPO / "plans" / "demo" / "relazione-2021.yaml"
STAFF = "staff-area-inclusione-e-reti-territoriali-1"
HEAD = "resp-area-inclusione-e-reti-territoriali"
DIRECTOR = "direttore"
AUDITOR = "oiv"
OBSERVATIONS = "Le fonti degli indicatori di accesso ai servizi vanno citate nella Relazione."
REFUSAL = re.compile(r"Il piano «RP-2021» è stato validato dall'OIV: i suoi dati non si possono più modificare")
READ_ONLY = re.compile(r"Piano validato: sola lettura")
NEW_TITLE = "Titolo riscritto dopo la validazione"

# The plan in execution (the demo's state at its reference date), the items each person will try to change,
# what they hold now, and the director given the admin for this test (a group with the plans' permissions).
SETUP = """
import json
from django.contrib.auth.models import Group, Permission, User
from plans.models import Plan
from plans.rules import visible_activities, visible_indicators, visible_objectives
from workflow.tokens import token_create
from workflow.selectors import available_transitions
plan = Plan.objects.get(code={plan!r})
staff, head, director = (User.objects.get(username=name) for name in ({staff!r}, {head!r}, {director!r}))
activities = visible_activities(staff).filter(objective__plan=plan).select_related("objective__plan").order_by("pk")
activity = next(a for a in activities if available_transitions(staff, a))
api_activity = next(a for a in activities if a.pk != activity.pk and available_transitions(staff, a))
indicator = visible_indicators(head).filter(objective__plan=plan).order_by("pk").first()
objective = visible_objectives(director).filter(plan=plan).order_by("pk").first()
office, _ = Group.objects.get_or_create(name="Ufficio informatico (prova della chiusura)")
office.permissions.set(Permission.objects.filter(content_type__app_label="plans"))
director.groups.add(office)
User.objects.filter(pk=director.pk).update(is_staff=True)
_, token = token_create(user=staff)
print(json.dumps({{"plan": plan.pk, "state": plan.state, "act": plan.adoption_act,
    "adopted_on": plan.adopted_on.isoformat() if plan.adopted_on else None,
    "activity": activity.pk, "activity_state": activity.state,
    "api_activity": api_activity.pk, "api_transition": available_transitions(staff, api_activity)[0]["transition"],
    "api_state": api_activity.state, "indicator": indicator.pk, "objective": objective.pk,
    "objective_title": objective.title, "measurements": indicator.measurements.count(),
    "reports": objective.reports.count(), "token": token}}))
"""

FOOTPRINT = """
import json
from plans.models import Activity, Indicator, Objective, Plan
objective = Objective.objects.get(pk={objective})
print(json.dumps({{"state": Plan.objects.get(code={plan!r}).state,
    "activity_state": Activity.objects.get(pk={activity}).state,
    "api_state": Activity.objects.get(pk={api_activity}).state,
    "measurements": Indicator.objects.get(pk={indicator}).measurements.count(),
    "reports": objective.reports.count(), "objective_title": objective.title}}))
"""

# A monitoring round of the plan's body, planned today and rolled back: which of the plan's activities it would ask
# about. The round is for the first month from today's that has none yet (other tests may have planned this one).
MONITORING = """
import datetime as dt, json
from django.db import transaction
from notifications.models import Message, MonitoringRound
from notifications.monitoring import month_start, plan_round
from plans.models import Activity, Plan
plan = Plan.objects.select_related("organization").get(code={plan!r})
plan_activities = set(Activity.objects.filter(objective__plan=plan).values_list("pk", flat=True))
today = dt.date.today()
month = month_start(today)
while MonitoringRound.objects.filter(organization=plan.organization, month=month).exists():
    month = month_start(month + dt.timedelta(days=31))
with transaction.atomic():
    before = list(Message.objects.values_list("pk", flat=True))
    plan_round(plan.organization, month, today)
    planned = list(Message.objects.filter(kind=Message.Kind.MONITORING).exclude(pk__in=before))
    asked = sorted({{a for m in planned for a in m.context.get("activities", []) if a in plan_activities}})
    transaction.set_rollback(True)
print(json.dumps({{"planned": len(planned), "asked": asked}}))
"""

RAW_UPDATE = """
import json
from django.db import connection, transaction
from plans.models import Objective
with connection.cursor() as cursor:
    cursor.execute("SELECT current_user")
    role = cursor.fetchone()[0]
error = ""
try:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE plans_objective SET title = %s WHERE id = %s", [{title!r}, {objective}])
except Exception as exc:
    error = str(exc).splitlines()[0]
print(json.dumps({{"role": role, "error": error, "title": Objective.objects.get(pk={objective}).title}}))
"""

# What SETUP gave the director and the staff member, taken back.
UNDO_SETUP = """
import json
from django.contrib.auth.models import Group, User
from knox.models import AuthToken
User.objects.filter(username={director!r}).update(is_staff=False)
Group.objects.filter(name="Ufficio informatico (prova della chiusura)").delete()
AuthToken.objects.filter(user__username={staff!r}).delete()
print(json.dumps({{"done": True}}))
"""


@pytest.fixture
def year(server: Server) -> Iterator[dict[str, Any]]:
    found = shell_json(server, SETUP.format(plan=PLAN_CODE, staff=STAFF, head=HEAD, director=DIRECTOR))
    assert found["state"] == "in_execution", found
    try:
        yield found
    finally:
        before = {"state": found["state"], "act": found["act"], "adopted_on": found["adopted_on"]}
        restore_year(
            server,
            PLAN_CODE,
            before,
            motivation="Fine della prova della chiusura dell'anno",
            act="Verbale di prova n. 2",
        )
        shell_json(server, UNDO_SETUP.format(director=DIRECTOR, staff=STAFF))


def _late_heading(page: Page, plan: int) -> str:
    page.goto(f"/scadenze/?plan={plan}")
    return page.get_by_role("heading", level=2, name=re.compile(r"^\d+ scaden")).inner_text()


def _late_count(heading: str) -> int:
    return int(heading.split(" ", 1)[0])


def _transition_forms(page: Page) -> Any:
    return page.get_by_role("region", name="Cambia stato").locator("form")


def _api_transition(server: Server, year: dict[str, Any]) -> tuple[int, str]:
    request = urllib.request.Request(
        f"{server.url}/api/activities/{year['api_activity']}/transitions/",
        data=json.dumps({"transition": year["api_transition"]}).encode(),
        headers={"Authorization": f"Token {year['token']}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode()


def _oiv_validates_with_observations(page: Page, axe: Audit, plan: int) -> None:
    login(page, AUDITOR, f"/piani/{plan}/")
    expect(page.locator(".tg-plan-state")).to_have_text("Chiuso")
    page.get_by_role("link", name="Validazione della Relazione (OIV)").click()
    page.get_by_role("button", name="Apri la validazione").click()
    for title, _description in DEFAULT_CRITERIA:
        page.get_by_role("group", name=title, exact=True).get_by_label("soddisfatto", exact=True).check(force=True)
    page.get_by_label("Osservazioni generali").fill(OBSERVATIONS)
    page.get_by_label("Validata con osservazioni").check(force=True)
    axe.check(page, "4-oiv-checklist")
    page.get_by_role("button", name="Registra l'esito").click()
    expect(page.get_by_text("Esito registrato: Relazione validata con osservazioni.")).to_be_visible()
    axe.check(page, "5-oiv-recorded")


def test_a_validated_year_refuses_every_change_and_is_no_longer_late_or_monitored(
    new_page: Callable[..., Page], server: Server, axe: Audit, year: dict[str, Any]
) -> None:
    plan = year["plan"]

    # In execution: its 2021 items are late today, and a monitoring run would ask about its open activities.
    director = new_page("director")
    login(director, DIRECTOR, "/")
    late_before = _late_count(_late_heading(director, plan))
    assert late_before > 0
    axe.check(director, "1-late-in-execution")
    monitoring_before = shell_json(server, MONITORING.format(plan=PLAN_CODE))
    assert monitoring_before["asked"], monitoring_before

    # The director closes the year from the plan's page.
    director.goto(f"/piani/{plan}/")
    director.get_by_role("button", name="Chiudi l'anno (consuntivo)").click()
    expect(director.locator(".tg-plan-state")).to_have_text("Chiuso")
    axe.check(director, "2-closed")

    # While the year is closed, each has a page open with something to change.
    staff = new_page("staff")
    login(staff, STAFF, f"/attivita/{year['activity']}/")
    expect(_transition_forms(staff).first).to_be_visible()
    head = new_page("head")
    login(head, HEAD, f"/indicatori/{year['indicator']}/")
    record = head.get_by_role("form", name="Registra un valore")
    record.get_by_label("Anno").select_option("2021")
    record.get_by_label("Valore rilevato").fill("99")
    director.goto(f"/obiettivi/{year['objective']}/")
    report = director.get_by_role("form", name="Scrivi o aggiorna la relazione")
    report.get_by_label("Relazione", exact=True).fill("Un consuntivo riscritto dopo la validazione.")
    admin = new_page("admin")
    login(admin, DIRECTOR, "/")
    admin.goto(f"/admin/plans/objective/{year['objective']}/change/")
    admin.locator("#id_title").fill(NEW_TITLE)

    # The OIV validates the year with observations.
    oiv = new_page("oiv")
    _oiv_validates_with_observations(oiv, axe, plan)

    # The staff member asks for the transition: refused, with why; the page is read-only now.
    _transition_forms(staff).first.get_by_role("button").click()
    expect(staff.get_by_role("alert")).to_contain_text(REFUSAL)
    expect(staff.get_by_role("status").filter(has_text=READ_ONLY)).to_be_visible()
    expect(_transition_forms(staff)).to_have_count(0)
    axe.check(staff, "6-staff-refused")

    # The area head records the value: refused, no form any more.
    record.get_by_role("button", name="Registra il valore").click()
    expect(head.get_by_role("alert")).to_contain_text(REFUSAL)
    expect(head.get_by_role("form", name="Registra un valore")).to_have_count(0)
    axe.check(head, "7-head-refused")

    # The director saves the objective's report: refused; no report form.
    report.get_by_role("button", name="Salva la relazione").click()
    expect(director.get_by_role("alert")).to_contain_text(REFUSAL)
    expect(director.get_by_role("form", name="Scrivi o aggiorna la relazione")).to_have_count(0)
    axe.check(director, "8-director-refused")

    # The director saves the objective in the admin: nothing changed, and the row is read-only now.
    admin.locator("input[name=_save]").click()
    expect(admin.get_by_text("Nulla è cambiato: il piano di questa riga è validato.")).to_be_visible()
    admin.goto(f"/admin/plans/objective/{year['objective']}/change/")
    expect(admin.get_by_text(READ_ONLY).first).to_be_visible()
    expect(admin.locator("input[name=_save]")).to_have_count(0)

    # The API: 409 plan_frozen in the one error shape, with the reason.
    status, body = _api_transition(server, year)
    assert status == 409 and "plan_frozen" in body, body
    assert REFUSAL.search(json.dumps(json.loads(body), ensure_ascii=False)), body

    # import_plan of the plan's own file: refused with the reason, exit 1.
    with pytest.raises(RuntimeError) as imported:
        server.manage("import_plan", str(PLAN_FILE))
    assert "failed (1)" in str(imported.value) and REFUSAL.search(str(imported.value)), imported.value

    # A raw SQL UPDATE as the application's role: the database refuses it.
    raw = shell_json(server, RAW_UPDATE.format(title=NEW_TITLE, objective=year["objective"]))
    assert raw["role"] == APPLICATION_ROLE
    assert raw["error"].startswith("plan_frozen"), raw
    assert raw["title"] == year["objective_title"]

    # Nothing was written by anyone.
    after = shell_json(
        server,
        FOOTPRINT.format(
            plan=PLAN_CODE,
            objective=year["objective"],
            activity=year["activity"],
            api_activity=year["api_activity"],
            indicator=year["indicator"],
        ),
    )
    assert after == {
        "state": "validated",
        "activity_state": year["activity_state"],
        "api_state": year["api_state"],
        "measurements": year["measurements"],
        "reports": year["reports"],
        "objective_title": year["objective_title"],
    }

    # The dashboard no longer lists the 2021 items as late, and says why; a monitoring run asks nothing.
    heading = _late_heading(director, plan)
    assert _late_count(heading) == 0, heading
    expect(director.get_by_role("status").filter(has_text="solo i piani adottati o in esecuzione")).to_be_visible()
    axe.check(director, "9-not-late")
    monitoring_after = shell_json(server, MONITORING.format(plan=PLAN_CODE))
    assert monitoring_after["asked"] == [], monitoring_after
    axe.assert_clean()
