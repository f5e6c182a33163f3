"""Real Celery workers for the delivery tests: subprocesses on the real Redis, on the test database."""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
import redis
from django.db import connection

from config.celery import app

REDIS_URL = os.environ.get("REDIS_URL", "")
REPO = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).parent / "celery")
ROME = ZoneInfo("Europe/Rome")
LEASE_SECONDS = 3  # MAIL_SEND_LEASE_SECONDS of the workers: a claim older than this (in `now` time) is lost
WAIT = 30.0  # seconds, for any task or worker
# The marks of every module that runs real workers on committed data.
WORKER_TESTS = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not REDIS_URL, reason="needs a real Redis for the Celery workers: set REDIS_URL=redis://127.0.0.1:6379/0"
    ),
    pytest.mark.django_db(transaction=True),  # committed data, visible to the workers
]
WORKER_OPTIONS = ["--loglevel=info", "--pool=prefork", "--concurrency=1", "-Q", "celery,mail,documents"]
WORKER_OPTIONS += ["--without-heartbeat", "--without-mingle", "--without-gossip"]
PEOPLE = (
    ("Alessia", "Bruni"),
    ("Bruno", "Conti"),
    ("Carla", "De Santis"),
    ("Dario", "Esposito"),
    ("Elena", "Ferri"),
    ("Fabio", "Gallo"),
    ("Giulia", "Greco"),
    ("Ivo", "Lombardi"),
    ("Luca", "Marino"),
    ("Marta", "Neri"),
    ("Nicola", "Orlando"),
    ("Olga", "Pellegrini"),
    ("Paolo", "Quaranta"),
    ("Rita", "Ricci"),
    ("Stefano", "Sala"),
    ("Teresa", "Testa"),
    ("Ugo", "Valli"),
    ("Vera", "Zanetti"),
    ("Walter", "Amato"),
    ("Zoe", "Bellini"),
)


# ---------------------------------------------------------------------------------------------- the workers


