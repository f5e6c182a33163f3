from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.workflow.world import World, build_world

# Mid-May 2026: activity 1 (due 30 June) is open and not yet late.
TODAY = dt.datetime(2026, 5, 15, 10, 0, tzinfo=ZoneInfo("Europe/Rome"))


@pytest.fixture
def frozen_today() -> Iterator[dt.date]:
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


@pytest.fixture
def world(db: None, frozen_today: dt.date) -> World:
    return build_world()
