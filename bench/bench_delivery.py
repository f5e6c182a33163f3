"""Reminder delivery end to end: outbox rows → a real Celery worker → a real SMTP server on loopback.

10,000 deadline reminders (quick: 2,000), one per person, wait in the outbox (notifications.models.Message)
of an organization of our own (bench/delivery_outbox.py). A Celery worker (a subprocess, prefork, as
deployed, on the bench Redis db) sends them through an aiosmtpd sink in this process
(tests.notifications.sink), which reads the X-Traguardi-Messages header of every mail it accepts, so each
outbox row is counted at the server.

- `single`: one `dispatch_messages` task for all the people (what an approval event queues, or beat's scan
  with MAIL_DISPATCH_SHARDS=1): messages/s from publishing the task until the last row is marked sent.
- `racing`: a second batch (2,000; quick: 500), two identical tasks published at once and run by two pool
  processes: they race for every claim. Messages/s, and above all duplicates.
- `sharded`: a third batch as large as the first, sent as beat's scan sends it in production
  (MAIL_DISPATCH_SHARDS=2, the worker's concurrency): two tasks, each for its half of the people.

The limits: a plain smtplib loop in as many processes as the worker's pool (WORKER_CONCURRENCY, each a
process of its own sending its share, all at once) sending as many copies of a real reminder mail, composed
once, into the same sink, over one reused connection per process, and again opening a connection per mail
(as Django's `EmailMessage.send()` does, one per call). The dispatcher sends a chunk of
people's mails over one connection, so the reused connection is the fair limit and the headline target:
`sharded` reaches at least half its rate, and no outbox row arrives twice (or never). The ratios of `single`
and to the connection-per-mail loop are reported too.

`python -m bench.bench_delivery --profile` runs the dispatcher in-process on 200 reminders under cProfile.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import smtplib
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import REPO, Result, bench_env, quick, setup_django
from bench.delivery_outbox import Outbox, build_people, drop_people, plan_reminders, sample_mail

CELERY = str(Path(sys.executable).parent / "celery")
RATIO_TARGET = 0.5
WORKER_CONCURRENCY = 2  # as deployed (docker-compose); the smtplib limit runs as many processes
SENDER = "Traguardi <noreply@traguardi.localhost>"


@dataclass(frozen=True)
class Sizes:
    messages: int  # the single task's batch, and the smtplib loops' count
    racing: int  # the racing tasks' batch


def sizes() -> Sizes:
    return Sizes(2_000, 500) if quick() else Sizes(10_000, 2_000)


# ----------------------------------------------------------------------------------------------- the limit


def raw_smtp(port: int, count: int, mail_file: Path, reuse: bool) -> tuple[float, float]:
    """Send `count` copies of the mail in `mail_file` (first line: the address) with smtplib; the wall-clock
    moments (time.time(), comparable across processes) of the first send and of the end."""
    address, _, content = mail_file.read_bytes().partition(b"\n")
    to = address.decode()
    started = time.time()
    if reuse:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as server:
            for _ in range(count):
                server.sendmail(SENDER, [to], content)
    else:
        for _ in range(count):
            with smtplib.SMTP("127.0.0.1", port, timeout=10) as server:  # open, send, QUIT: like Django's backend
                server.sendmail(SENDER, [to], content)
    return started, time.time()


def measure_raw(port: int, count: int, mail_file: Path, reuse: bool, processes: int) -> float:
    """The smtplib loop in `processes` processes of their own at once (as many as the worker's pool), each
    sending its share; the seconds from the first one's start to the last one's end. The processes start
    (Python and its imports) before they are timed: each times its own loop, and the span covers them all."""
    shares = [count // processes + (1 if index < count % processes else 0) for index in range(processes)]
    running = []
    for share in shares:
        command = [sys.executable, "-m", "bench.bench_delivery", "--raw-smtp", str(port), str(share), str(mail_file)]
        command += ["--reuse"] if reuse else []
        running.append(
            subprocess.Popen(command, cwd=REPO, env=bench_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        )
    spans = []
    for process in running:
        out, err = process.communicate(timeout=600)
        if process.returncode:
            raise RuntimeError(f"the smtplib loop failed:\n{err.decode(errors='replace')[-3000:]}")
        measured = json.loads(out.decode().strip().splitlines()[-1])
        spans.append((measured["started"], measured["ended"]))
    return max(end for _, end in spans) - min(start for start, _ in spans)


# ---------------------------------------------------------------------------------------------- the worker


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log: Path
    name: str

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(rf"{re.escape(self.name)}@\S+ ready\.", self.output()):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(f"the Celery worker did not start:\n{self.output()[-3000:]}")

    def stop(self) -> None:
        """Warm shutdown, then SIGKILL to the whole process group (the pool too)."""
        if self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=15)


def start_worker(smtp_port: int, log_dir: Path, concurrency: int) -> Worker:
    name = f"bench-delivery-{os.getpid()}"
    log = log_dir / "worker.log"
    env = bench_env(EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}?timeout=10", LOG_LEVEL="INFO")
    command = [CELERY, "-A", "config", "worker", "--loglevel=info", "--pool=prefork", f"--concurrency={concurrency}"]
    command += ["-Q", "celery,mail,documents", "--without-heartbeat", "--without-mingle", "--without-gossip"]
    command += ["-n", f"{name}@%h"]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    worker = Worker(process, log, name)
    try:
        worker.wait_ready()
    except BaseException:
        worker.stop()
        raise
    return worker


def purge_broker() -> None:
    """Nothing left in the bench queue by an earlier run (bench_http's approval events queue tasks there)."""
    import redis

    from config.celery import app

    app.control.purge()
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    try:
        client.delete("unacked", "unacked_index", "unacked_mutex")
    finally:
        client.close()


def publish(outbox: Outbox, recipients: list[int], copies: int, sharded: bool = False) -> list[str]:
    """`copies` dispatch tasks for these people: identical ones, as racing approval events would queue, or,
    `sharded`, one per shard of the people, as run_scans hands them out with MAIL_DISPATCH_SHARDS=copies."""
    from config.celery import app

    ids = []
    for index in range(copies):
        task_id = str(uuid.uuid4())
        kwargs: dict[str, Any] = {"recipient_ids": recipients, "now": outbox.moment.isoformat()}
        if sharded:
            kwargs["shard"] = [index, copies]
        app.send_task("notifications.tasks.dispatch_messages", kwargs=kwargs, task_id=task_id)
        ids.append(task_id)
    return ids


SUCCEEDED = re.compile(r"Task [\w.]+\[(?P<id>[0-9a-f-]+)\] succeeded in [\d.]+s: (?P<result>\{.*?\})\s*$", re.M)


def wait_sent(outbox: Outbox, batch: str, worker: Worker, tasks: list[str], timeout: float) -> float:
    """Until every row of the batch is marked sent and every task has finished; the moment it saw that."""
    from notifications.models import Message

    deadline = time.monotonic() + timeout
    rows = Message.objects.filter(organization_id=outbox.organization_id, period=f"{batch}/7")
    pending = rows.exclude(status=Message.Status.SENT)
    while time.monotonic() < deadline:
        finished = {match["id"] for match in SUCCEEDED.finditer(worker.output())}
        if set(tasks) <= finished and not pending.exists():
            return time.perf_counter()
        if worker.process.poll() is not None:
            raise RuntimeError(f"the worker died:\n{worker.output()[-3000:]}")
        time.sleep(0.1)
    raise RuntimeError(f"not all sent in {timeout:.0f}s: {pending.count()} left\n{worker.output()[-3000:]}")


def deliver(
    outbox: Outbox, batch: str, people: int, worker: Worker, sink: Any, copies: int, sharded: bool = False
) -> dict[str, Any]:
    """Plan the batch, publish the task(s), wait until every row is sent, then count what the SMTP server
    received."""
    from django.db import connections

    from notifications.models import Message

    recipients = plan_reminders(outbox, batch, people)
    rows = set(
        Message.objects.filter(organization_id=outbox.organization_id, period=f"{batch}/7").values_list("pk", flat=True)
    )
    connections.close_all()
    sink.reset()
    started = time.perf_counter()
    tasks = publish(outbox, recipients, copies, sharded)
    ended = wait_sent(outbox, batch, worker, tasks, timeout=120 + len(rows) / 10)
    seconds = ended - started
    mails = sink.mails
    carried = Counter(pk for mail in mails for pk in mail.message_ids)
    expected = rows
    results = [match["result"] for match in SUCCEEDED.finditer(worker.output()) if match["id"] in tasks]
    return {
        "messages": len(rows),
        "tasks": copies,
        "seconds": round(seconds, 2),
        "messages_per_s": round(len(rows) / seconds, 1),
        "mails_received": len(mails),
        "duplicates": sum(count - 1 for pk, count in carried.items() if pk in expected and count > 1),
        "lost": len(expected - set(carried)),
        "unknown": len(set(carried) - expected),
        "task_results": results,
    }


# --------------------------------------------------------------------------------------------------- profile


def profile(count: int = 200) -> None:
    """The dispatcher in this process (as one task runs it) on `count` reminders, under cProfile, with the SQL
    queries it makes per mail. The sink runs in a thread of this process; the profile is the caller's thread."""
    import cProfile
    import io
    import pstats

    from tests.notifications.sink import Sink

    with Sink() as sink:
        setup_django(EMAIL_URL=f"smtp://127.0.0.1:{sink.port}?timeout=10")
        from bench.database import ensure_database

        ensure_database()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from notifications.dispatch import dispatch

        outbox = build_people(count)
        plan_reminders(outbox, "profile", count)
        sample_mail(outbox)  # warm: templates, URL resolver, translations
        profiler = cProfile.Profile()
        try:
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                profiler.enable()
                result = dispatch(now=outbox.moment, recipients=outbox.recipients)
                profiler.disable()
                seconds = time.perf_counter() - started
        finally:
            drop_people(outbox.organization_id)
        print(
            f"## {result.mails} mails in {seconds:.2f}s: {seconds / max(1, result.mails) * 1000:.1f} ms a mail, "
            f"{len(queries) / max(1, result.mails):.1f} SQL queries a mail, {len(sink.mails)} received"
        )
        shapes = Counter(query["sql"][:100] for query in queries.captured_queries)
        for sql, times in shapes.most_common(12):
            print(f"  {times:5d} × {sql}")
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(40)
        print(text.getvalue())


# ------------------------------------------------------------------------------------------------------ main


def _stop_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally blocks: the worker's group is stopped


def main() -> None:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--raw-smtp", nargs=3, metavar=("PORT", "COUNT", "MAIL_FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--reuse", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile", action="store_true", help="profile the dispatcher in-process instead")
    options = parser.parse_args()
    if options.raw_smtp:
        port, count, mail_file = options.raw_smtp
        started, ended = raw_smtp(int(port), int(count), Path(mail_file), options.reuse)
        print(json.dumps({"started": started, "ended": ended, "seconds": ended - started}))
        return

    if options.profile:
        profile()
        return
    setup_django()
    from bench.database import ensure_database

    ensure_database()
    from django.db import connections

    from tests.notifications.sink import Sink

    size = sizes()
    drop_people()
    outbox = build_people(size.messages)
    address, content = sample_mail(outbox)
    connections.close_all()
    purge_broker()
    figures: dict[str, Any] = {"mail_bytes": len(content)}
    limit: dict[str, Any] = {}
    worker: Worker | None = None
    try:
        with tempfile.TemporaryDirectory(prefix="bench-delivery-") as folder, Sink() as sink:
            mail_file = Path(folder) / "mail.eml"
            mail_file.write_bytes(address.encode() + b"\n" + content)
            loops = (
                ("smtplib_connection_per_mail", False, size.messages),
                ("smtplib_one_connection", True, size.messages),
            )
            for label, reuse, count in loops:
                sink.reset()
                seconds = measure_raw(sink.port, count, mail_file, reuse, WORKER_CONCURRENCY)
                limit[label] = {
                    "processes": WORKER_CONCURRENCY,
                    "mails": count,
                    "seconds": round(seconds, 2),
                    "mails_per_s": round(count / seconds, 1),
                    "mails_received": len(sink.mails),
                }
            worker = start_worker(sink.port, Path(folder), concurrency=WORKER_CONCURRENCY)
            figures["single"] = deliver(outbox, "single", size.messages, worker, sink, copies=1)
            figures["racing"] = deliver(outbox, "racing", size.racing, worker, sink, copies=2)
            figures["sharded"] = deliver(outbox, "sharded", size.messages, worker, sink, copies=2, sharded=True)
    finally:
        if worker is not None:
            worker.stop()
        with contextlib.suppress(Exception):
            purge_broker()
        drop_people(outbox.organization_id)  # its messages too, sent or not: nobody is to send them
    single, racing, sharded = figures["single"], figures["racing"], figures["sharded"]
    one_connection = limit["smtplib_one_connection"]["mails_per_s"]
    per_connection = limit["smtplib_connection_per_mail"]["mails_per_s"]
    ratios = {
        "single_to_smtplib_one_connection": round(single["messages_per_s"] / one_connection, 3),
        "single_to_smtplib_connection_per_mail": round(single["messages_per_s"] / per_connection, 3),
        "racing_to_smtplib_one_connection": round(racing["messages_per_s"] / one_connection, 3),
        "sharded_to_smtplib_one_connection": round(sharded["messages_per_s"] / one_connection, 3),
        "sharded_to_smtplib_connection_per_mail": round(sharded["messages_per_s"] / per_connection, 3),
    }
    clean = all(run["duplicates"] == run["lost"] == run["unknown"] == 0 for run in (single, racing, sharded))
    Result(
        name="delivery",
        figures=figures,
        limit=limit,
        ratios=ratios,
        targets={
            "sharded_at_least_half_of_smtplib_one_connection": ratios["sharded_to_smtplib_one_connection"]
            >= RATIO_TARGET,
            "single_task_at_least_half_of_smtplib_one_connection (informative)": ratios[
                "single_to_smtplib_one_connection"
            ]
            >= RATIO_TARGET,
            "no_duplicates_none_lost": clean,
        },
    ).emit()


if __name__ == "__main__":
    main()
