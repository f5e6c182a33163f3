"""The demo: the three seed documents as plans, with users for every role, each plan moved by the demo
director through its life (workflow.services.plan_lifecycle) to the state its years imply at the reference
date: a plan whose years are all past is closed, one whose years include the reference date's is in
execution, one still to come is adopted. The adoption act is the document's, or "Delibera di Giunta (demo)"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import transaction

from plans.importing import ImportResult, import_plan_file
from plans.models import Activity, Area, Objective, OrganizationRole, Plan, PlanState

DEMO_DIR = Path(__file__).resolve().parent / "demo"
DEMO_FILES = ("relazione-2021.yaml", "peg-2019.yaml", "piano-di-zona.yaml")
STAFF_PER_AREA = 2
DEMO_ACT = "Delibera di Giunta (demo)"


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


@transaction.atomic
def load_demo(*, reference_date: dt.date) -> DemoResult:
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
