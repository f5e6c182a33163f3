"""Only live plans (adopted or in execution, plans.freeze) get reminders, monitoring, escalations, digests and
forecast warnings. A draft's items are not due yet; a closed or validated year's get nothing, and what was
queued for them before their plan stopped being live is dropped at send time, with the reason."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from notifications.dispatch import dispatch
from notifications.links import AnswerClaim, answer_token
from notifications.models import Message, MonitoringAnswer, MonitoringRound
from notifications.monitoring import plan_monitoring
from notifications.scans import NOT_LIVE, plan_deadline_reminders, plan_director_digests
from plans.models import Activity, Objective, Plan, PlanState
from tests.notifications.test_monitoring import ROME
from tests.plan_life import close_year, put_in_execution
from tests.web.helpers import database_state
from tests.web.html import page_text
from tests.workflow.world import World
from workflow.services.plan_lifecycle import plan_validate

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 9) -> time_machine.travel:
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=ROME), tick=False)


def draft_2026(world: World) -> Activity:
    """A second plan of Aurelia, still a draft, with tommaso's activity due on 30 June 2026."""
    plan = Plan.objects.create(
        organization=world.aurelia,
        code="PIAO-2026",
        kind=Plan.Kind.PEG,
        title="PIAO 2026",
        year_start=2026,
        year_end=2026,
    )
    objective = Objective.objects.create(
        plan=plan, code="TEC-9", title="Strade sicure", planned_end=dt.date(2026, 6, 30), owner=world.bruno
    )
    objective.areas.add(world.technical)
    return Activity.objects.create(
        objective=objective,
        position=1,
        description="Rifacimento di via Roma",
        planned_end=dt.date(2026, 6, 30),
        owner=world.tommaso,
    )


def planned() -> list[tuple[str, str, str]]:
    rows = Message.objects.select_related("recipient").order_by("kind", "recipient__username", "target")
    return [(row.kind, row.recipient.username, row.target) for row in rows]


def test_a_monitoring_run_plans_nothing_for_a_drafts_items_nor_for_a_closed_plans(world: World) -> None:
    """1 June 2026 is the first working day of June: sara (PEG-2026, in execution) is asked for her update,
    tommaso (PIAO-2026, a draft) is not; once PEG-2026 is closed, July's round asks nobody."""
    draft_2026(world)
    MonitoringRound.objects.create(
        organization=world.aurelia, month=dt.date(2026, 5, 1), planned_on=dt.date(2026, 5, 4)
    )
    with at(dt.date(2026, 6, 1)):
        assert plan_monitoring(dt.date(2026, 6, 1)) == 1
    assert planned() == [("monitoring", "sara", f"user:{world.sara.pk}")]
    assert Message.objects.get().context["activities"] == [world.activity.pk]

    close_year(world.plan, world.diana)
    Message.objects.update(status=Message.Status.SENT)
    with at(dt.date(2026, 7, 1)):
        assert plan_monitoring(dt.date(2026, 7, 1)) == 0  # no request, no reminder of June's, no list for anna
    assert MonitoringRound.objects.filter(month=dt.date(2026, 7, 1)).exists()  # the round ran, and found nothing
    assert [row[0] for row in planned()] == ["monitoring"]


def test_the_deadline_scan_reminds_only_live_plans_items_and_parks_the_others(world: World) -> None:
    """22 June 2026: sara's activity (PEG-2026, live) and tommaso's (PIAO-2026, a draft) both end on 30 June.
    Only sara is reminded; tommaso's activity is parked until its plan is adopted, then reminded."""
    tommaso = draft_2026(world)
    monday = dt.date(2026, 6, 22)
    with at(monday):
        plan_deadline_reminders(monday)
    assert ("deadline", "sara", f"activity:{world.activity.pk}") in planned()
    assert not [row for row in planned() if row[1] in ("tommaso", "bruno")]
    tommaso.refresh_from_db()
    assert tommaso.next_reminder_on == NOT_LIVE  # not read again by the next scans
    with at(monday):
        put_in_execution(tommaso.objective.plan, world.diana)
    tommaso.refresh_from_db()
    assert tommaso.next_reminder_on is None  # handed back to the scan
    tuesday = dt.date(2026, 6, 23)
    with at(tuesday):
        plan_deadline_reminders(tuesday)
    assert ("deadline", "tommaso", f"activity:{tommaso.pk}") in planned()


