"""An open-loop load generator: jobs start on a schedule, not when the previous one ends.

A closed-loop client (bench.loadgen) waits for each answer before asking again, so a slow server slows its
own load and the latencies look better than a user would see them ("coordinated omission"). Here a dispatcher
hands each job to a pool of worker threads at its scheduled moment, whether or not the earlier ones have
finished; each job's latency is measured from its *scheduled* start, so the time it waited for a free worker
or a free server counts. A job that could not even start on time still keeps its scheduled moment.

The schedule and the dispatch are plain functions of a clock and a sleep (tests drive them with a fake clock);
the pool runs real threads, each with a keep-alive connection of its own (bench.loadgen.Connection).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

Clock = Callable[[], float]
Sleep = Callable[[float], None]


def arrivals(rate: float, seconds: float) -> list[float]:
    """The start offsets (seconds from the block's start) of `rate` jobs a second for `seconds`: evenly
    spaced, the first at 0. A constant rate keeps blocks of two kinds comparable, arrival for arrival."""
    if rate <= 0 or seconds <= 0:
        return []
    count = round(rate * seconds)
    return [index / rate for index in range(count)]


@dataclass(frozen=True)
class Block:
    kind: str  # what the jobs of the block do, e.g. "real" or "plain"
    rate: float  # jobs a second
    seconds: float


def interleaved(rates: Iterable[float], kinds: tuple[str, ...], seconds: float, rounds: int = 2) -> list[Block]:
    """For each rate in turn, `rounds` rounds of one block of each kind, alternating (real, plain, real,
    plain): a drift of the machine during a rate's blocks touches every kind alike."""
    return [Block(kind, rate, seconds) for rate in rates for _ in range(rounds) for kind in kinds]


def dispatch(offsets: list[float], submit: Callable[[float], None], clock: Clock, sleep: Sleep) -> float:
    """Call `submit(scheduled)` for each offset at the moment `start + offset`, never waiting for earlier jobs
    (submit must not block); a submission that is late still passes its scheduled moment, and the ones after
    it keep theirs. Returns the start."""
    start = clock()
    for offset in offsets:
        scheduled = start + offset
        wait = scheduled - clock()
        if wait > 0:
            sleep(wait)
        submit(scheduled)
    return start


@dataclass
class Sample:
    """One job: when it was due, when a worker took it, when it ended, and whether it went as expected."""

    scheduled: float
    started: float
    finished: float
    ok: bool
    # e.g. {"transition": s, "approve": s}: each request's own time, from its own start
    parts: dict[str, float] = field(default_factory=dict)

    @property
    def latency(self) -> float:
        """From the scheduled start: the wait for a worker and for the server count."""
        return self.finished - self.scheduled

    @property
    def lag(self) -> float:
        return self.started - self.scheduled


# A job: given the worker's own state (its connection) it does its work and returns (ok, parts).
Job = Callable[[Any], tuple[bool, dict[str, float]]]


class Pool:
    """Worker threads taking (scheduled, job) from a queue; each has its own state from `make_state`."""

    def __init__(self, workers: int, make_state: Callable[[], Any], clock: Clock = time.perf_counter) -> None:
        self.clock = clock
        self.tasks: queue.SimpleQueue[tuple[float, Job, list[Sample]] | None] = queue.SimpleQueue()
        self.failures: list[BaseException] = []
        self.threads = [threading.Thread(target=self._work, args=(make_state,), daemon=True) for _ in range(workers)]
        for thread in self.threads:
            thread.start()

    def _work(self, make_state: Callable[[], Any]) -> None:
        state = make_state()
        try:
            while (task := self.tasks.get()) is not None:
                scheduled, job, into = task
                started = self.clock()
                try:
                    ok, parts = job(state)
                except Exception as error:  # a broken connection or a bad answer: recorded, the run goes on
                    ok, parts = False, {}
                    if len(self.failures) < 5:
                        self.failures.append(error)
                into.append(Sample(scheduled, started, self.clock(), ok, parts))
        finally:
            close = getattr(state, "close", None)
            if close is not None:
                close()

    def submit(self, scheduled: float, job: Job, into: list[Sample]) -> None:
        self.tasks.put((scheduled, job, into))

    def close(self, timeout: float = 60.0) -> None:
        for _ in self.threads:
            self.tasks.put(None)
        for thread in self.threads:
            thread.join(timeout=timeout)


def run_block(
    pool: Pool, block: Block, job: Job, clock: Clock = time.perf_counter, sleep: Sleep = time.sleep
) -> list[Sample]:
    """The block's jobs on schedule; returns once every one of them has ended."""
    samples: list[Sample] = []
    offsets = arrivals(block.rate, block.seconds)
    dispatch(offsets, lambda scheduled: pool.submit(scheduled, job, samples), clock, sleep)
    deadline = time.monotonic() + 120
    while len(samples) < len(offsets) and time.monotonic() < deadline:
        time.sleep(0.005)
    return samples
