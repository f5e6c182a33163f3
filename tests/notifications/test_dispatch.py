"""Sending the outbox (unit level, in-memory mail): grouping, language, retries, failures, holidays, lost
claims and daily digests. The real SMTP server and worker are in test_delivery.py."""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings

from notifications import tasks
from notifications.dispatch import dispatch
from notifications.models import Message, Preference
from notifications.monitoring import plan_monitoring
from notifications.scans import plan_deadline_reminders, plan_director_digests
from plans.models import Activity
from tests.notifications.backends import FlakyBackend
from tests.workflow.world import World

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


@pytest.fixture(autouse=True)
def flaky_mail(settings: Settings) -> Iterator[None]:
    settings.MAILERS = {"default": {"BACKEND": "tests.notifications.backends.FlakyBackend"}}
    FlakyBackend.failures.clear()
    yield
    FlakyBackend.failures.clear()


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=ROME)


def overdue_world(world: World) -> None:
    """Both activities of SOC-1 were due on Friday 19 June: by Monday 22 June both are overdue."""
    Activity.objects.filter(objective=world.objective).update(planned_end=dt.date(2026, 6, 19), owner=world.sara)


def test_a_persons_messages_of_one_run_go_in_one_italian_mail(world: World) -> None:
    overdue_world(world)
    plan_deadline_reminders(dt.date(2026, 6, 22))
    result = dispatch(now=at(2026, 6, 22))
    assert (result.mails, result.messages) == (1, 2)
    [sent] = mail.outbox
    assert sent.to == ["sara@aurelia.example"]
    assert sent.subject == "[Comune di Aurelia] Scadenze superate, ancora aperte"
    assert "Gentile Sara," in sent.body
    assert "Mappatura degli sportelli" in sent.body and "Formazione degli operatori" in sent.body
    assert f"/attivita/{world.activity.pk}/" in sent.body
    html = sent.alternatives[0].content  # type: ignore[attr-defined]
    assert "<a href=" in html and "Servizi sociali" in html
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
    assert dispatch(now=at(2026, 6, 22, 11)).mails == 0  # nothing twice


def test_a_run_reads_its_rows_at_once_and_makes_one_statement_per_mail(world: World) -> None:
    """Each person's claim is one statement, which also marks the previous mail sent: the queries of a run
    grow by one per mail, whatever the mails name (items, objectives, areas, people are read at once)."""
    overdue_world(world)
    people = [world.tommaso, world.anna, world.bruno, world.diana, world.otto]
    for position, person in enumerate(people, start=3):
        Activity.objects.create(
            objective=world.objective,
            position=position,
            description=f"Attività di {person.username}",
            planned_end=dt.date(2026, 6, 19),
            owner=person,
        )
    plan_deadline_reminders(dt.date(2026, 6, 22))
    with CaptureQueriesContext(connection) as queries:
        result = dispatch(now=at(2026, 6, 22))
    assert (result.mails, result.messages) == (6, 7)
    per_mail = 1 if connection.vendor == "postgresql" else 5  # elsewhere: two UPDATEs and a SELECT, in a savepoint
    if connection.vendor == "postgresql":
        claims = [query for query in queries.captured_queries if "WITH sent AS" in query["sql"]]
        assert len(claims) == result.mails
    assert len(queries) <= per_mail * result.mails + 8, [query["sql"][:80] for query in queries.captured_queries]
    assert set(Message.objects.values_list("status", "claim")) == {("sent", None)}
    assert {message.to[0] for message in mail.outbox} == {"sara@aurelia.example"} | {person.email for person in people}


def test_shards_share_the_people_and_together_send_everything_once(world: World) -> None:
    overdue_world(world)
    Activity.objects.filter(pk=world.second_activity.pk).update(owner=world.tommaso)
    plan_deadline_reminders(dt.date(2026, 6, 22))
    people = set(Message.objects.values_list("recipient_id", flat=True))
    assert {person % 2 for person in people} == {0, 1}, "the world's people must fall in both shards"
    even = dispatch(now=at(2026, 6, 22), shard=(0, 2))
    sent_first = {message.to[0] for message in mail.outbox}
    odd = dispatch(now=at(2026, 6, 22), shard=(1, 2))
    assert even.mails == len([p for p in people if p % 2 == 0]) and odd.mails == len([p for p in people if p % 2])
    assert sent_first == set(
        Message.objects.filter(recipient_id__in=[p for p in people if p % 2 == 0]).values_list(
            "recipient__email", flat=True
        )
    )
    assert len(mail.outbox) == len(people)  # each person once
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}


