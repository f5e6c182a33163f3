"""Migration evaluation 0006 gives the snapshots stored before it their list of indicators below target, read from
their own scores: the homes do not say "none below target" until the next refresh."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from evaluation.models import ScoreSnapshot
from tests.workflow.world import World

pytestmark = pytest.mark.django_db

migration = importlib.import_module("evaluation.migrations.0006_below_target")


def test_the_stored_scores_give_the_list(world: World) -> None:
    indicators = [
        {"indicator": 11, "percent": "85.00"},
        {"indicator": 12, "percent": "100.00"},
        {"indicator": 13, "percent": None},
        {"indicator": 14, "percent": "99.90"},
        {"indicator": 15, "percent": "130.00"},
    ]
    snapshot = ScoreSnapshot.objects.create(
        plan=world.plan,
        year=2026,
        computed_at="2026-05-15T06:10:00Z",
        body_level="",
        data={"objectives": [{"objective": 1, "indicators": indicators}]},
    )
    untouched = ScoreSnapshot.objects.create(
        plan=world.plan, year=2027, computed_at="2026-05-15T06:10:00Z", body_level="", data={}
    )
    migration.read_below_target(apps, None)
    assert ScoreSnapshot.objects.get(pk=snapshot.pk).below_target == [11, 14]
    assert ScoreSnapshot.objects.get(pk=untouched.pk).below_target == []
