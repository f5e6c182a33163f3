"""bench_http's office and what its clients do: an organization with one area per client, and the
scenarios that the load generator runs on each client's keep-alive connection."""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field
from typing import Any

from bench.loadgen import Connection, Scenario


@dataclass
class Seat:
    """One client's people and items: a staff member who asks, the head of their area who approves."""

    staff_token: str
    head_token: str
    activities: list[int]
    scratch_activity: int  # the one the same-work view flips back and forth
    used: int = 0  # activities already started: warm-ups and every configuration take the next ones

    def next_activity(self) -> int | None:
        if self.used >= len(self.activities):
            return None
        self.used += 1
        return self.activities[self.used - 1]

    def staff(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.staff_token}"}

    def head(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.head_token}"}


@dataclass
class Office:
    organization_ids: list[int] = field(default_factory=list)
    seats: list[Seat] = field(default_factory=list)


def _organization(stamp: str) -> Any:
    """An organization of its own (a unique slug: the bench database may hold other runs) with a director; its
    policy sends an activity's avvia to the area head."""
    from django.contrib.auth.models import User

    from plans.models import Organization, OrganizationRole
    from workflow.models import ApprovalPolicy, Chain, TargetKind, TransitionName

    organization = Organization.objects.create(
        slug=f"bench-http-{stamp}", name=f"Comune di Benchmark {stamp}", kind=Organization.Kind.COMUNE
    )
    ApprovalPolicy.objects.create(
        organization=organization,
        target_kind=TargetKind.ACTIVITY,
        transition=TransitionName.AVVIA,
        chain=Chain.AREA_HEAD,
    )
    director = User.objects.create(username=f"bh-{stamp}-director", email="d@bench-http.example", password="!")
    OrganizationRole.objects.create(organization=organization, user=director, role=OrganizationRole.Role.DIRECTOR)
    return organization


def build_office(clients: int, items_per_client: int, *, plan_per_client: bool = False) -> Office:
    """An organization with one area per client (a head and a staff member, both with API tokens), one
    objective per area and its programmato activities, all in one plan as in a real office; or
    (`plan_per_client`) each client's objective in a plan of its own, the rest alike."""
    import datetime as dt

    from django.contrib.auth.models import User
    from django.db import transaction

    from plans.models import Activity, Area, Objective, Plan
    from workflow.tokens import token_create

    stamp = f"{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}{'-plans' if plan_per_client else ''}"
    year = dt.date.today().year
    office = Office()
    with transaction.atomic():
        organization = _organization(stamp)
        office.organization_ids.append(organization.pk)
        plans = [
            Plan.objects.create(
                organization=organization,
                code=f"PEG-{index}",
                kind=Plan.Kind.PEG,
                title=f"PEG {index}",
                year_start=year,
                year_end=year + 2,
            )
            for index in range(clients if plan_per_client else 1)
        ]
        for index in range(clients):
            plan = plans[index % len(plans)]
            head, staff = User.objects.bulk_create(
                [
                    User(username=f"bh-{stamp}-{role}-{index}", email=f"{role}{index}@bench-http.example", password="!")
                    for role in ("head", "staff")
                ]
            )
            tokens = {user.pk: token_create(user=user)[1] for user in (head, staff)}
            area = Area.objects.create(
                organization=organization, code=f"A{index:02d}", slug=f"area-{index}", name=f"Area {index}", head=head
            )
            area.members.add(staff)
            objective = Objective.objects.create(
                plan=plan, code=f"OB-{index:02d}", title=f"Obiettivo dell'area {index}", owner=head
            )
            objective.areas.add(area)
            activities = Activity.objects.bulk_create(
                [
                    Activity(
                        objective=objective,
                        position=position,
                        description=f"Attività {position} dell'area {index}",
                        planned_end=dt.date(year + 1, 6, 30),
                        owner=staff,
                    )
                    for position in range(1, items_per_client + 2)
                ]
            )
            ids = [activity.pk for activity in activities]
            office.seats.append(Seat(tokens[staff.pk], tokens[head.pk], ids[:-1], ids[-1]))
    return office


def tidy(office: Office) -> None:
    """Drop the outbox rows the run planned and the broker tasks it queued: nobody is to send them. The
    requests, approvals and audit rows stay (the database refuses to delete them)."""
    from config.celery import app
    from notifications.models import Message

    Message.objects.filter(organization_id__in=office.organization_ids).delete()
    with contextlib.suppress(Exception):
        app.control.purge()


def bare_scenario() -> Scenario:
    def call(connection: Connection) -> bool:
        connection.call("bare", "POST", "/bench/bare/", {})
        return True

    return call


def same_work_scenario(seat: Seat) -> Scenario:
    path = f"/bench/same-work/{seat.scratch_activity}/"

    def call(connection: Connection) -> bool:
        connection.call("same_work", "POST", path, {}, headers=seat.staff())
        return True

    return call


def real_scenario(seat: Seat) -> Scenario:
    """Each iteration takes the client's next programmato activity: the staff member asks, the head approves."""

    def call(connection: Connection) -> bool:
        pk = seat.next_activity()
        if pk is None:
            return False
        asked = connection.call(
            "transition",
            "POST",
            f"/api/activities/{pk}/transitions/",
            {"transition": "avvia", "comment": "Si parte."},
            headers=seat.staff(),
            expect=202,
        )
        if asked.status == 202:
            request_id = asked.json()["id"]
            connection.call(
                "approve",
                "POST",
                f"/api/approvals/{request_id}/approve",
                {"comment": "Va bene."},
                headers=seat.head(),
            )
        return True

    return call
