"""Delivery end to end: a real Redis broker, real Celery workers (subprocesses on the test database) and a
real SMTP server on loopback (tests/notifications/sink.py).

Every outbox row is counted at the SMTP server, through the X-Traguardi-Messages header of the mails it
accepted: each row arrives exactly once, none is lost, each person gets one mail, every row ends "sent".
That holds when a scan runs twice (one after the other, or twice at once), with two workers racing on
several dispatch tasks, when the broker delivers the same task twice, when a worker is killed in the middle
of a send, and when the SMTP server is down and then comes back.

The runs pass an explicit moment (`now`) on a working day three weeks ahead of the real date: nothing is
sent on a non-working day, and a new row is not sent before the real moment it was planned at (its
next_attempt_at; see test_a_scan_for_a_past_day_sends_what_it_plans_in_the_same_run).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from notifications import tasks
from notifications.calendar import add_working_days, next_working_day
from notifications.models import Message, MonitoringRound
from notifications.monitoring import month_start
from notifications.scans import plan_deadline_reminders, plan_director_digests
from plans.models import Activity, Objective, Organization
from tests.notifications.sink import Received, Sink
from tests.notifications.workers import (
    LEASE_SECONDS,
    PEOPLE,
    RECEIVED,
    ROME,
    SUCCEEDED,
    WAIT,
    WORKER_TESTS,
    Workers,
    purge_broker,
    running_workers,
    send,
)
from tests.workflow.world import World, build_world
from workflow.services import approval_approve, item_rinvia

pytestmark = WORKER_TESTS


@pytest.fixture(scope="module")
def workers(django_db_setup: None, sink: Sink, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workers]:
    extra = {"EMAIL_URL": f"smtp://127.0.0.1:{sink.port}?timeout=10", "MAIL_SEND_LEASE_SECONDS": str(LEASE_SECONDS)}
    with running_workers(tmp_path_factory.mktemp("workers"), 2, **extra) as pool:
        yield pool


@pytest.fixture(autouse=True)
def fresh(workers: Workers, sink: Sink) -> Iterator[Workers]:
    """Two idle workers, an empty queue and an empty, fast, listening SMTP server for each test."""
    purge_broker()
    workers.ensure(2)
    sink.release()
    sink.start()
    sink.reset()
    yield workers
    sink.release()  # a stalled RCPT must not outlive its test


# ------------------------------------------------------------------------------------------------ the scene


@dataclass
class Scene:
    world: World
    now: dt.datetime  # 10:00 on a working day ahead of the real date
    end: dt.date  # the working day before: every activity was due then
    owners: dict[int, User]  # activity → the person it reminds

    def later(self, **delta: float) -> dt.datetime:
        return self.now + dt.timedelta(**delta)


def build_scene() -> Scene:
    """The Comune di Aurelia (tests/workflow/world.py) with twenty more people, each owning one activity of
    SOC-1; every activity of SOC-1 (sara owns the first two) was due on the day before the run."""
    day = next_working_day(timezone.localdate() + dt.timedelta(days=21))
    end = add_working_days(day, -1)
    world = build_world()
    Objective.objects.filter(planned_end__isnull=False).update(planned_end=day + dt.timedelta(days=365))
    Activity.objects.filter(objective=world.objective).update(planned_end=end, owner=world.sara)
    for position, (first, last) in enumerate(PEOPLE, start=3):
        person = User.objects.create_user(
            f"{first}.{last}".lower().replace(" ", ""),
            f"{first}.{last}@aurelia.example".lower().replace(" ", ""),
            first_name=first,
            last_name=last,
        )
        Activity.objects.create(
            objective=world.objective,
            position=position,
            description=f"Attività di {first} {last}",
            planned_end=end,
            owner=person,
        )
    # This month's monitoring round is already planned: the scans plan deadline notices and digests only.
    for organization in Organization.objects.all():
        MonitoringRound.objects.create(organization=organization, month=month_start(day), planned_on=day)
    owners = {
        activity.pk: activity.owner
        for activity in Activity.objects.filter(objective=world.objective).select_related("owner")
        if activity.owner is not None
    }
    return Scene(world, dt.datetime.combine(day, dt.time(10), tzinfo=ROME), end, owners)


def planned(scene: Scene) -> tuple[int, int]:
    """How many rows the scan planned, and for how many people: an overdue notice for each activity of SOC-1
    (sara owns two, each of the twenty people one), the director's weekly digest (diana's: Borgo has nothing
    late), and nothing else."""
    overdue = Message.objects.filter(kind=Message.Kind.OVERDUE)
    assert set(overdue.values_list("target", "recipient")) == {
        (f"activity:{activity}", owner.pk) for activity, owner in scene.owners.items()
    }
    digests = Message.objects.filter(kind=Message.Kind.DIRECTOR_DIGEST)
    assert list(digests.values_list("recipient", flat=True)) == [scene.world.diana.pk]
    assert not Message.objects.exclude(kind__in=[Message.Kind.OVERDUE, Message.Kind.DIRECTOR_DIGEST]).exists()
    rows, people = Message.objects.count(), Message.objects.values("recipient").distinct().count()
    assert (rows, people) == (len(scene.owners) + 1, len(set(scene.owners.values())) + 1)
    return rows, people


def plan_in_the_test(scene: Scene) -> tuple[int, int]:
    """What the scan plans, planned here: the tests of concurrent sending start from a full outbox."""
    plan_deadline_reminders(scene.now.date())
    plan_director_digests(scene.now.date())
    return planned(scene)


def assert_delivered_exactly_once(mails: list[Received]) -> dict[int, Message]:
    """Counted at the SMTP server: every outbox row arrived once, to its recipient, in one mail per person."""
    rows = {row.pk: row for row in Message.objects.select_related("recipient")}
    assert rows, "nothing was planned"
    carried = Counter(pk for mail in mails for pk in mail.message_ids)
    twice = {pk: count for pk, count in carried.items() if count > 1}
    assert not twice, f"delivered more than once: {twice}"
    assert set(carried) == set(rows), f"lost: {sorted(set(rows) - set(carried))}, unknown: {set(carried) - set(rows)}"
    for mail in mails:
        [address] = {rows[pk].recipient.email for pk in mail.message_ids}
        assert mail.envelope_to == (address,)
        assert address in mail.to
    per_person = Counter(mail.envelope_to for mail in mails)
    assert set(per_person.values()) == {1}, f"more than one mail: {per_person}"
    assert {row.status for row in rows.values()} == {Message.Status.SENT}
    assert not Message.objects.exclude(claim=None).exists()
    return rows


def someone_in_the_middle() -> User:
    """A person the dispatcher reaches neither first nor last: it goes through people by their first row."""
    order = list(dict.fromkeys(Message.objects.order_by("pk").values_list("recipient", flat=True)))
    return User.objects.get(pk=order[len(order) // 2])


def addressed_to(mails: list[Received], user: User) -> Received:
    [mail] = [mail for mail in mails if mail.envelope_to == (user.email,)]
    return mail


# ------------------------------------------------------------------------------------------------ the cases


def test_a_scan_delivers_italian_mails_to_the_right_people_with_their_links(fresh: Workers, sink: Sink) -> None:
    scene = build_scene()
    [result] = fresh.wait([send("run_scans", scene.now)])
    count, people = planned(scene)
    assert result == {"planned": count, "mails": people, "messages": count}
    mails = sink.wait_for(people)
    rows = assert_delivered_exactly_once(mails)
    assert len(mails) == people
    assert sink.connections == 1  # every mail of the run over one SMTP connection
    assert {row.sent_at for row in rows.values()} == {scene.now}

    sara = addressed_to(mails, scene.world.sara)
    assert sara.subject == "[Comune di Aurelia] Scadenze superate, ancora aperte"
    assert sara.text.startswith("Gentile Sara,")
    assert "Mappatura degli sportelli" in sara.text and "Formazione degli operatori" in sara.text
    assert f"SOC-1 · Servizi sociali · scadenza {scene.end:%d/%m/%Y}" in sara.text
    assert f"Come e in che lingua ricevi la posta: {settings.SITE_URL}/profilo/" in sara.text
    for item in (scene.world.activity, scene.world.second_activity):
        link = f"{settings.SITE_URL}/attivita/{item.pk}/"
        assert link.startswith("http") and link in sara.text and f'<a href="{link}">' in sara.html
    assert '<html lang="it">' in sara.html

    for activity, owner in scene.owners.items():
        mail = addressed_to(mails, owner)
        assert mail.subject == "[Comune di Aurelia] Scadenze superate, ancora aperte"
        assert mail.text.startswith(f"Gentile {owner.get_full_name()},")
        assert f"{settings.SITE_URL}/attivita/{activity}/" in mail.text

    diana = addressed_to(mails, scene.world.diana)
    assert re.fullmatch(r"\[Comune di Aurelia\] \d+ scadenz[ae] superat[ae] in Comune di Aurelia", diana.subject)
    assert diana.text.startswith("Gentile Diana,")


def test_a_scan_run_twice_delivers_once(fresh: Workers, sink: Sink) -> None:
    scene = build_scene()
    [first] = fresh.wait([send("run_scans", scene.now)])
    [second] = fresh.wait([send("run_scans", scene.now)])
    [later] = fresh.wait([send("run_scans", scene.later(minutes=15))])  # beat's next run: nothing new
    count, people = planned(scene)  # the same rows as after the first run
    assert first == {"planned": count, "mails": people, "messages": count}
    assert (second["mails"], second["messages"]) == (later["mails"], later["messages"]) == (0, 0)
    assert_delivered_exactly_once(sink.wait_for(people))
    time.sleep(0.3)  # nothing late either
    assert len(sink.mails) == people


def test_the_same_scan_sent_twice_at_once_delivers_once(fresh: Workers, sink: Sink) -> None:
    """Two beats start the same scan together, and the broker hands one of their messages out twice: three
    runs of the same scan, on two workers, plan and send at once."""
    scene = build_scene()
    sink.delay = 0.03  # each run lasts long enough for the others to run into it
    twice = send("run_scans", scene.now)
    tasks = [twice, send("run_scans", scene.now, task_id=twice), send("run_scans", scene.now)]
    results = fresh.wait(tasks)
    assert len(results) == 3
    _count, people = planned(scene)  # each row once, whoever inserted it
    assert sum(result["mails"] for result in results) == people
    assert_delivered_exactly_once(sink.wait_for(people))
    assert len(sink.mails) == people


def test_two_workers_consuming_several_dispatch_tasks_at_once_deliver_once(fresh: Workers, sink: Sink) -> None:
    scene = build_scene()
    _count, people = plan_in_the_test(scene)
    sink.delay = 0.05
    sara, diana = scene.world.sara.pk, scene.world.diana.pk
    tasks = [send("dispatch_messages", scene.now) for _ in range(5)]
    tasks += [send("dispatch_messages", scene.now, recipient_ids=[sara, diana])]  # as after an approval event
    results = fresh.wait(tasks)
    mails = sink.wait_for(people)
    assert_delivered_exactly_once(mails)
    assert sum(result["mails"] for result in results) == len(mails) == people
    for worker in fresh.running:  # both took part
        ran = {match["id"] for match in SUCCEEDED.finditer(worker.output())} & set(tasks)
        assert ran, f"{worker.name} ran none of the tasks"


def test_the_shards_of_a_run_deliver_everything_once_on_both_pool_processes(fresh: Workers, sink: Sink) -> None:
    """What run_scans hands out with MAIL_DISPATCH_SHARDS=2: each task sends its half of the people."""
    scene = build_scene()
    _count, people = plan_in_the_test(scene)
    tasks = [send("dispatch_messages", scene.now, shard=[index, 2]) for index in range(2)]
    results = fresh.wait(tasks)
    mails = sink.wait_for(people)
    assert_delivered_exactly_once(mails)
    assert all(result["mails"] > 0 for result in results)  # each shard had people of its own
    assert sum(result["mails"] for result in results) == len(mails) == people


def test_a_task_delivered_twice_by_the_broker_delivers_once(fresh: Workers, sink: Sink) -> None:
    """Redis delivers at least once: after a visibility timeout or a lost connection the same task message
    (same id) comes again. Deterministic here: the same message is published twice, and two workers run the
    two copies at the same time."""
    scene = build_scene()
    _count, people = plan_in_the_test(scene)
    sink.delay = 0.05
    task_id = send("dispatch_messages", scene.now)
    send("dispatch_messages", scene.now, task_id=task_id)
    results = fresh.wait([task_id, task_id])
    assert len(results) == 2
    assert RECEIVED.findall(fresh.output()).count(task_id) == 2
    mails = sink.wait_for(people)
    assert_delivered_exactly_once(mails)
    assert sum(result["mails"] for result in results) == people


def test_a_task_whose_pool_process_dies_mid_send_is_redelivered_and_delivers_once(fresh: Workers, sink: Sink) -> None:
    """acks_late + reject_on_worker_lost: the pool process running the task is killed while one mail is half
    sent; the broker gives the same task (same id) to a worker again, which sends the rest. The interrupted
    person's rows stay claimed until their lease runs out; the next run after it sends them, once."""
    scene = build_scene()
    _count, people = plan_in_the_test(scene)
    victim = someone_in_the_middle()
    sink.stall(victim.email)  # its RCPT gets no answer: the mail is never complete
    task_id = send("dispatch_messages", scene.now)
    assert sink.stalled.wait(WAIT), "the stalled recipient was never reached"
    worker = fresh.running_task(task_id)
    [pool_process] = worker.pool_processes()
    os.kill(pool_process, signal.SIGKILL)
    sink.release()
    before = len(sink.mails)  # sent by the pool process before it died
    assert 0 < before < people - 1
    [redelivered] = fresh.wait([task_id])  # the same id runs again and finishes
    assert RECEIVED.findall(fresh.output()).count(task_id) == 2
    interrupted = Message.objects.filter(recipient=victim)
    assert {row.status for row in interrupted} == {Message.Status.SENDING}  # its lease is not over
    assert not Message.objects.filter(status=Message.Status.PENDING).exists()
    assert redelivered["mails"] == people - 1 - before
    assert len(sink.mails) == people - 1

    [after_lease] = fresh.wait([send("dispatch_messages", scene.later(minutes=1))])
    assert after_lease == {"mails": 1, "messages": interrupted.count()}
    mails = sink.wait_for(people)
    rows = assert_delivered_exactly_once(mails)
    assert {row.attempts for row in rows.values() if row.recipient_id == victim.pk} == {2}
    assert worker.alive()  # the worker itself survived the loss of its pool process


