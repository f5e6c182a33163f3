"""A small closed-loop HTTP load generator: N threads, each with its own persistent HTTP/1.1 connection to a
server on loopback, each running its own scenario as fast as the server answers.

The client is deliberately lean (raw sockets, request bytes built once per call, only the status line and
the two headers it needs parsed) so that on a 2-core machine it takes as little CPU from the server as a
Python client can; `Load.client_cpu` says how much it took, so a reader can tell whether it was the limit.
A server that answers `Connection: close` (gunicorn's sync workers) is reconnected to before the next call.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

HOST = "127.0.0.1"
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0


class HttpError(Exception):
    """The server closed the connection or answered something this client does not understand."""


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Samples:
    """What one client thread measured: latencies (seconds) per kind of call, unexpected answers per kind."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    unexpected: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)
    connections: int = 0

    def merge(self, other: Samples) -> None:
        for kind, values in other.latencies.items():
            self.latencies[kind].extend(values)
        for kind, count in other.unexpected.items():
            self.unexpected[kind] += count
        self.examples.extend(other.examples[: max(0, 5 - len(self.examples))])
        self.connections += other.connections


class Connection:
    """One keep-alive connection; `call` sends one request and reads the whole reply, timing it."""

    def __init__(
        self, port: int, samples: Samples, headers: dict[str, str] | None = None, stop: threading.Event | None = None
    ) -> None:
        self.port = port
        self.samples = samples
        self.stop = stop or threading.Event()  # once set, calls are no longer recorded: the window is over
        self._sock: socket.socket | None = None
        self._buffer = b""
        self._fixed = f"Host: {HOST}:{port}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        self._buffer = b""

    def _connect(self) -> socket.socket:
        sock = socket.create_connection((HOST, self.port), timeout=CONNECT_TIMEOUT)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(READ_TIMEOUT)
        self.samples.connections += 1
        self._sock = sock
        return sock

    def call(
        self,
        kind: str,
        method: str,
        path: str,
        payload: Any = None,
        *,
        headers: dict[str, str] | None = None,
        expect: int = 200,
    ) -> Reply:
        body = b"" if payload is None else json.dumps(payload).encode()
        head = f"{method} {path} HTTP/1.1\r\n{self._fixed}"
        head += "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        if payload is not None:
            head += "Content-Type: application/json\r\n"
        raw = (head + f"Content-Length: {len(body)}\r\n\r\n").encode() + body
        started = time.perf_counter()
        reply = self._exchange(raw)
        elapsed = time.perf_counter() - started
        if not self.stop.is_set():
            self.samples.latencies[kind].append(elapsed)
            if reply.status != expect:
                self.samples.unexpected[kind] += 1
                if len(self.samples.examples) < 5:
                    self.samples.examples.append(f"{kind}: {reply.status} {reply.body[:300]!r}")
        return reply

    def _exchange(self, raw: bytes) -> Reply:
        fresh = self._sock is None
        sock = self._sock or self._connect()
        try:
            sock.sendall(raw)
            return self._read(sock)
        except (ConnectionError, HttpError):
            # An idle keep-alive connection the server closed before we wrote: nothing was processed, so
            # the request is sent once more on a new connection. A fresh connection failing is an error.
            self.close()
            if fresh:
                raise
            sock = self._connect()
            sock.sendall(raw)
            return self._read(sock)

    def _recv(self, sock: socket.socket) -> None:
        chunk = sock.recv(65536)
        if not chunk:
            raise HttpError("connection closed by the server")
        self._buffer += chunk

    def _read(self, sock: socket.socket) -> Reply:
        while (end := self._buffer.find(b"\r\n\r\n")) < 0:
            self._recv(sock)
        head, self._buffer = self._buffer[:end].decode("latin-1"), self._buffer[end + 4 :]
        lines = head.split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length = -1
        chunked = close = False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding":
                chunked = "chunked" in value.lower()
            elif name == "connection":
                close = value.strip().lower() == "close"
        if chunked:
            body = self._read_chunked(sock)
        elif length >= 0:
            while len(self._buffer) < length:
                self._recv(sock)
            body, self._buffer = self._buffer[:length], self._buffer[length:]
        else:
            raise HttpError(f"a reply without Content-Length: {head[:200]}")
        if close:
            self.close()
        return Reply(status, body)

    def _read_chunked(self, sock: socket.socket) -> bytes:
        body = b""
        while True:
            while (end := self._buffer.find(b"\r\n")) < 0:
                self._recv(sock)
            size = int(self._buffer[:end].split(b";")[0], 16)
            while len(self._buffer) < end + 2 + size + 2:
                self._recv(sock)
            body += self._buffer[end + 2 : end + 2 + size]
            self._buffer = self._buffer[end + 2 + size + 2 :]
            if size == 0:
                return body


# One iteration of a client's scenario: some calls on its connection; False when it has no work left.
Scenario = Callable[[Connection], bool]


@dataclass
class Load:
    """The outcome of one run: every call completed inside the window, and what the client cost."""

    seconds: float
    samples: Samples
    iterations: int
    exhausted: int  # clients that ran out of work before the end of the window
    client_cpu: float  # CPU seconds of this process per wall second (1.0 = one core)
    machine_busy: float  # fraction of all cores busy during the window (the server, the client, the rest)

    def count(self, kind: str | None = None) -> int:
        if kind is not None:
            return len(self.samples.latencies.get(kind, []))
        return sum(len(values) for values in self.samples.latencies.values())

    def rate(self, kind: str | None = None) -> float:
        return self.count(kind) / self.seconds

    def errors(self) -> int:
        return sum(self.samples.unexpected.values())


def _cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as stat:  # noqa: PTH123 - a hot, tiny read
        values = [int(value) for value in stat.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def run(port: int, scenarios: list[Scenario], seconds: float, headers: list[dict[str, str]] | None = None) -> Load:
    """Run each scenario in its own thread for `seconds`, each on its own connection; the calls that finish
    inside the window are the figures. A scenario may stop early by returning False (it ran out of items)."""
    count = len(scenarios)
    all_samples = [Samples() for _ in scenarios]
    iterations = [0] * count
    exhausted = [False] * count
    barrier = threading.Barrier(count + 1)
    stop = threading.Event()
    failures: list[BaseException] = []

    def worker(index: int) -> None:
        connection = Connection(port, all_samples[index], (headers or [{}] * count)[index], stop)
        try:
            barrier.wait()
            while not stop.is_set():
                if not scenarios[index](connection):
                    exhausted[index] = True
                    return
                if not stop.is_set():
                    iterations[index] += 1
        except BaseException as error:
            failures.append(error)
            stop.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,), daemon=True) for index in range(count)]
    for thread in threads:
        thread.start()
    busy_before, total_before = _cpu_ticks()
    cpu_before = time.process_time()
    barrier.wait()
    started = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    window = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    busy_after, total_after = _cpu_ticks()
    for thread in threads:
        thread.join(timeout=READ_TIMEOUT + 5)
    if failures:
        raise failures[0]
    merged = Samples()
    for samples in all_samples:
        merged.merge(samples)
    return Load(
        seconds=window,
        samples=merged,
        iterations=sum(iterations),
        exhausted=sum(exhausted),
        client_cpu=cpu / window,
        machine_busy=(busy_after - busy_before) / max(1, total_after - total_before),
    )


def cores() -> int:
    return os.cpu_count() or 1
