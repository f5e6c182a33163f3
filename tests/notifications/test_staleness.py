"""Nothing stale is sent (unit level, in-memory mail): each kind of outbox row planned by its real planner,
then the world changes before the row's turn comes, then a run. A row no longer true is dropped with its
reason and never sent; one still true goes out; a monthly request that is partly out of date lists only
what is left. The real worker and SMTP server are in test_delivery_stale.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from pytest_django.fixtures import Settings

from notifications.dispatch import dispatch
from notifications.models import Message, MonitoringAnswer, MonitoringRound
from notifications.monitoring import plan_monitoring
from notifications.scans import plan_deadline_reminders, plan_director_digests
from notifications.staleness import CHECKS
from plans.models import Activity, Area, OrganizationRole, WorkState
from tests.workflow.world import World
from workflow.models import Delegation, TransitionRequest
from workflow.services import approval_approve, approval_reject, item_rinvia, request_withdraw

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")
FRIDAY = dt.date(2026, 6, 19)  # both activities of SOC-1 are due then (see due_on_friday)


@pytest.fixture(autouse=True)
def memory_mail(settings: Settings) -> Iterator[None]:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    yield


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ROME)


def due_on_friday(world: World, owner: User | None = None) -> None:
    """Both activities of SOC-1 due on Friday 19 June 2026, owned by sara (or `owner`)."""
    Activity.objects.filter(objective=world.objective).update(planned_end=FRIDAY, owner=owner or world.sara)


def the_row(kind: str, person: User) -> Message:
    return Message.objects.get(kind=kind, recipient=person)


def outcome(kind: str, person: User) -> tuple[str, str]:
    row = the_row(kind, person)
    return row.status, row.dropped_reason


def mailed_to() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def conclude(activity: Activity, on: dt.date) -> None:
    # The state field is protected: a test that needs an item concluded writes the columns directly.
    Activity.objects.filter(pk=activity.pk).update(state=WorkState.CONCLUSO, actual_end=on)


def test_every_kind_of_message_has_its_check() -> None:
    assert set(CHECKS) == set(Message.Kind.values)


# ------------------------------------------------------------------------------- deadlines and escalations


ITEM_CHANGES: dict[str, tuple[Callable[[World], object], str]] = {
    "concluded": (
        lambda world: conclude(world.activity, dt.date(2026, 6, 17)),
        "L'attività è già conclusa il 17/06/2026.",
    ),
    "reassigned": (
        lambda world: Activity.objects.filter(pk=world.activity.pk).update(owner=world.tommaso),
        "L'attività ora è affidata a un'altra persona, che ne riceve i promemoria.",
    ),
    "owner removed": (
        lambda world: Activity.objects.filter(pk=world.activity.pk).update(owner=None),
        "Il destinatario non è più responsabile di un'area dell'obiettivo, né referente.",
    ),
    "postponed": (
        lambda world: Activity.objects.filter(pk=world.activity.pk).update(planned_end=dt.date(2026, 9, 30)),
        "La scadenza è stata spostata al 30/09/2026.",
    ),
    "deadline removed": (
        lambda world: Activity.objects.filter(pk=world.activity.pk).update(planned_end=None),
        "L'attività non ha più una scadenza.",
    ),
    "deactivated": (
        lambda world: User.objects.filter(pk=world.sara.pk).update(is_active=False),
        "Il destinatario non è più attivo.",
    ),
}


@pytest.mark.parametrize("kind", [Message.Kind.DEADLINE, Message.Kind.OVERDUE])
@pytest.mark.parametrize("change", list(ITEM_CHANGES))
def test_a_reminder_about_an_item_that_changed_since_it_was_planned_is_dropped(
    world: World, kind: str, change: str
) -> None:
    """Sara is reminded of both activities (the day before the deadline, then the Monday after it); before
    the run, the first one changes. Its row is dropped; the second one's still goes out, alone."""
    due_on_friday(world)
    day = dt.date(2026, 6, 18) if kind == Message.Kind.DEADLINE else dt.date(2026, 6, 22)
    plan_deadline_reminders(day)
    first = Message.objects.get(kind=kind, target=f"activity:{world.activity.pk}")
    second = Message.objects.get(kind=kind, target=f"activity:{world.second_activity.pk}")
    apply, reason = ITEM_CHANGES[change]
    apply(world)
    result = dispatch(now=at(day))
    first.refresh_from_db()
    assert (first.status, first.dropped_reason, first.attempts, first.sent_at) == ("dropped", reason, 0, None)
    assert first.dropped_at == at(day)
    second.refresh_from_db()
    if change == "deactivated":  # sara's other reminder is no longer hers to get either
        assert (second.status, result.mails, mail.outbox) == ("dropped", 0, [])
        return
    assert (second.status, result.mails, result.dropped) == ("sent", 1, 1)
    [sent] = mail.outbox
    assert "Formazione degli operatori" in sent.body and "Mappatura degli sportelli" not in sent.body
    assert sent.extra_headers["X-Traguardi-Messages"] == str(second.pk)


