from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pytest_django.fixtures import Settings

from tests.parsing.seeds import SEEDS_DIR
from tests.workflow.world import World, build_world

REPO = Path(__file__).resolve().parent.parent
SEEDS = SEEDS_DIR


@pytest.fixture(scope="session")
def media_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings: Settings, media_root: Path) -> None:
    # Uploaded files (evidence) go to a folder of the test run, never to the checkout's var/.
    settings.MEDIA_ROOT = media_root


@pytest.fixture(autouse=True)
def _documents_inline_unless_a_test_says(settings: Settings) -> None:
    """The documents of the tests' plans are rendered inside the request, as the tests written before
    reports.sizing expect; the tests of the estimate and of the background path set their own threshold."""
    settings.REPORT_INLINE_MAX_SECONDS = 30.0


@pytest.fixture(autouse=True)
def _second_factor_only_where_a_test_asks(settings: Settings) -> None:
    """Production asks every superuser for a TOTP code (accounts.second_factor); the tests of other features log
    operators in without one, and tests/accounts turn the requirement back on."""
    settings.SECOND_FACTOR_REQUIRED_FOR_SUPERUSERS = False


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Settings) -> None:
    # The production hasher is slow on purpose; tests log in many times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _own_throttle_counters(settings: Settings) -> None:
    # The throttles count in Django's cache (Redis when REDIS_URL is set): each test counts from zero under its own
    # key prefix, without flushing a Redis database that the Celery tests' broker shares.
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {name: {**config, "KEY_PREFIX": prefix} for name, config in settings.CACHES.items()}


@pytest.fixture
def seed_text() -> dict[str, str]:
    if not SEEDS.is_dir():
        pytest.skip(f"the seed documents are not at {SEEDS}")
    return {path.name[:3]: path.read_text(encoding="utf-8") for path in SEEDS.glob("*.txt")}


# Mid-May 2026: activity 1 of the small world (due 30 June) is open and not yet late.
TODAY = dt.datetime(2026, 5, 15, 10, 0, tzinfo=ZoneInfo("Europe/Rome"))


@pytest.fixture
def frozen_today() -> Iterator[dt.date]:
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


@pytest.fixture
def world(db: None, frozen_today: dt.date) -> World:
    """The Comune di Aurelia and its people (see tests/workflow/world.py)."""
    return build_world()