@dataclass
class Worker:
    name: str
    log: Path
    process: subprocess.Popen[bytes]

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_ready(self, timeout: float = WAIT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(rf"{re.escape(self.name)}@\S+ ready\.", self.output()):
                return
            if not self.alive():
                break
            time.sleep(0.05)
        raise AssertionError(f"worker {self.name} did not start:\n{self.output()[-3000:]}")

    def pool_processes(self) -> list[int]:
        """The prefork children of the worker, which run its tasks."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.append(int(stat.parent.name))
        return children

    def kill(self) -> None:
        """SIGKILL to the worker and its pool at once: no shutdown, no acknowledgement, no cleanup."""
        if self.alive():
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=WAIT)

    def stop(self) -> None:
        if self.alive():
            self.process.terminate()  # warm shutdown of the main process, which stops its pool
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=15)
        if self.alive():
            self.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # a pool process left behind, if any


SUCCEEDED = re.compile(r"Task [\w.]+\[(?P<id>[0-9a-f-]+)\] succeeded in [\d.]+s: (?P<result>\{.*?\})\s*$", re.M)
FAILED = re.compile(r"Task [\w.]+\[(?P<id>[0-9a-f-]+)\] raised unexpected", re.M)
RECEIVED = re.compile(r"Task [\w.]+\[(?P<id>[0-9a-f-]+)\] received", re.M)


@dataclass
class Workers:
    """Celery workers as the deployment runs them (prefork, acks late), on the test database and the sink."""

    env: dict[str, str]
    log_dir: Path
    running: list[Worker] = field(default_factory=list)
    everyone: list[Worker] = field(default_factory=list)  # also the dead ones: their logs count

    def spawn(self) -> Worker:
        """Start a worker without waiting for it (see `join`)."""
        name = f"delivery{len(self.everyone) + 1}-{os.getpid()}"
        log = self.log_dir / f"{name}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [CELERY, "-A", "config", "worker", *WORKER_OPTIONS, "-n", f"{name}@%h"],
                cwd=REPO,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: a kill reaches the pool too
            )
        worker = Worker(name, log, process)
        self.everyone.append(worker)
        return worker

    def join(self, worker: Worker) -> Worker:
        worker.wait_ready()
        self.running.append(worker)
        return worker

    def start(self, count: int = 1) -> list[Worker]:
        started = [self.spawn() for _ in range(count)]  # they boot in parallel
        return [self.join(worker) for worker in started]

    def ensure(self, count: int) -> None:
        self.running = [worker for worker in self.running if worker.alive()]
        if len(self.running) < count:
            self.start(count - len(self.running))

    def kill(self, worker: Worker) -> None:
        worker.kill()
        self.running.remove(worker)

    def stop(self) -> None:
        for worker in self.everyone:
            if worker.alive():
                worker.process.terminate()  # all at once: their warm shutdowns overlap
        for worker in self.everyone:
            worker.stop()
        self.running.clear()

    def output(self) -> str:
        return "\n".join(worker.output() for worker in self.everyone)

    def running_task(self, task_id: str) -> Worker:
        [worker] = [worker for worker in self.running if f"[{task_id}] received" in worker.output()]
        return worker

    def succeeded(self, task_id: str) -> list[dict[str, int]]:
        """The result of each run of the task that succeeded, in any worker."""
        return [
            ast.literal_eval(match["result"]) for match in SUCCEEDED.finditer(self.output()) if match["id"] == task_id
        ]

    def wait(self, task_ids: Iterable[str], timeout: float = WAIT) -> list[dict[str, int]]:
        """Until every task has succeeded (as many times as it is listed); their results, in order."""
        expected = Counter(task_ids)
        deadline = time.monotonic() + timeout
        while True:
            output = self.output()
            done = Counter(match["id"] for match in SUCCEEDED.finditer(output))
            failed = [match["id"] for match in FAILED.finditer(output) if match["id"] in expected]
            assert not failed, f"tasks {failed} failed:\n{output[-4000:]}"
            if all(done[task_id] >= count for task_id, count in expected.items()):
                return [result for task_id in expected for result in self.succeeded(task_id)]
            assert time.monotonic() < deadline, f"tasks not done in {timeout}s: {expected - done}\n{output[-4000:]}"
            time.sleep(0.05)


def send(task: str, now: dt.datetime, task_id: str | None = None, **kwargs: object) -> str:
    """Publish a task to the broker, as beat or a receiver does; its id."""
    task_id = task_id or str(uuid.uuid4())
    app.send_task(f"notifications.tasks.{task}", kwargs={"now": now.isoformat(), **kwargs}, task_id=task_id)
    return task_id


def purge_broker() -> None:
    """No task left over from another test: neither queued nor unacknowledged by a worker that was killed."""
    app.control.purge()
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.delete("unacked", "unacked_index", "unacked_mutex")
    finally:
        client.close()


def worker_database_url() -> str:
    db = connection.settings_dict
    credentials = quote(str(db["USER"] or "postgres"))
    if db.get("PASSWORD"):
        credentials += ":" + quote(str(db["PASSWORD"]))
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextlib.contextmanager
def running_workers(log_dir: Path, count: int, **env: str) -> Iterator[Workers]:
    """`count` workers on the test database and the real Redis (its queue emptied before and after), with
    these extra environment variables, stopped at the end."""
    if connection.vendor != "postgresql":
        pytest.skip("the workers share the test database: it must be PostgreSQL (set DATABASE_URL)")
    environment = dict(os.environ)
    environment.update(
        DATABASE_URL=worker_database_url(),  # pytest-django's test database, e.g. test_traguardi
        REDIS_URL=REDIS_URL,
        DJANGO_SETTINGS_MODULE="config.settings",
        LOG_LEVEL="INFO",  # the tests read "ready." and "Task …[id] succeeded" in the workers' logs
        **env,
    )
    purge_broker()
    pool = Workers(environment, log_dir)
    try:
        pool.start(count)
        yield pool
    finally:
        pool.stop()
        purge_broker()
