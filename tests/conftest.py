from __future__ import annotations

from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Settings) -> None:
    # The production hasher is slow on purpose; tests log in many times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seed_text() -> dict[str, str]:
    if not SEEDS.is_dir():
        pytest.skip(f"the seed documents are not at {SEEDS}")
    return {path.name[:3]: path.read_text(encoding="utf-8") for path in SEEDS.glob("*.txt")}