def test_a_reminder_that_went_to_the_area_head_is_dropped_once_the_item_has_an_owner(world: World) -> None:
    """Nobody owned the activities, so anna, head of their area, was to be reminded of both; before the run
    the first got an owner, who is reminded from now on. Anna hears of the second only."""
    Activity.objects.filter(objective=world.objective).update(planned_end=FRIDAY, owner=None)
    plan_deadline_reminders(dt.date(2026, 6, 18))
    assert set(Message.objects.values_list("recipient__username", flat=True)) == {"anna"}
    Activity.objects.filter(pk=world.activity.pk).update(owner=world.tommaso)
    dispatch(now=at(dt.date(2026, 6, 18)))
    dropped = Message.objects.get(target=f"activity:{world.activity.pk}")
    assert (dropped.status, dropped.dropped_reason) == (
        "dropped",
        "L'attività ora è affidata a un'altra persona, che ne riceve i promemoria.",
    )
    assert Message.objects.get(target=f"activity:{world.second_activity.pk}").status == "sent"
    assert mailed_to() == ["anna@aurelia.example"]


def test_a_reminder_to_a_head_who_no_longer_heads_the_area_is_dropped(world: World) -> None:
    Activity.objects.filter(objective=world.objective).update(planned_end=FRIDAY, owner=None)
    plan_deadline_reminders(dt.date(2026, 6, 18))
    Area.objects.filter(pk=world.social.pk).update(head=world.bruno)
    assert dispatch(now=at(dt.date(2026, 6, 18))).mails == 0
    assert set(Message.objects.values_list("status", "dropped_reason")) == {
        ("dropped", "Il destinatario non è più responsabile di un'area dell'obiettivo, né referente.")
    }


def escalated(world: World) -> dt.date:
    """Five working days after the deadline, anna (head of the social area) is told of both activities."""
    due_on_friday(world)
    day = dt.date(2026, 6, 26)
    plan_deadline_reminders(day)
    assert Message.objects.filter(kind=Message.Kind.ESCALATION, recipient=world.anna).count() == 2
    Message.objects.exclude(kind=Message.Kind.ESCALATION).delete()  # sara's own notices are not the point
    return day


def test_an_escalation_to_a_head_replaced_since_is_dropped(world: World) -> None:
    day = escalated(world)
    Area.objects.filter(pk=world.social.pk).update(head=world.bruno)
    assert dispatch(now=at(day)).mails == 0
    assert set(Message.objects.values_list("status", "dropped_reason")) == {
        ("dropped", "Il destinatario non è più responsabile di un'area dell'obiettivo.")
    }


def test_an_escalation_about_an_activity_concluded_since_is_dropped_and_the_other_is_sent(world: World) -> None:
    day = escalated(world)
    conclude(world.activity, dt.date(2026, 6, 25))
    assert dispatch(now=at(day)).mails == 1
    rows = dict(Message.objects.values_list("target", "status"))
    assert rows == {f"activity:{world.activity.pk}": "dropped", f"activity:{world.second_activity.pk}": "sent"}
    assert "Formazione degli operatori" in mail.outbox[0].body
    assert "Mappatura degli sportelli" not in mail.outbox[0].body


# ----------------------------------------------------------------------------------------------- digests

MONDAY = dt.date(2026, 6, 22)


def digest_planned(world: World) -> Message:
    due_on_friday(world)
    plan_director_digests(MONDAY)
    return the_row(Message.Kind.DIRECTOR_DIGEST, world.diana)


def test_a_digest_to_someone_who_no_longer_directs_the_organization_is_dropped(world: World) -> None:
    digest_planned(world)
    OrganizationRole.objects.filter(user=world.diana, role=OrganizationRole.Role.DIRECTOR).delete()
    assert dispatch(now=at(MONDAY)).mails == 0
    assert outcome(Message.Kind.DIRECTOR_DIGEST, world.diana) == (
        "dropped",
        "Il destinatario non è più direttore dell'ente.",
    )


