"""The demo: the three seed documents as plans, with users for every role."""

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
from plans.models import Activity, Area, Objective, OrganizationRole, Plan

DEMO_DIR = Path(__file__).resolve().parent / "demo"
DEMO_FILES = ("relazione-2021.yaml", "peg-2019.yaml", "piano-di-zona.yaml")
STAFF_PER_AREA = 2


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
    for name in DEMO_FILES:
        imported = import_plan_file(DEMO_DIR / name, reference_date=reference_date)
        result.imports.append(imported)
        organization = imported.plan.organization
        for user, role in ((director, OrganizationRole.Role.DIRECTOR), (auditor, OrganizationRole.Role.AUDITOR)):
            OrganizationRole.objects.get_or_create(organization=organization, user=user, role=role)
        _staff_the_areas(imported.plan, result.users_created)
    return result
