"""The outbox of bench_delivery: an organization of its own whose people each own one activity, the
deadline reminders a scan would have planned for them, and a real reminder mail for the smtplib loop."""

from __future__ import annotations

import contextlib
import datetime as dt
import email.policy
import os
import time
from dataclasses import dataclass


@dataclass
class Outbox:
    organization_id: int
    recipients: list[int]
    moment: dt.datetime  # the `now` the tasks are given: 10:00 on a working day after today


def build_people(count: int) -> Outbox:
    """An organization of its own with `count` people, each owning one activity of one objective."""
    from django.contrib.auth.models import User
    from django.db import transaction
    from django.utils import timezone

    from notifications.calendar import next_working_day
    from plans.models import Activity, Area, Objective, Organization, Plan
    from plans.models.states import PlanState

    stamp = f"{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}"
    day = next_working_day(timezone.localdate() + dt.timedelta(days=1))
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    with transaction.atomic():
        organization = Organization.objects.create(
            slug=f"bench-delivery-{stamp}", name="Comune di Benchmark", kind=Organization.Kind.COMUNE
        )
        area = Area.objects.create(organization=organization, code="SOC", slug="sociale", name="Servizi sociali")
        plan = Plan.objects.create(
            organization=organization,
            code="PEG",
            kind=Plan.Kind.PEG,
            title="PEG",
            year_start=day.year,
            year_end=day.year + 1,
            state=PlanState.IN_EXECUTION,  # only a live plan's items get reminders (issue 17): others are dropped
        )
        objective = Objective.objects.create(plan=plan, code="SOC-1", title="Presa in carico unica")
        objective.areas.add(area)
        people = User.objects.bulk_create(
            [
                User(
                    username=f"bd-{stamp}-{index}",
                    email=f"persona{index}.{stamp}@bench-delivery.example",
                    first_name="Persona",
                    last_name=str(index),
                    password="!",
                )
                for index in range(count)
            ]
        )
        Activity.objects.bulk_create(
            [
                Activity(
                    objective=objective,
                    position=index + 1,
                    description=f"Attività di prova numero {index + 1}",
                    planned_end=day + dt.timedelta(days=10),
                    owner=person,
                )
                for index, person in enumerate(people)
            ]
        )
    return Outbox(organization.pk, [person.pk for person in people], moment)


def drop_people(organization_id: int | None = None) -> None:
    """Delete an outbox's messages, then its organization (its plan and activities go with it) and its people;
    without an id, whatever an interrupted earlier run left. Since the trail records every change (append-only
    audit rows that protect their organization), the organization and its people may have to stay: their
    messages are gone all the same, so nobody is sent anything."""
    from django.contrib.auth.models import User
    from django.db import transaction
    from django.db.models.deletion import ProtectedError

    from notifications.models import Message
    from plans.models import Organization

    if organization_id is None:
        organizations = Organization.objects.filter(slug__startswith="bench-delivery-")
        people = User.objects.filter(username__startswith="bd-", email__endswith="@bench-delivery.example")
    else:
        organizations = Organization.objects.filter(pk=organization_id)
        slug = organizations.values_list("slug", flat=True).first() or "bench-delivery-?"
        people = User.objects.filter(username__startswith=f"bd-{slug.removeprefix('bench-delivery-')}-")
    Message.objects.filter(organization__in=organizations).delete()
    with contextlib.suppress(ProtectedError), transaction.atomic():
        organizations.delete()
        people.delete()


def plan_reminders(outbox: Outbox, batch: str, people: int) -> list[int]:
    """One deadline reminder for each of the first `people` people, due on the run's day (the rows a scan
    would have planned); the ids of those people."""
    from django.utils import timezone

    from notifications.models import Message
    from plans.models import Activity

    activities = Activity.objects.filter(objective__plan__organization_id=outbox.organization_id)
    rows = Message.objects.bulk_create(
        [
            Message(
                kind=Message.Kind.DEADLINE,
                organization_id=outbox.organization_id,
                recipient_id=owner,
                target=f"activity:{pk}",
                period=f"{batch}/7",
                due_on=outbox.moment.date(),
                next_attempt_at=timezone.now(),
            )
            for pk, owner in activities.values_list("pk", "owner_id").order_by("pk")[:people]
        ]
    )
    return [row.recipient_id for row in rows]


def sample_mail(outbox: Outbox) -> tuple[str, bytes]:
    """A real reminder as the dispatcher would compose it (an unsaved row: composing sends nothing): its
    address and bytes, for the smtplib loop."""
    from notifications.mails import compose
    from notifications.models import Message
    from plans.models import Activity

    activity = Activity.objects.filter(owner_id=outbox.recipients[0]).select_related("owner").get()
    row = Message(
        kind=Message.Kind.DEADLINE,
        organization_id=outbox.organization_id,
        recipient=activity.owner,
        target=f"activity:{activity.pk}",
        period="sample/7",
        due_on=outbox.moment.date(),
    )
    mail = compose([row], outbox.moment)
    mail.extra_headers["X-Traguardi-Messages"] = "0"  # the unsaved row has no id; the sink wants a number
    return mail.to[0], mail.message(policy=email.policy.SMTP).as_bytes()  # as Django's SMTP backend sends it
