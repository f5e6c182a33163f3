"""Beat's scan as deployed by docker-compose (MAIL_DISPATCH_SHARDS=2, worker concurrency 2): run_scans sends its
own shard of the people and hands the other to the worker as a task through the real Redis; every
outbox row reaches the real SMTP server once."""

from __future__ import annotations

import ast
import time
from collections.abc import Iterator

import pytest

from tests.notifications.sink import Sink
from tests.notifications.test_delivery import assert_delivered_exactly_once, build_scene, planned
from tests.notifications.workers import SUCCEEDED, WAIT, WORKER_TESTS, Workers, purge_broker, running_workers, send

pytestmark = WORKER_TESTS


@pytest.fixture(scope="module")
def sharded(django_db_setup: None, sink: Sink, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workers]:
    extra = {"EMAIL_URL": f"smtp://127.0.0.1:{sink.port}?timeout=10", "MAIL_DISPATCH_SHARDS": "2"}
    with running_workers(tmp_path_factory.mktemp("sharded"), 1, **extra) as pool:
        yield pool


def shard_tasks_done(pool: Workers) -> list[dict[str, int]]:
    """The results of the dispatch_messages tasks, once one has succeeded."""
    deadline = time.monotonic() + WAIT
    while True:
        runs = [
            ast.literal_eval(match["result"])
            for match in SUCCEEDED.finditer(pool.output())
            if "dispatch_messages" in match.group(0)
        ]
        if runs:
            return runs
        assert time.monotonic() < deadline, f"no dispatch_messages task done in {WAIT}s:\n{pool.output()[-4000:]}"
        time.sleep(0.05)


def test_a_scan_shares_its_sending_with_the_pool_and_delivers_everything_once(sharded: Workers, sink: Sink) -> None:
    purge_broker()
    sink.reset()
    scene = build_scene()
    [result] = sharded.wait([send("run_scans", scene.now)])
    count, people = planned(scene)
    mails = sink.wait_for(people)
    shard_runs = shard_tasks_done(sharded)  # a mail reaches the sink a moment before its row is marked sent
    assert_delivered_exactly_once(mails)
    assert len(mails) == people
    # The run sent its own shard; the other went out as a dispatch_messages task with shard [1, 2].
    assert 0 < result["mails"] < people and result["planned"] == count
    assert len(shard_runs) == 1
    assert result["mails"] + shard_runs[0]["mails"] == people
