"""Fixtures of the notification tests that run real workers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.notifications.sink import Sink


@pytest.fixture(scope="module")
def sink() -> Iterator[Sink]:
    """A real SMTP server on loopback, one per module, for that module's workers."""
    with Sink() as server:
        yield server