def test_a_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(fresh: Workers, sink: Sink) -> None:
    """SIGKILL to a whole worker while the SMTP server holds one of its mails half sent: the mails before it
    went out, the one in flight did not arrive, its rows stay "sending" until the lease runs out, and the
    other workers' runs (the survivor's, the replacement's) send everything else exactly once. The killed
    task's message, never acknowledged, comes back after Redis's visibility timeout: it then finds nothing."""
    scene = build_scene()
    _count, people = plan_in_the_test(scene)
    victim = someone_in_the_middle()
    sink.stall(victim.email)
    task_id = send("dispatch_messages", scene.now)
    assert sink.stalled.wait(WAIT), "the stalled recipient was never reached"
    worker = fresh.running_task(task_id)
    fresh.kill(worker)
    replacement = fresh.spawn()  # as a supervisor would; it boots while the survivor goes on
    sink.release()
    before = len(sink.mails)
    assert 0 < before < people
    assert not any(victim.email in mail.envelope_to for mail in sink.mails)
    interrupted = Message.objects.filter(recipient=victim)
    assert {row.status for row in interrupted} == {Message.Status.SENDING}

    [same_moment] = fresh.wait([send("dispatch_messages", scene.now)])  # within the lease: not resent
    assert same_moment["mails"] == people - before - 1
    assert {row.status for row in interrupted.all()} == {Message.Status.SENDING}
    fresh.join(replacement)
    [after_lease] = fresh.wait([send("dispatch_messages", scene.later(minutes=1))])
    assert after_lease == {"mails": 1, "messages": interrupted.count()}
    # The killed worker's message was never acknowledged: Redis gives it back after its visibility timeout
    # (an hour). Here it comes back at once, and finds nothing left to send.
    purge_broker()
    assert fresh.wait([send("dispatch_messages", scene.now, task_id=task_id)]) == [{"mails": 0, "messages": 0}]
    assert_delivered_exactly_once(sink.wait_for(people))


