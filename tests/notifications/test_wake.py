"""notifications.wake on the real Redis: approval events that come while a task waits to start share it;
the task takes everyone woken before it started. The real worker's side is in test_delivery."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from pytest_django.fixtures import Settings

from notifications import tasks, wake
from tests.notifications.workers import REDIS_URL

pytestmark = pytest.mark.skipif(not REDIS_URL, reason="needs a real Redis: set REDIS_URL=redis://127.0.0.1:6379/0")


@pytest.fixture
def published(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The dispatch_woken tasks published, instead of publishing them; a clean slate in Redis."""
    settings.CELERY_BROKER_URL = REDIS_URL
    client = redis.Redis.from_url(REDIS_URL)
    client.delete(wake.RECIPIENTS_KEY, wake.QUEUED_KEY)
    sent: list[str] = []
    monkeypatch.setattr(tasks.dispatch_woken, "delay", lambda: sent.append("dispatch_woken"))
    yield sent
    client.delete(wake.RECIPIENTS_KEY, wake.QUEUED_KEY)


def test_events_before_the_task_starts_share_it_and_it_takes_them_all(published: list[str]) -> None:
    wake.wake([3, 1])
    wake.wake([1, 2])
    assert published == ["dispatch_woken"]  # one task for both events
    assert wake.take() == [1, 2, 3]
    assert wake.take() == []  # taken once
    wake.wake([4])  # after the task started: a task of its own
    assert published == ["dispatch_woken", "dispatch_woken"]
    assert wake.take() == [4]


def test_a_waiting_mark_expires_so_a_lost_task_holds_nothing_back_for_long(published: list[str]) -> None:
    wake.wake([1])
    ttl = redis.Redis.from_url(REDIS_URL).ttl(wake.QUEUED_KEY)
    assert 0 < ttl <= wake.QUEUED_SECONDS


def test_a_task_that_could_not_be_published_lets_the_next_event_try_again(
    published: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broker_down() -> None:
        raise ConnectionError("the broker is down")

    monkeypatch.setattr(tasks.dispatch_woken, "delay", broker_down)
    with pytest.raises(ConnectionError):
        wake.wake([1])
    monkeypatch.setattr(tasks.dispatch_woken, "delay", lambda: published.append("dispatch_woken"))
    wake.wake([2])
    assert published == ["dispatch_woken"]
    assert wake.take() == [1, 2]  # the first event's people too: their rows wait in the outbox either way


def test_without_redis_each_event_publishes_its_own_task(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.CELERY_BROKER_URL = "filesystem://"
    asked: list[list[int]] = []
    monkeypatch.setattr(tasks.dispatch_messages, "delay", asked.append)
    wake.wake([1, 2])
    wake.wake([3])
    assert asked == [[1, 2], [3]]
    assert wake.take() == []
