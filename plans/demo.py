"""The demo: the three seed documents as plans, with users for every role, each plan moved by the demo
director through its life (workflow.services.plan_lifecycle) to the state its years imply at the reference
date: a plan whose years are all past is closed, one whose years include the reference date's is in
execution, one still to come is adopted. The adoption act is the document's, or "Delibera di Giunta (demo)".

Besides them, a live year (`live_year_document`): seed 002's objectives as this year's plan of the same body, their
months moved to this year and their states as of today, so that the dashboard, the reminders, the monthly round
and the forecast show what a body sees in a normal month."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import transaction

from plans.importing import ImportResult, import_plan_file
from plans.models import Activity, Area, Objective, OrganizationRole, Plan, PlanState
from plans.parsing import parse_time

DEMO_DIR = Path(__file__).resolve().parent / "demo"
DEMO_FILES = ("relazione-2021.yaml", "peg-2019.yaml", "piano-di-zona.yaml")
STAFF_PER_AREA = 2
DEMO_ACT = "Delibera di Giunta (demo)"
LIVE_SOURCE = "relazione-2021.yaml"  # seed 002: its objectives become this year's plan
LIVE_SOURCE_YEAR = 2021
MONTHS = (
    "Gennaio", "Febbraio", "Marzo", "Aprile", "Maggio", "Giugno",
    "Luglio", "Agosto", "Settembre", "Ottobre", "Novembre", "Dicembre",
)  # fmt: skip


@dataclass
class DemoResult:
    imports: list[ImportResult] = field(default_factory=list)
    users_created: list[str] = field(default_factory=list)


@cache
def _password_hash(password: str) -> str:
    # Hashed once for all demo users: the hasher is slow on purpose, and they share the password anyway.
    return make_password(password)


def _user(username: str, first_name: str, last_name: str, created: list[str]) -> User:
    """Create a demo user once; an existing user is left as it is (re-hashing would change the row)."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create(
            username=username,
            email=f"{username}@demo.traguardi.localhost",
            password=_password_hash(settings.DEMO_PASSWORD),
            first_name=first_name,
            last_name=last_name,
        )
        created.append(username)
    return user


def _staff_the_areas(plan: Plan, created: list[str]) -> None:
    for area in Area.objects.filter(organization=plan.organization).order_by("code"):
        head = _user(f"resp-{area.slug}", "Responsabile", area.name, created)
        if area.head_id is None:
            Area.objects.filter(pk=area.pk).update(head=head)
        staff = [
            _user(f"staff-{area.slug}-{n}", f"Operatore {n}", area.name, created) for n in range(1, STAFF_PER_AREA + 1)
        ]
        area.members.add(*staff)
        # Activities without an owner go to the area's staff in turn; objectives to the area head.
        orphans = Activity.objects.filter(objective__plan=plan, objective__areas=area, owner__isnull=True)
        for index, activity in enumerate(orphans.order_by("objective__code", "position")):
            Activity.objects.filter(pk=activity.pk).update(owner=staff[index % len(staff)])
        Objective.objects.filter(plan=plan, areas=area, owner__isnull=True).update(owner=head)


def live_plan_code(today: dt.date) -> str:
    return f"PEG-{today.year}"


def _shifted_years(text: str, shift: int) -> str:
    """ "Febbraio 2022" three years on is "Febbraio 2025"; a text without a year is the plan's year anyway."""
    return re.sub(r"\b(19|20)(\d\d)\b", lambda found: str(int(found.group(0)) + shift), text)


def _as_of_today(activity: dict[str, Any], year: int, today: dt.date) -> None:
    """An activity's Consuntivo as known today: kept when it ended by today; "avviato <mese>" when it was to start
    by today (under way); none when it has not started."""
    planned = parse_time(str(activity.get("planned", "")), year=year)
    actual = parse_time(str(activity.get("actual", "")), year=year)
    if actual.end is not None and actual.end <= today:
        return
    if planned.start is not None and planned.start <= today:
        activity["actual"] = f"avviato {MONTHS[planned.start.month - 1]}"
    else:
        activity.pop("actual", None)


