"""The send-time check reads a whole chunk at once: a fixed number of queries however many rows it holds,
and, for approval notices, the same answer as the workflow's own selector of who decides a request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings

from notifications.dispatch import dispatch
from notifications.mails import Lookup
from notifications.models import Message, MonitoringRound
from notifications.staleness import judge
from plans.models import Activity, Objective, WorkState
from tests.workflow.world import World
from workflow.models import AuditEntry, Step, TransitionName, TransitionRequest
from workflow.services.core import audit

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")
DAY = dt.date(2026, 5, 15)  # the world's frozen day, a Friday
NOW = dt.datetime(2026, 5, 15, 11, tzinfo=ROME)


@pytest.fixture(autouse=True)
def memory_mail(settings: Settings) -> Iterator[None]:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    yield


def pending_request(item: Activity | Objective, by: User, step: Step) -> TransitionRequest:
    """A request awaiting `step`, written directly (these tests are about reading it), with its row in the trail:
    the database accepts a request only with one (workflow/trail/guards.py)."""
    target = {"activity": item} if isinstance(item, Activity) else {"objective": item}
    request = TransitionRequest.objects.create(
        organization=item.objective.plan.organization if isinstance(item, Activity) else item.plan.organization,
        transition=TransitionName.RINVIA,
        from_state=WorkState.PROGRAMMATO,
        steps=[Step.AREA_HEAD, Step.DIRECTOR],
        current_step=step,
        requested_by=by,
        reason="Gara deserta",
        new_planned_end=dt.date(2026, 9, 30),
        **target,
    )
    audit(request, AuditEntry.Event.REQUESTED, by)
    return request


def people_with_everything(world: World, count: int, first: int = 0) -> None:
    """`count` more people of the social area, each with an activity and a row of every kind for it; every
    other one stale in every way it can be (activity concluded, request decided), and some requests past
    the announced step."""
    this_month = MonitoringRound.objects.get_or_create(
        organization=world.aurelia, month=dt.date(2026, 5, 1), defaults={"planned_on": DAY}
    )[0]
    rows, end = [], DAY - dt.timedelta(days=10)
    for index in range(first, first + count):
        person = User.objects.create_user(f"persona{index}", f"persona{index}@aurelia.example")
        activity = Activity.objects.create(
            objective=world.objective,
            position=index + 10,
            description=f"Attività {index}",
            planned_end=end,
            owner=person,
            state=WorkState.CONCLUSO if index % 2 else WorkState.AVVIATO,
        )
        request = pending_request(activity, person, Step.DIRECTOR if index % 4 == 2 else Step.AREA_HEAD)
        if index % 2:
            TransitionRequest.objects.filter(pk=request.pk).update(status="approved", current_step="", closed_at=NOW)
        item = {"organization": world.aurelia, "due_on": DAY, "target": f"activity:{activity.pk}"}
        planned = {"planned_end": end.isoformat()}
        monitoring = {"round": this_month.pk, "activities": [activity.pk, world.activity.pk]}
        missing = {"round": this_month.pk, "missing": {str(person.pk): [activity.pk]}}
        rows += [
            Message(kind=Message.Kind.DEADLINE, recipient=person, period="1", context=planned, **item),
            Message(kind=Message.Kind.OVERDUE, recipient=person, period="0", context=planned, **item),
            Message(kind=Message.Kind.ESCALATION, recipient=world.anna, period="x", context=planned, **item),
            Message(kind=Message.Kind.MONITORING, recipient=person, period="m", context=monitoring, **item),
            Message(kind=Message.Kind.MONITORING_REMINDER, recipient=person, period="r", context=monitoring, **item),
            Message(
                kind=Message.Kind.MONITORING_MISSING, recipient=world.anna, period=f"{index}", context=missing, **item
            ),
            Message(kind=Message.Kind.DIRECTOR_DIGEST, recipient=world.diana, period=f"{index}", **item),
            Message(
                kind=Message.Kind.APPROVAL_NEEDED,
                recipient=world.anna,
                period=Step.AREA_HEAD,
                **{**item, "target": f"request:{request.pk}"},
            ),
            Message(
                kind=Message.Kind.REQUEST_DECIDED,
                recipient=person,
                period="approved",
                **{**item, "target": f"request:{request.pk}"},
            ),
        ]
    Message.objects.bulk_create(rows)


def queries_to_judge() -> tuple[int, int]:
    """The queries the check of every due row makes, on top of the rows' Lookup; how many rows it dropped."""
    rows = list(Message.objects.select_related("recipient", "organization"))
    lookup = Lookup.load(rows, DAY)
    with CaptureQueriesContext(connection) as queries:
        verdict = judge(rows, lookup, DAY)
    return len(queries), len(verdict.dropped)


def pending_announced() -> int:
    """The pending requests the chunk's approval notices announce: each costs one query (deciders_of)."""
    announced = Message.objects.filter(kind=Message.Kind.APPROVAL_NEEDED).values_list("target", flat=True)
    ids = {int(target.partition(":")[2]) for target in announced}
    return TransitionRequest.objects.filter(pk__in=ids, status=TransitionRequest.Status.PENDING).count()


def test_checking_a_chunk_costs_a_few_queries_and_one_per_pending_request_announced(world: World) -> None:
    people_with_everything(world, 3)
    few, dropped_of_few = queries_to_judge()
    few_pending = pending_announced()
    people_with_everything(world, 31, first=3)
    many, dropped_of_many = queries_to_judge()
    many_pending = pending_announced()
    assert dropped_of_few < dropped_of_many  # the larger chunk had more to drop...
    # ...for the same few queries (answers, directors), plus the deciders of each pending request announced:
    # nine rows a person here, a query for every other person's request.
    assert few - few_pending == many - many_pending <= 3
    assert many_pending > few_pending > 0


def test_a_run_drops_the_stale_rows_of_a_chunk_in_one_statement(world: World) -> None:
    people_with_everything(world, 20)
    with CaptureQueriesContext(connection) as queries:
        result = dispatch(now=NOW)
    drops = [query for query in queries.captured_queries if "dropped" in query["sql"] and "UPDATE" in query["sql"]]
    assert len(drops) == 1
    assert result.dropped == Message.objects.filter(status="dropped").count() > 0
    assert result.messages == Message.objects.filter(status="sent").count() > 0
    assert {address for message in mail.outbox for address in message.to} >= {"persona0@aurelia.example"}
    assert not Message.objects.filter(status="pending").exists()
