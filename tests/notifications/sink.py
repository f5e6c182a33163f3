"""A real SMTP server on loopback for the delivery tests (aiosmtpd): it records every mail it accepts.

It can be slowed down (`delay` before accepting each DATA), made to stall on one recipient (the RCPT
command does not answer until `release()`, so the mail is never complete: a sender killed meanwhile
delivers nothing), and stopped and started again on the same port (SMTP down, then up). It counts the
connections its mails came on (`connections`: one greeting, EHLO or HELO, per connection).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

STALL_LIMIT = 60.0  # a stalled RCPT answers by itself after this many seconds
logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command at INFO


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Received:
    """One accepted mail, as the server saw it."""

    envelope_to: tuple[str, ...]
    to: str
    subject: str
    text: str
    html: str
    language: str
    message_ids: tuple[int, ...]  # the outbox rows it carries (the X-Traguardi-Messages header)
    headers: dict[str, str] = field(default_factory=dict)  # every header, decoded, as a mail client reads it
    raw_subject: str = ""  # the Subject header as it travelled (encoded words, folding)


def _part(message: EmailMessage, subtype: str) -> str:
    body = message.get_body(preferencelist=(subtype,))
    return str(body.get_content()) if body is not None else ""


def parse(envelope_to: list[str], content: bytes) -> Received:
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    ids = str(message.get("X-Traguardi-Messages", ""))
    return Received(
        envelope_to=tuple(envelope_to),
        to=str(message.get("To", "")),
        subject=str(message.get("Subject", "")),
        text=_part(message, "plain"),
        html=_part(message, "html"),
        language=str(message.get("Content-Language", "")),
        message_ids=tuple(int(pk) for pk in ids.split(",") if pk.strip()),
        headers={name: str(value) for name, value in message.items()},
        raw_subject=str(email.message_from_bytes(content, policy=email.policy.compat32).get("Subject", "")),
    )


@dataclass
class _Handler:
    sink: Sink

    async def handle_EHLO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str, responses: list[str]
    ) -> list[str]:
        self.sink._greeted()
        session.host_name = hostname
        return responses

    async def handle_HELO(self, server: SMTP, session: Session, envelope: Envelope, hostname: str) -> str:
        self.sink._greeted()
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if self.sink._take_stall(address):
            self.sink.stalled.set()
            loop = asyncio.get_running_loop()
            limit = loop.time() + STALL_LIMIT
            while not self.sink._released.is_set() and loop.time() < limit:
                await asyncio.sleep(0.02)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.sink.delay:
            await asyncio.sleep(self.sink.delay)
        assert isinstance(envelope.content, bytes)
        self.sink._record(parse(list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


@dataclass
class Sink:
    """Start with `start()`, stop with `stop()`; `mails` is what was accepted, in order."""

    port: int = field(default_factory=free_port)
    delay: float = 0.0
    stalled: threading.Event = field(default_factory=threading.Event)
    _released: threading.Event = field(default_factory=threading.Event)
    _stall_on: set[str] = field(default_factory=set)
    _mails: list[Received] = field(default_factory=list)
    _connections: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _controller: Controller | None = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> None:
        if self._controller is None:
            controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port, ready_timeout=10)
            controller.start()
            self._controller = controller

    def stop(self) -> None:
        if self._controller is not None:
            self._released.set()  # nothing may keep the loop from stopping
            self._controller.stop()
            self._controller = None

    def reset(self) -> None:
        """Forget the mails, the connections, the stalls and the delay (between tests)."""
        with self._lock:
            self._mails.clear()
            self._stall_on.clear()
            self._connections = 0
        self.delay = 0.0
        self.stalled.clear()
        self._released.clear()

    def stall(self, address: str) -> None:
        """The next RCPT TO `address` does not answer until `release()`."""
        with self._lock:
            self._stall_on.add(address.lower())
        self.stalled.clear()
        self._released.clear()

    def release(self) -> None:
        self._released.set()

    def _take_stall(self, address: str) -> bool:
        with self._lock:
            if address.lower() in self._stall_on:
                self._stall_on.discard(address.lower())
                return True
            return False

    def _greeted(self) -> None:
        with self._lock:
            self._connections += 1

    @property
    def connections(self) -> int:
        with self._lock:
            return self._connections

    def _record(self, mail: Received) -> None:
        with self._lock:
            self._mails.append(mail)

    @property
    def mails(self) -> list[Received]:
        with self._lock:
            return list(self._mails)

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Received]:
        """At least `count` mails, or an AssertionError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while len(self.mails) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        mails = self.mails
        assert len(mails) >= count, f"{len(mails)} mails received, {count} expected"
        return mails

    def __enter__(self) -> Sink:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