def live_year_document(today: dt.date) -> dict[str, Any]:
    """Seed 002's plan document as this year's: the plan PEG-<year> of the same body, its objectives' codes
    P<yy>-…, every year moved by the same number of years, dates never after today, the Consuntivo as of today
    (`_as_of_today`), no narrative reports (the year is not over)."""
    document: dict[str, Any] = yaml.safe_load((DEMO_DIR / LIVE_SOURCE).read_text(encoding="utf-8"))
    year, shift = today.year, today.year - LIVE_SOURCE_YEAR
    document["plan"] |= {
        "code": live_plan_code(today),
        "kind": "peg",
        "title": f"Piano della performance {year} (anno in corso, demo)",
        "year_start": year,
        "year_end": year,
        "source": f"Demo: gli obiettivi della Relazione sulla Performance {LIVE_SOURCE_YEAR} del Consorzio IN.RE.TE. "
        f"(seed 002), con i tempi spostati al {year} e gli stati al {today:%d/%m/%Y}.",
    }
    prefix = f"P{year % 100:02d}-"
    for objective in document["objectives"]:
        objective["code"] = re.sub(r"^RP\d\d-", prefix, objective["code"])
        objective.pop("reports", None)
        for activity in objective.get("activities", []):
            for key in ("planned", "actual"):
                if key in activity:
                    activity[key] = _shifted_years(str(activity[key]), shift)
            _as_of_today(activity, year, today)
        for indicator in objective.get("indicators", []):
            for row in indicator.get("targets", []) + indicator.get("measurements", []):
                row["year"] = int(row["year"]) + shift
            for row in indicator.get("measurements", []):
                if "date" in row:
                    moved = dt.date.fromisoformat(str(row["date"])).replace(year=year)
                    row["date"] = min(moved, today).isoformat()
    return document


def _load_live_year(director: User, today: dt.date, result: DemoResult) -> None:
    """This year's plan, once: a second run (or a plan of that code made by hand) leaves it as it is."""
    if Plan.objects.filter(code=live_plan_code(today)).exists():
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{live_plan_code(today).lower()}.yaml"
        path.write_text(yaml.safe_dump(live_year_document(today), allow_unicode=True, sort_keys=False), "utf-8")
        imported = import_plan_file(path, reference_date=today)
    result.imports.append(imported)
    _staff_the_areas(imported.plan, result.users_created)
    _bring_to_its_state(imported.plan, director, today)


@transaction.atomic
def load_demo(*, reference_date: dt.date, today: dt.date | None = None) -> DemoResult:
    """The seed plans as of `reference_date`; with `today`, also the live year (`live_year_document`)."""
    result = DemoResult()
    director = _user("direttore", "Direttore", "Generale", result.users_created)
    auditor = _user("oiv", "Organismo", "di valutazione", result.users_created)
    # The platform's operator, who opens the administration the footer links (a superuser: the demo only).
    operator = _user("operatore", "Operatore", "della piattaforma", result.users_created)
    if not operator.is_superuser:
        User.objects.filter(pk=operator.pk).update(is_staff=True, is_superuser=True)
    for name in DEMO_FILES:
        imported = import_plan_file(DEMO_DIR / name, reference_date=reference_date)
        result.imports.append(imported)
        organization = imported.plan.organization
        for user, role in ((director, OrganizationRole.Role.DIRECTOR), (auditor, OrganizationRole.Role.AUDITOR)):
            OrganizationRole.objects.get_or_create(organization=organization, user=user, role=role)
        _staff_the_areas(imported.plan, result.users_created)
        _bring_to_its_state(imported.plan, director, reference_date)
    if today is not None:
        _load_live_year(director, today, result)
    return result


def state_at(plan: Plan, reference_date: dt.date) -> str:
    """The state a plan's years imply on `reference_date`."""
    if plan.year_end < reference_date.year:
        return PlanState.CLOSED
    if plan.year_start <= reference_date.year:
        return PlanState.IN_EXECUTION
    return PlanState.ADOPTED


def adoption_day(plan: Plan, reference_date: dt.date) -> dt.date:
    """The act's date: 31 January of the plan's first year (the Piano's legal deadline), or the reference date
    when that is earlier, never before 1 January of the year before (the window plan_adopt accepts)."""
    earliest = dt.date(plan.year_start - 1, 1, 1)
    return max(min(dt.date(plan.year_start, 1, 31), reference_date), earliest)


def _bring_to_its_state(plan: Plan, director: User, reference_date: dt.date) -> None:
    """Move a plan forward through the lifecycle services, as its director would, until it is in the state its
    years imply; a plan already there (a second run) or beyond it is left as it is."""
    from workflow.services.plan_lifecycle import plan_adopt, plan_close, plan_start
    from workflow.trail.context import Source

    director = User.objects.get(pk=director.pk)  # its roles read afresh: the plan's organization may be new
    order = [PlanState.DRAFT, PlanState.ADOPTED, PlanState.IN_EXECUTION, PlanState.CLOSED]
    wanted = order.index(PlanState(state_at(plan, reference_date)))
    plan.refresh_from_db()
    while plan.state in order and order.index(PlanState(plan.state)) < wanted:
        if plan.state == PlanState.DRAFT:
            act = plan.adoption_act or DEMO_ACT
            plan = plan_adopt(
                actor=director, plan=plan, act=act, adopted_on=adoption_day(plan, reference_date), source=Source.IMPORT
            )
        elif plan.state == PlanState.ADOPTED:
            plan = plan_start(actor=director, plan=plan, source=Source.IMPORT)
        else:
            plan = plan_close(actor=director, plan=plan, source=Source.IMPORT)