def test_smtp_down_then_up_delivers_everything_once_and_records_the_failures(fresh: Workers, sink: Sink) -> None:
    scene = build_scene()
    sink.stop()  # nobody listens on its port
    [down] = fresh.wait([send("run_scans", scene.now)])
    count, people = planned(scene)
    assert down == {"planned": count, "mails": 0, "messages": 0}
    rows = list(Message.objects.all())
    for row in rows:
        assert (row.status, row.attempts, row.claim) == (Message.Status.PENDING, 1, None)
        assert "Connection refused" in row.last_error or "ConnectionRefusedError" in row.last_error
        assert row.next_attempt_at == scene.later(minutes=1)  # backoff: 1 minute after the first failure

    assert fresh.wait([send("dispatch_messages", scene.later(seconds=30))]) == [{"mails": 0, "messages": 0}]
    assert set(Message.objects.values_list("attempts", flat=True)) == {1}  # not retried before its time
    fresh.wait([send("dispatch_messages", scene.later(minutes=1))])  # still down: second failure
    assert set(Message.objects.values_list("attempts", flat=True)) == {2}
    assert set(Message.objects.values_list("next_attempt_at", flat=True)) == {scene.later(minutes=3)}

    sink.start()  # the SMTP server comes back on the same port
    [up] = fresh.wait([send("run_scans", scene.later(minutes=3))])
    assert (up["mails"], up["messages"]) == (people, count)
    rows_after = assert_delivered_exactly_once(sink.wait_for(people))
    assert {(row.attempts, row.last_error) for row in rows_after.values()} == {(3, "")}
    assert {row.sent_at for row in rows_after.values()} == {scene.later(minutes=3)}


