from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine

from tests.conftest import TODAY
from tests.workflow.world import World, build_world


@pytest.fixture
def committed_world(transactional_db: None) -> Iterator[World]:
    """The world of tests/workflow/world.py, committed: for what happens at commit (the trail's chain) or is
    seen by another connection."""
    with time_machine.travel(TODAY, tick=False):
        yield build_world()