def test_a_digest_of_slipped_deadlines_that_were_all_caught_up_is_dropped(world: World) -> None:
    digest_planned(world)
    Activity.objects.filter(objective=world.objective).update(state=WorkState.CONCLUSO)
    assert dispatch(now=at(MONDAY)).mails == 0
    assert outcome(Message.Kind.DIRECTOR_DIGEST, world.diana) == (
        "dropped",
        "Nell'ente non ci sono più scadenze superate.",
    )


def test_a_digest_still_true_is_sent(world: World) -> None:
    digest_planned(world)
    assert dispatch(now=at(MONDAY)).mails == 1
    assert mailed_to() == ["diana@aurelia.example"]


# ---------------------------------------------------------------------------------------------- monitoring

JUNE_1 = dt.date(2026, 6, 1)  # the first working day of June 2026


def monthly_request(world: World) -> Message:
    """The June request lists both activities of SOC-1, sara's; May's round is already behind."""
    Activity.objects.filter(pk=world.second_activity.pk).update(owner=world.sara)
    MonitoringRound.objects.create(
        organization=world.aurelia, month=dt.date(2026, 5, 1), planned_on=dt.date(2026, 5, 4)
    )
    plan_monitoring(JUNE_1)
    request = the_row(Message.Kind.MONITORING, world.sara)
    assert request.context["activities"] == [world.activity.pk, world.second_activity.pk]
    return request


def answer(world: World, activity: Activity) -> None:
    MonitoringAnswer.objects.create(
        round=MonitoringRound.objects.get(organization=world.aurelia, month=JUNE_1),
        activity=activity,
        respondent=world.sara,
        state="avviato",
        progress=10,
    )


def test_a_monthly_request_lists_only_the_activities_still_the_persons(world: World) -> None:
    request = monthly_request(world)
    Activity.objects.filter(pk=world.activity.pk).update(owner=world.tommaso)
    assert dispatch(now=at(JUNE_1)).mails == 1
    [sent] = mail.outbox
    assert sent.to == ["sara@aurelia.example"]
    assert "Formazione degli operatori" in sent.body and "Mappatura degli sportelli" not in sent.body
    assert sent.body.count("/monitoraggio/") == 1  # one answer link: the activity still hers
    request.refresh_from_db()
    assert request.status == "sent"
    assert request.context["activities"] == [world.activity.pk, world.second_activity.pk]  # as planned


def test_a_monthly_request_whose_activities_are_all_closed_or_reassigned_is_dropped(world: World) -> None:
    monthly_request(world)
    Activity.objects.filter(pk=world.activity.pk).update(owner=world.tommaso)
    conclude(world.second_activity, dt.date(2026, 5, 29))
    assert dispatch(now=at(JUNE_1)).mails == 0
    assert outcome(Message.Kind.MONITORING, world.sara) == (
        "dropped",
        "Nessuna attività della richiesta attende più una risposta (affidate ad altri: 1, concluse: 1).",
    )


def test_a_monthly_request_already_answered_from_the_application_lists_only_the_rest(world: World) -> None:
    monthly_request(world)
    answer(world, world.activity)
    dispatch(now=at(JUNE_1))
    [sent] = mail.outbox
    assert "Formazione degli operatori" in sent.body and "Mappatura degli sportelli" not in sent.body


def reminder_planned(world: World) -> dt.date:
    """Sara's June request went out and was not answered: three working days later, her reminder."""
    monthly_request(world)
    Message.objects.filter(kind=Message.Kind.MONITORING).update(status=Message.Status.SENT)
    day = dt.date(2026, 6, 5)
    plan_monitoring(day)
    assert the_row(Message.Kind.MONITORING_REMINDER, world.sara).status == "pending"
    return day


def test_a_monitoring_reminder_about_activities_given_to_someone_else_is_dropped(world: World) -> None:
    day = reminder_planned(world)
    Activity.objects.filter(objective=world.objective).update(owner=world.tommaso)
    assert dispatch(now=at(day)).mails == 0
    assert outcome(Message.Kind.MONITORING_REMINDER, world.sara) == (
        "dropped",
        "Nessuna attività della richiesta attende più una risposta (affidate ad altri: 2).",
    )