def test_a_scan_for_a_past_day_sends_what_it_plans_in_the_same_run(fresh: Workers, sink: Sink) -> None:
    """An operator reruns the scan of Monday 22 June 2026 (both activities of SOC-1 were due on Friday 19):
    the run plans sara's overdue notices and must send them. The rows are planned with next_attempt_at set
    from the real clock, later than the run's moment, so the run's own dispatch skips them."""
    world = build_world()
    Activity.objects.filter(objective=world.objective).update(planned_end=dt.date(2026, 6, 19), owner=world.sara)
    for organization in Organization.objects.all():
        MonitoringRound.objects.create(
            organization=organization, month=dt.date(2026, 6, 1), planned_on=dt.date(2026, 6, 1)
        )
    [result] = fresh.wait([send("run_scans", dt.datetime(2026, 6, 22, 10, tzinfo=ROME))])
    assert result["planned"] == Message.objects.count() > 0
    assert result["messages"] == result["planned"], f"planned but not sent in the same run: {result}"
    assert_delivered_exactly_once(sink.wait_for(Message.objects.values("recipient").distinct().count()))


def test_a_scan_run_again_reports_that_it_planned_nothing(fresh: Workers, sink: Sink) -> None:
    """run_scans returns, and send_reminders prints, how many messages a run planned. The second run of the
    same day inserts nothing (the unique key refuses the director's digest again), so it must say 0."""
    scene = build_scene()
    [first] = fresh.wait([send("run_scans", scene.now)])
    [second] = fresh.wait([send("run_scans", scene.now)])
    count, _people = planned(scene)
    assert first["planned"] == count
    assert second["planned"] == 0, f"the second run claims to have planned {second['planned']} rows that existed"