def test_a_closed_years_overdue_items_get_no_notice_no_escalation_and_no_digest(world: World) -> None:
    """On 6 December 2026 PEG-2026's activities are months overdue. While the plan is in execution they get
    overdue notices, escalations and the director's digest; once it is closed, nothing is planned for them."""
    day = dt.date(2026, 12, 7)
    with at(day):
        plan_deadline_reminders(day)
        plan_director_digests(day)
    kinds = {row[0] for row in planned()}
    assert {"overdue", "escalation", "director_digest"} <= kinds
    Message.objects.all().delete()
    Activity.objects.update(next_reminder_on=None)  # as if never scanned: the scan itself must refuse them
    Objective.objects.update(next_reminder_on=None)
    with at(day):
        close_year(world.plan, world.diana)
        Activity.objects.update(next_reminder_on=None)
        assert plan_deadline_reminders(day) == 0
        assert plan_director_digests(day) == 0
    assert planned() == []
    assert set(Activity.objects.values_list("next_reminder_on", flat=True)) == {NOT_LIVE}


def test_a_validated_plans_items_are_left_out_without_a_write(world: World) -> None:
    """The scan never writes a validated plan's rows (the database refuses it); it only leaves them out."""
    with at(dt.date(2026, 12, 7)):
        close_year(world.plan, world.diana)
        plan_validate(actor=world.otto, plan=Plan.objects.get(pk=world.plan.pk))
    assert Plan.objects.get(pk=world.plan.pk).state == PlanState.VALIDATED
    assert plan_deadline_reminders(dt.date(2026, 12, 7)) == 0
    assert planned() == []


def test_a_reminder_queued_before_its_plan_was_closed_is_dropped_at_dispatch_with_the_reason(world: World) -> None:
    monday = dt.date(2026, 6, 22)
    with at(monday, 8):
        plan_deadline_reminders(monday)
        plan_monitoring(monday)
    queued = Message.objects.get(kind="deadline", recipient=world.sara)
    with at(monday, 9):
        close_year(world.plan, world.diana)
    with at(monday, 10):
        result = dispatch()
    queued.refresh_from_db()
    assert queued.status == Message.Status.DROPPED
    assert queued.dropped_reason == (
        "Il piano «PEG-2026» è «Chiuso»: solo i piani adottati o in esecuzione hanno promemoria."
    )
    request = Message.objects.get(kind="monitoring", recipient=world.sara)
    assert (request.status, request.dropped_reason) == (
        Message.Status.DROPPED,
        "Nessuna attività della richiesta attende più una risposta (di piani non in corso: 1).",
    )
    assert result.mails == 0


def test_a_monthly_link_of_a_plan_closed_since_the_mail_explains_and_records_nothing(world: World) -> None:
    """Sara's one-click link of May, mailed while PEG-2026 was in execution, opened after the director closed
    the plan: the page says why, and neither opening it nor posting an answer records anything."""
    may = MonitoringRound.objects.create(
        organization=world.aurelia, month=dt.date(2026, 5, 1), planned_on=dt.date(2026, 5, 4)
    )
    link = f"/monitoraggio/{answer_token(AnswerClaim(may.pk, world.activity.pk, world.sara.pk))}/"
    close_year(world.plan, world.diana)
    before = database_state()
    client = Client()
    opened = client.get(link)
    assert opened.status_code == 409
    assert "Il piano di questa attività non è più in corso" in page_text(opened)
    assert 'name="progress"' not in opened.content.decode()
    posted = client.post(link, {"state": "avviato", "progress": "30", "note": "Tre sportelli su cinque"})
    assert posted.status_code == 409
    assert database_state() == before
    assert not MonitoringAnswer.objects.exists()
