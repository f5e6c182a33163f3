"""A mail backend for unit tests that fails on demand, then delivers to Django's in-memory outbox."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    failures: ClassVar[list[Exception]] = []  # raised in order, one per send, before delivering

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        if FlakyBackend.failures:
            raise FlakyBackend.failures.pop(0)
        return super().send_messages(messages)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