def test_approval_events_ask_the_worker_after_commit_which_tells_each_person_once(
    fresh: Workers, sink: Sink, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A postponement asked by sara, approved by anna once she has heard of it, then by diana once she has:
    each event publishes one dispatch_messages task for its people once its transaction has committed
    (notifications.events, a plain transaction.on_commit), and the worker tells anna and diana that it awaits
    them and sara that it was approved, each once, nothing lost. (A notice whose step is decided before it
    goes out is dropped instead: test_delivery_stale.py.)"""
    scene = build_scene()
    world = scene.world
    published: list[str] = []  # published as the events publish it, with the scene's working day as the moment
    monkeypatch.setattr(
        tasks.dispatch_messages,
        "delay",
        lambda recipient_ids: published.append(send("dispatch_messages", scene.now, recipient_ids=recipient_ids)),
    )
    new_end = scene.end + dt.timedelta(days=60)
    asked = item_rinvia(actor=world.sara, item=world.activity, reason="Gara deserta", new_planned_end=new_end)
    sink.wait_for(1)  # anna reads the notice, then decides
    approved = approval_approve(actor=world.anna, request=asked.request)
    sink.wait_for(2)  # so does diana
    approval_approve(actor=world.diana, request=approved.request)
    assert len(published) == 3  # one task per event
    results = fresh.wait(published)
    mails = sink.wait_for(3)
    rows = assert_delivered_exactly_once(mails)
    assert sorted((row.kind, row.recipient.username) for row in rows.values()) == [
        ("approval_needed", "anna"),
        ("approval_needed", "diana"),
        ("request_decided", "sara"),
    ]
    assert sum(result["mails"] for result in results) == 3
