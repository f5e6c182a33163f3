"""Every registered admin's changelist reads its related rows with the list, not once per row: the platform
operator's changelist makes as many queries for one row as for all of them (Aurelia's rows of
tests/admin/rows.py and Borgo's of the world, and copies of the row with the most relations set)."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.admin.payloads import admin_url
from tests.admin.rows import Rows
from tests.workflow.world import World

pytestmark = pytest.mark.django_db

REGISTERED = [model for model in apps.get_models() if admin.site.is_registered(model)]


def _unique_sets(model: type[Model]) -> list[tuple[str, ...]]:
    sets: list[tuple[str, ...]] = [
        (field.name,) for field in model._meta.fields if field.unique and not field.primary_key
    ]
    sets += [tuple(names) for names in model._meta.unique_together]
    sets += [tuple(getattr(constraint, "fields", ())) for constraint in model._meta.constraints]
    return sets


def _varied(row: Model, name: str, step: int, depth: int) -> Any:
    """Another value of the field `name` than `row`'s, the `step`-th: a unique slot free for a copy."""
    field: Any = row._meta.get_field(name)
    value = getattr(row, field.attname)
    if field.is_relation:
        related_model: type[Model] = field.related_model
        related = related_model._default_manager
        if related.count() <= step and depth < 2:
            _copies(related_model, step + 1 - related.count(), depth + 1)
        others = list(related.exclude(pk=value).order_by("pk").values_list("pk", flat=True))
        return others[step - 1] if len(others) >= step else value
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value + 100 * step
    if isinstance(value, dt.datetime):
        return value + dt.timedelta(days=step)
    if isinstance(value, dt.date):
        return value.replace(year=value.year + step)
    if isinstance(value, str):
        return f"{value}-{step}"[: field.max_length or None]
    return value


def _richest(model: type[Model]) -> Model:
    """The row with the most related rows set: the one whose relations a changelist could read one by one."""
    relations = [field.attname for field in model._meta.fields if field.is_relation]
    rows = list(model._default_manager.order_by("pk")[:50])
    assert rows, f"{model._meta.label}: no rows"
    return max(rows, key=lambda row: sum(getattr(row, name) is not None for name in relations))


def _copies(model: type[Model], copies: int, depth: int = 0, original: Model | None = None) -> None:
    """Up to `copies` copies of a row (by default the first), each with its unique fields changed; a copy the
    database refuses (a constraint, a trigger) is skipped."""
    original = original or model._default_manager.order_by("pk").first()
    assert original is not None
    for step in range(1, copies + 1):
        row = copy.copy(original)
        row.pk = None
        row._state.adding = True
        for names in _unique_sets(model):
            for name in names:
                attname = getattr(model._meta.get_field(name), "attname", name)
                setattr(row, attname, _varied(original, name, step, depth))
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                row.save()
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # deferred triggers refuse it here, not at the end
        except (IntegrityError, ValidationError, ValueError, IndexError):
            continue


def _queries(client: Client, model: type[Model], pks: list[Any]) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(admin_url(model, "changelist"), {"pk__in": ",".join(map(str, pks))})
    assert response.status_code == 200, response.status_code
    shown = len(response.context["cl"].result_list)
    return len(captured), shown


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_the_changelist_queries_do_not_grow_with_its_rows(
    model: type[Model], world: World, aurelia_rows: Rows, root: User, root_client: Client
) -> None:
    richest = _richest(model)
    _copies(model, 2, original=richest)
    pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
    assert len(pks) >= 2, f"{model._meta.label}: only {len(pks)} rows, too few to see a query per row"
    one, shown_one = _queries(root_client, model, [richest.pk])
    every, shown_every = _queries(root_client, model, pks)
    assert (shown_one, shown_every) == (1, len(pks))
    assert every == one, f"{model._meta.label}: {one} queries for 1 row, {every} for {len(pks)}"
