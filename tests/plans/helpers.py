"""Shared helpers for the plan tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps

from plans.demo import load_demo

REFERENCE_DATE = dt.date(2021, 12, 31)


def database_snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every plan table and of the users, to prove that a second run changed nothing."""
    snapshot = {}
    for model in [*apps.get_app_config("plans").get_models(), apps.get_model("auth", "User")]:
        snapshot[model._meta.label] = list(model._default_manager.order_by("pk").values_list())
        for field in model._meta.many_to_many:
            through = getattr(model, field.name).through
            snapshot[through._meta.label] = list(through.objects.order_by("pk").values_list())
    return snapshot


def load_reference_demo() -> None:
    load_demo(reference_date=REFERENCE_DATE)