def missing_planned(world: World) -> dt.date:
    """Six working days after the June request, anna gets the list: sara has not answered on two."""
    day = reminder_planned(world)
    Message.objects.filter(kind=Message.Kind.MONITORING_REMINDER).update(status=Message.Status.SENT)
    day = dt.date(2026, 6, 10)
    plan_monitoring(day)
    assert the_row(Message.Kind.MONITORING_MISSING, world.anna).context["missing"] == {
        str(world.sara.pk): [world.activity.pk, world.second_activity.pk]
    }
    return day


def test_the_list_of_who_has_not_answered_is_dropped_once_everyone_has(world: World) -> None:
    day = missing_planned(world)
    answer(world, world.activity)
    answer(world, world.second_activity)
    assert dispatch(now=at(day)).mails == 0
    assert outcome(Message.Kind.MONITORING_MISSING, world.anna) == (
        "dropped",
        "Nessuna attività della richiesta attende più una risposta (già aggiornate: 2).",
    )


def test_the_list_of_who_has_not_answered_names_only_what_still_waits(world: World) -> None:
    day = missing_planned(world)
    answer(world, world.activity)
    dispatch(now=at(day))
    [sent] = mail.outbox
    assert "Sara non ha risposto su 1 attività" in sent.body


def test_the_list_of_who_has_not_answered_is_dropped_for_a_head_who_left_the_area(world: World) -> None:
    day = missing_planned(world)
    Area.objects.filter(pk=world.social.pk).update(head=world.bruno)
    assert dispatch(now=at(day)).mails == 0
    assert outcome(Message.Kind.MONITORING_MISSING, world.anna) == (
        "dropped",
        "Nessuna attività della richiesta attende più una risposta (in aree di altri responsabili: 2).",
    )


# ------------------------------------------------------------------------------------------------ approvals

TODAY = dt.date(2026, 5, 15)  # the world's frozen day, a Friday


def postponement(world: World) -> TransitionRequest:
    """Sara asks to postpone her activity: anna decides first, then diana."""
    return item_rinvia(
        actor=world.sara, item=world.activity, reason="Gara deserta", new_planned_end=dt.date(2026, 9, 30)
    ).request


def test_a_notice_for_a_step_decided_before_it_went_out_is_dropped_and_the_next_step_is_told(world: World) -> None:
    approval_approve(actor=world.anna, request=postponement(world))
    result = dispatch(now=at(TODAY, 11))
    assert outcome(Message.Kind.APPROVAL_NEEDED, world.anna) == (
        "dropped",
        "Il passo «responsabile d'area» della richiesta è già stato deciso il 15/05/2026.",
    )
    assert the_row(Message.Kind.APPROVAL_NEEDED, world.diana).status == "sent"
    assert (result.mails, result.dropped, mailed_to()) == (1, 1, ["diana@aurelia.example"])


def test_notices_for_a_request_decided_before_they_went_out_are_dropped_and_the_requester_is_told(
    world: World,
) -> None:
    approval_approve(actor=world.diana, request=approval_approve(actor=world.anna, request=postponement(world)).request)
    dispatch(now=at(TODAY, 11))
    for person in (world.anna, world.diana):
        assert the_row(Message.Kind.APPROVAL_NEEDED, person).status == "dropped"
    assert outcome(Message.Kind.APPROVAL_NEEDED, world.diana) == (
        "dropped",
        "La richiesta è già stata decisa il 15/05/2026.",
    )
    assert mailed_to() == ["sara@aurelia.example"]
    assert "La richiesta di rinvio è approvata: Mappatura degli sportelli" in mail.outbox[0].body


def test_a_notice_for_a_rejected_request_is_dropped(world: World) -> None:
    approval_reject(actor=world.anna, request=postponement(world), comment="Serve il verbale di gara")
    dispatch(now=at(TODAY, 11))
    assert outcome(Message.Kind.APPROVAL_NEEDED, world.anna) == (
        "dropped",
        "La richiesta è già stata decisa il 15/05/2026.",
    )
    assert mailed_to() == ["sara@aurelia.example"]
    assert "Serve il verbale di gara" in mail.outbox[0].body


def test_a_notice_for_a_withdrawn_request_is_dropped(world: World) -> None:
    request_withdraw(actor=world.sara, request=postponement(world))
    assert dispatch(now=at(TODAY, 11)).mails == 0
    assert outcome(Message.Kind.APPROVAL_NEEDED, world.anna) == (
        "dropped",
        "La richiesta è stata ritirata il 15/05/2026.",
    )


