"""Waking the worker for the messages an approval event planned: under load, one task for many events.

Publishing a Celery task costs a decision more than any other single step of it (bench_http). With Redis as
the broker, the recipients wait in a Redis set and a task is published only when none is already waiting
to start; when it starts, it takes the whole set. Adding to the set and marking a task as queued happen in
one MULTI, and the task takes the set and clears the mark in another: every recipient added is taken by a
task that starts afterwards. Without Redis (the embedded defaults) each event publishes its own task.

The outbox rows stay the truth: a task lost on the way leaves its rows for the quarter-hourly scan, and its
mark expires after QUEUED_SECONDS, when the next event publishes again.
"""

from __future__ import annotations

import redis
from django.conf import settings

RECIPIENTS_KEY = "traguardi:wake:recipients"
QUEUED_KEY = "traguardi:wake:queued"
QUEUED_SECONDS = 60

_clients: dict[str, redis.Redis] = {}


def _client() -> redis.Redis | None:
    """A client of the broker's Redis, shared by the process's threads; None when the broker is not Redis."""
    url = str(settings.CELERY_BROKER_URL)
    if not url.startswith(("redis://", "rediss://")):
        return None
    client = _clients.get(url)
    if client is None:
        client = _clients[url] = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    return client


def wake(recipients: list[int]) -> None:
    """Have a worker send these people's pending messages: now, or with the task already waiting."""
    from notifications.tasks import dispatch_messages, dispatch_woken

    client = _client()
    if client is None:
        dispatch_messages.delay(recipients)
        return
    with client.pipeline(transaction=True) as pipe:
        pipe.sadd(RECIPIENTS_KEY, *recipients)
        pipe.set(QUEUED_KEY, 1, nx=True, ex=QUEUED_SECONDS)
        _, first = pipe.execute()
    if not first:
        return  # a task waits to start: it will take these people too
    try:
        dispatch_woken.delay()
    except Exception:
        client.delete(QUEUED_KEY)  # not queued after all: the next event tries again
        raise


def take() -> list[int]:
    """The people woken since the last task started, and the mark cleared: the task that calls this sends
    to them, and the next event publishes a new task."""
    client = _client()
    if client is None:
        return []
    with client.pipeline(transaction=True) as pipe:
        pipe.smembers(RECIPIENTS_KEY)
        pipe.delete(RECIPIENTS_KEY, QUEUED_KEY)
        members, _ = pipe.execute()
    return sorted(int(member) for member in members)