def test_run_scans_hands_the_other_shards_to_the_pool_and_sends_its_own(
    world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    published: list[dict[str, object]] = []
    monkeypatch.setattr(tasks.dispatch_messages, "delay", lambda **kwargs: published.append(kwargs))
    overdue_world(world)
    Activity.objects.filter(pk=world.second_activity.pk).update(owner=world.tommaso)
    day = dt.date(2026, 6, 22)  # the rows run_scans sends, planned first: their people's ids set the shards
    assert plan_deadline_reminders(day) + plan_director_digests(day) + plan_monitoring(day) > 0
    people = set(Message.objects.values_list("recipient_id", flat=True))
    # At least 3 shards, with someone in the run's own shard (0) and someone not (the largest id always does).
    shards = next(n for n in range(3, max(people) + 1) if {person % n == 0 for person in people} == {True, False})
    settings.MAIL_DISPATCH_SHARDS = shards
    result = tasks.run_scans.apply(kwargs={"now": at(2026, 6, 22).isoformat()}).get()
    assert result["planned"] == 0  # nothing new: the people are the ones the shards were chosen for
    assert [entry["shard"] for entry in published] == [[index, shards] for index in range(1, shards)]
    mine = {person for person in people if person % shards == 0}
    assert result["mails"] == len(mail.outbox) == len(mine)
    sent = set(Message.objects.filter(status="sent").values_list("recipient_id", flat=True))
    assert sent == mine  # the other shards' people wait for their tasks
    assert people - mine, "some people must fall in the other shards"


def test_run_scans_sends_every_shard_itself_when_the_broker_is_down(
    world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.MAIL_DISPATCH_SHARDS = 2

    def broker_down(**kwargs: object) -> None:
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(tasks.dispatch_messages, "delay", broker_down)
    overdue_world(world)
    result = tasks.run_scans.apply(kwargs={"now": at(2026, 6, 22).isoformat()}).get()
    people = set(Message.objects.values_list("recipient_id", flat=True))
    assert result["mails"] == len(mail.outbox) == len(people) > 1
    assert result["messages"] == Message.objects.count()
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}


def test_english_for_those_who_choose_it(world: World) -> None:
    overdue_world(world)
    Preference.objects.create(user=world.sara, language="en")
    plan_deadline_reminders(dt.date(2026, 6, 22))
    dispatch(now=at(2026, 6, 22))
    assert mail.outbox[0].subject == "[Comune di Aurelia] Deadlines passed, still open"
    assert "Dear Sara," in mail.outbox[0].body


def test_a_transient_error_is_retried_with_backoff_until_it_goes_out(world: World) -> None:
    overdue_world(world)
    plan_deadline_reminders(dt.date(2026, 6, 22))
    FlakyBackend.failures.extend([smtplib.SMTPServerDisconnected("down"), ConnectionRefusedError(111, "refused")])
    first = dispatch(now=at(2026, 6, 22))
    assert (first.mails, first.retried) == (0, 2)
    row = Message.objects.first()
    assert row is not None
    assert (row.status, row.attempts, "down" in row.last_error) == ("pending", 1, True)
    assert dispatch(now=at(2026, 6, 22)).mails == 0  # not before its next attempt
    assert dispatch(now=at(2026, 6, 22) + dt.timedelta(minutes=1)).retried == 2  # refused again
    recovered = dispatch(now=at(2026, 6, 22) + dt.timedelta(minutes=5))
    assert (recovered.mails, recovered.messages) == (1, 2)
    assert len(mail.outbox) == 1
    assert set(Message.objects.values_list("attempts", flat=True)) == {3}


def test_a_permanent_error_marks_the_rows_failed_with_the_reason(world: World) -> None:
    overdue_world(world)
    plan_deadline_reminders(dt.date(2026, 6, 22))
    FlakyBackend.failures.append(smtplib.SMTPRecipientsRefused({"sara@aurelia.example": (550, b"no such user")}))
    assert dispatch(now=at(2026, 6, 22)).failed == 2
    assert set(Message.objects.values_list("status", flat=True)) == {"failed"}
    assert "550" in Message.objects.values_list("last_error", flat=True)[0]
    assert dispatch(now=at(2026, 6, 23)).mails == 0


def test_a_failed_mail_does_not_stop_the_others_of_the_run(world: World) -> None:
    """The run's connection breaks on one mail: that person's rows wait for their retry, the next mail
    goes out on a new connection."""
    overdue_world(world)
    Activity.objects.filter(pk=world.second_activity.pk).update(owner=world.tommaso)
    plan_deadline_reminders(dt.date(2026, 6, 22))
    FlakyBackend.failures.append(smtplib.SMTPServerDisconnected("gone"))
    result = dispatch(now=at(2026, 6, 22))
    assert (result.mails, result.retried) == (1, 1)
    statuses = dict(Message.objects.values_list("recipient__username", "status"))
    assert statuses == {"sara": "pending", "tommaso": "sent"}  # sara's row is the first one
    assert [message.to for message in mail.outbox] == [["tommaso@aurelia.example"]]


def test_a_person_without_an_address_fails_alone(world: World) -> None:
    overdue_world(world)
    Activity.objects.filter(pk=world.second_activity.pk).update(owner=world.tommaso)
    world.tommaso.email = ""
    world.tommaso.save()
    plan_deadline_reminders(dt.date(2026, 6, 22))
    result = dispatch(now=at(2026, 6, 22))
    assert (result.mails, result.failed) == (1, 1)
    assert Message.objects.get(recipient=world.tommaso).status == "failed"


def test_nothing_goes_out_on_a_holiday(world: World) -> None:
    overdue_world(world)
    plan_deadline_reminders(dt.date(2026, 6, 22))
    Message.objects.update(due_on=dt.date(2026, 6, 1))
    assert dispatch(now=at(2026, 6, 2)).mails == 0  # Festa della Repubblica
    assert dispatch(now=at(2026, 6, 27)).mails == 0  # Saturday
    assert dispatch(now=at(2026, 6, 29)).mails == 1


def test_a_claim_lost_with_its_worker_is_handed_back_after_the_lease(world: World) -> None:
    overdue_world(world)
    plan_deadline_reminders(dt.date(2026, 6, 22))
    Message.objects.update(status="sending", claimed_at=at(2026, 6, 22, 9))
    assert dispatch(now=at(2026, 6, 22, 9) + dt.timedelta(minutes=5)).mails == 0  # still within the lease
    result = dispatch(now=at(2026, 6, 22, 10))
    assert (result.mails, result.messages) == (1, 2)


def test_a_daily_digest_reader_gets_one_mail_a_day_from_the_digest_hour(world: World) -> None:
    overdue_world(world)
    Preference.objects.create(user=world.sara, delivery=Preference.Delivery.DAILY)
    plan_deadline_reminders(dt.date(2026, 6, 22))
    assert dispatch(now=at(2026, 6, 22, 7)).mails == 0
    assert dispatch(now=at(2026, 6, 22, 8)).mails == 1
    Activity.objects.filter(pk=world.activity.pk).update(planned_end=dt.date(2026, 6, 23), next_reminder_on=None)
    plan_deadline_reminders(dt.date(2026, 6, 22))
    assert dispatch(now=at(2026, 6, 22, 12)).mails == 0  # the rest waits for tomorrow's digest
    with time_machine.travel(at(2026, 6, 23, 8), tick=False):
        assert dispatch().mails == 1


@pytest.mark.parametrize(
    "holiday",
    [
        dt.date(2026, 4, 6),  # Pasquetta
        dt.date(2025, 4, 25),  # Liberazione, a Friday
        dt.date(2026, 5, 1),  # Festa del lavoro, a Friday
        dt.date(2026, 6, 2),  # Festa della Repubblica
        dt.date(2025, 8, 15),  # Ferragosto, a Friday
        dt.date(2027, 11, 1),  # Ognissanti, a Monday
        dt.date(2026, 12, 8),  # Immacolata
        dt.date(2026, 12, 25),  # Natale
        dt.date(2026, 6, 13),  # a Saturday
        dt.date(2026, 6, 14),  # a Sunday
    ],
)
def test_no_mail_goes_out_on_a_holiday_or_a_weekend(world: World, holiday: dt.date) -> None:
    overdue_world(world)
    plan_deadline_reminders(dt.date(2026, 6, 22))
    Message.objects.update(due_on=dt.date(2025, 1, 2), next_attempt_at=at(2025, 1, 2))
    with time_machine.travel(dt.datetime.combine(holiday, dt.time(10), tzinfo=ROME), tick=False):
        assert dispatch().mails == 0
        assert not mail.outbox
    following = holiday + dt.timedelta(days=1)
    while following.weekday() >= 5 or following in (dt.date(2026, 12, 26),):
        following += dt.timedelta(days=1)
    with time_machine.travel(dt.datetime.combine(following, dt.time(10), tzinfo=ROME), tick=False):
        assert dispatch().mails == 1


def test_each_person_chooses_their_delivery_and_language_through_the_api(world: World) -> None:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(world.sara)
    assert client.get("/api/me/mail-preference/").json() == {"delivery": "immediate", "language": "it"}
    chosen = client.put("/api/me/mail-preference/", {"delivery": "daily", "language": "en"}, format="json")
    assert chosen.json() == {"delivery": "daily", "language": "en"}
    assert Preference.objects.get(user=world.sara).delivery == Preference.Delivery.DAILY
    refused = client.put("/api/me/mail-preference/", {"delivery": "weekly", "language": "fr"}, format="json")
    assert refused.status_code == 400
    assert set(refused.json()["fields"]) == {"delivery", "language"}
    assert APIClient().get("/api/me/mail-preference/").status_code == 401


def test_an_empty_preference_field_is_refused_not_ignored(world: World) -> None:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(world.sara)
    refused = client.put("/api/me/mail-preference/", {"delivery": "", "language": "it"})
    assert refused.status_code == 400
    assert "delivery" in refused.json()["fields"]
    assert not Preference.objects.filter(user=world.sara).exists()