def test_a_notice_to_a_head_replaced_before_it_went_out_is_dropped(world: World) -> None:
    postponement(world)
    Area.objects.filter(pk=world.social.pk).update(head=world.bruno)
    assert dispatch(now=at(TODAY, 11)).mails == 0
    assert outcome(Message.Kind.APPROVAL_NEEDED, world.anna) == (
        "dropped",
        "Il destinatario non decide più questo passo: non ne è titolare né sostituto.",
    )


def substitute_for_anna(world: World) -> Delegation:
    return Delegation.objects.create(
        organization=world.aurelia,
        delegator=world.anna,
        substitute=world.bruno,
        starts_on=dt.date(2026, 5, 11),
        ends_on=dt.date(2026, 5, 22),
    )


def test_a_notice_to_a_substitute_whose_delegation_was_revoked_is_dropped(world: World) -> None:
    delegation = substitute_for_anna(world)
    postponement(world)
    assert the_row(Message.Kind.APPROVAL_NEEDED, world.bruno).status == "pending"
    Delegation.objects.filter(pk=delegation.pk).update(revoked_at=at(TODAY, 10))
    dispatch(now=at(TODAY, 11))
    assert outcome(Message.Kind.APPROVAL_NEEDED, world.bruno) == (
        "dropped",
        "Il destinatario non decide più questo passo: non ne è titolare né sostituto.",
    )
    assert mailed_to() == ["anna@aurelia.example"]  # she holds the step all the same


def test_a_notice_to_a_substitute_still_standing_in_is_sent(world: World) -> None:
    substitute_for_anna(world)
    postponement(world)
    assert dispatch(now=at(TODAY, 11)).mails == 2
    assert mailed_to() == ["anna@aurelia.example", "bruno@aurelia.example"]


def test_the_outcome_of_a_request_is_sent_even_when_the_item_moved_on_since(world: World) -> None:
    approval_approve(actor=world.diana, request=approval_approve(actor=world.anna, request=postponement(world)).request)
    conclude(world.activity, TODAY)
    Activity.objects.filter(pk=world.activity.pk).update(owner=world.tommaso)
    Message.objects.filter(kind=Message.Kind.APPROVAL_NEEDED).delete()
    assert dispatch(now=at(TODAY, 11)).mails == 1
    assert the_row(Message.Kind.REQUEST_DECIDED, world.sara).status == "sent"


def test_the_outcome_of_a_request_is_not_mailed_to_a_deactivated_account(world: World) -> None:
    approval_reject(actor=world.anna, request=postponement(world), comment="No")
    Message.objects.filter(kind=Message.Kind.APPROVAL_NEEDED).delete()
    User.objects.filter(pk=world.sara.pk).update(is_active=False)
    assert dispatch(now=at(TODAY, 11)).mails == 0
    assert outcome(Message.Kind.REQUEST_DECIDED, world.sara) == ("dropped", "Il destinatario non è più attivo.")


# --------------------------------------------------------------------------------------------- afterwards


def test_a_dropped_row_is_never_sent_nor_retried_nor_queued_again_from_the_admin(world: World) -> None:
    approval_approve(actor=world.anna, request=postponement(world))
    dispatch(now=at(TODAY, 11))
    dropped = the_row(Message.Kind.APPROVAL_NEEDED, world.anna)
    assert dropped.status == "dropped"
    admin = User.objects.create_superuser("operatore", "operatore@aurelia.example", "segreta")
    client = Client()
    client.force_login(admin)
    listing = client.get("/admin/notifications/message/", {"status__exact": "dropped"})
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "non più attuale" in page and f"/admin/notifications/message/{dropped.pk}/change/" in page
    detail = client.get(f"/admin/notifications/message/{dropped.pk}/change/").content.decode()
    assert "è già stato deciso il 15/05/2026" in detail
    client.post(
        "/admin/notifications/message/",
        {"action": "queue_again", "_selected_action": [dropped.pk]},
    )
    for later in (at(TODAY, 12), at(dt.date(2026, 5, 18))):
        dispatch(now=later)
    dropped.refresh_from_db()
    assert (dropped.status, dropped.attempts, dropped.sent_at) == ("dropped", 0, None)
    assert mailed_to() == ["diana@aurelia.example"]
