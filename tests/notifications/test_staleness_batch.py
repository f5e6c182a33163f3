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

from notifications.deciders import deciders_by_request
from notifications.dispatch import dispatch
from notifications.mails import Lookup
from notifications.models import Message, MonitoringRound
from notifications.staleness import judge
from plans.models import Activity, Area, Objective, OrganizationRole, WorkState
from tests.workflow.world import World
from workflow.models import Delegation, Step, TransitionName, TransitionRequest
from workflow.selectors import deciders_of

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")
DAY = dt.date(2026, 5, 15)  # the world's frozen day, a Friday
NOW = dt.datetime(2026, 5, 15, 11, tzinfo=ROME)


@pytest.fixture(autouse=True)
def memory_mail(settings: Settings) -> Iterator[None]:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    yield


def pending_request(item: Activity | Objective, by: User, step: Step) -> TransitionRequest:
    """A request awaiting `step`, written directly: these tests are about reading it."""
    target = {"activity": item} if isinstance(item, Activity) else {"objective": item}
    return TransitionRequest.objects.create(
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


def test_checking_a_chunk_costs_the_same_few_queries_for_thirty_rows_or_three_hundred(world: World) -> None:
    people_with_everything(world, 3)
    few, dropped_of_few = queries_to_judge()
    people_with_everything(world, 31, first=3)
    many, dropped_of_many = queries_to_judge()
    assert dropped_of_few < dropped_of_many  # the larger chunk had more to drop...
    assert few == many <= 5  # ...for the same queries: answers, directors (twice), heads, delegations


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


def test_the_batch_of_deciders_agrees_with_the_workflow_selector(world: World) -> None:
    """Requests at every step, on activities and objectives, with heads active or not, an objective whose
    area has no head, substitutes active, revoked, not yet started, switched off, or in another body."""
    headless = Area.objects.create(organization=world.aurelia, code="URB", slug="urbanistica", name="Urbanistica")
    orphan = Objective.objects.create(plan=world.plan, code="URB-1", title="Piano del verde")
    orphan.areas.add(headless)
    extra = [
        Activity.objects.create(objective=world.transversal, position=index, description=f"A{index}", owner=world.sara)
        for index in range(1, 4)
    ]
    requests = [
        pending_request(world.activity, world.sara, Step.AREA_HEAD),
        pending_request(world.second_activity, world.sara, Step.DIRECTOR),
        pending_request(world.transversal, world.anna, Step.AREA_HEAD),  # two areas: anna and bruno
        pending_request(world.objective, world.anna, Step.DIRECTOR),
        pending_request(orphan, world.diana, Step.DIRECTOR),
        pending_request(extra[0], world.sara, Step.AREA_HEAD),
        pending_request(extra[1], world.sara, Step.DIRECTOR),
    ]
    second_director = User.objects.create_user("dario")
    OrganizationRole.objects.create(
        organization=world.aurelia, user=second_director, role=OrganizationRole.Role.DIRECTOR
    )
    away = {"starts_on": DAY - dt.timedelta(days=3), "ends_on": DAY + dt.timedelta(days=3)}
    Delegation.objects.create(organization=world.aurelia, delegator=world.anna, substitute=world.bruno, **away)
    Delegation.objects.create(organization=world.aurelia, delegator=world.diana, substitute=world.anna, **away)
    Delegation.objects.create(
        organization=world.aurelia, delegator=world.bruno, substitute=world.diana, revoked_at=NOW, **away
    )
    Delegation.objects.create(
        organization=world.aurelia,
        delegator=second_director,
        substitute=world.bruno,
        starts_on=DAY + dt.timedelta(days=1),
        ends_on=DAY + dt.timedelta(days=9),
    )
    Delegation.objects.create(organization=world.borgo, delegator=world.diana, substitute=world.erica, **away)

    def both() -> tuple[dict[int, set[int]], dict[int, set[int]]]:
        loaded = TransitionRequest.objects.filter(pk__in=[r.pk for r in requests]).select_related("activity")
        return deciders_by_request(loaded, DAY), {r.pk: set(deciders_of(r, on=DAY)) for r in requests}

    batch, selector = both()
    assert batch == selector
    assert selector[requests[0].pk] == {world.anna.pk, world.bruno.pk}  # the case is not empty
    User.objects.filter(pk=world.bruno.pk).update(is_active=False)  # the substitute and a head, switched off
    User.objects.filter(pk=world.diana.pk).update(is_active=False)  # a director away, switched off
    batch, selector = both()
    assert batch == selector
    assert selector[requests[3].pk] == {second_director.pk}
