"""Every registered ModelAdmin, enumerated, against Erica: director of the Comune di Borgo, with staff access
and every model permission through a group. For each, nothing of the Comune di Aurelia reaches her: not in
the changelist (rows or filters), not in the change, delete and history views, and she cannot create a row
that points to Aurelia. A new admin is enumerated here the day it is registered; one that is neither
scoped nor platform-only fails, and so does one whose model has no Aurelia rows in tests/admin/rows.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Model
from django.forms.models import model_to_dict
from django.test import Client

from tests.admin.payloads import add_payload, admin_request, admin_url, object_id
from tests.admin.rows import ADD_TWEAKS, Rows, stored
from tests.workflow.world import World

pytestmark = pytest.mark.django_db

REGISTERED = [model for model in apps.get_models() if admin.site.is_registered(model)]
REFUSED = {403, 404}


def _label(model: type[Model]) -> str:
    return model._meta.label


def test_the_enumeration_sees_the_admins_of_every_app() -> None:
    labels = {model._meta.app_label for model in REGISTERED}
    assert {"auth", "plans", "workflow", "notifications", "reports"} <= labels


def test_the_system_check_finds_every_admin_scoped() -> None:
    from config.admin import check_every_admin_is_scoped

    assert check_every_admin_is_scoped() == []


@pytest.mark.parametrize("model", REGISTERED, ids=_label)
def test_the_admin_is_scoped_or_platform_only(model: type[Model]) -> None:
    from config.admin import PlatformOnlyAdmin, ScopedAdmin, ScopedInline

    model_admin = admin.site.get_model_admin(model)
    assert isinstance(model_admin, ScopedAdmin), f"{type(model_admin)} is not scoped: derive it from ScopedAdmin"
    assert model_admin.is_scoped() or isinstance(model_admin, PlatformOnlyAdmin), (
        f"{type(model_admin)} declares no way to an organization: non-superusers would see none of its rows"
    )
    for inline in model_admin.inlines:
        assert issubclass(inline, ScopedInline), f"{inline} is not scoped"


@pytest.mark.parametrize("model", REGISTERED, ids=_label)
def test_a_director_of_another_body_sees_nothing_of_aurelia(
    model: type[Model], world: World, aurelia_rows: Rows, erica_client: Client
) -> None:
    rows = aurelia_rows.get(model)
    assert rows, f"tests/admin/rows.py builds no Aurelia row of {_label(model)}: add some"
    listing = erica_client.get(admin_url(model, "changelist"))
    assert listing.status_code in {200, 403}
    if listing.status_code == 200:
        shown = {row.pk for row in listing.context["cl"].result_list}
        assert shown.isdisjoint(row.pk for row in rows)
        assert "aurelia" not in listing.content.decode().lower()  # neither in the rows nor in the filters
    for row in rows:
        for view in ("change", "delete", "history"):
            response = erica_client.get(admin_url(model, view, object_id(row)))
            assert response.status_code in REFUSED, (view, row)


@pytest.mark.parametrize("model", REGISTERED, ids=_label)
def test_a_director_of_another_body_changes_and_deletes_nothing_of_aurelia(
    model: type[Model], world: World, aurelia_rows: Rows, root: User, erica_client: Client
) -> None:
    model_admin = admin.site.get_model_admin(model)
    may_add = model_admin.has_add_permission(admin_request(root))
    for row in aurelia_rows[model]:
        before = model_to_dict(row)
        payload = add_payload(model_admin, root, row) if may_add else {"_save": "Salva"}
        response = erica_client.post(admin_url(model, "change", object_id(row)), payload)
        assert response.status_code in REFUSED, row
        response = erica_client.post(admin_url(model, "delete", object_id(row)), {"post": "yes"})
        assert response.status_code in REFUSED, row
        assert model_to_dict(stored(row)) == before


@pytest.mark.parametrize("model", REGISTERED, ids=_label)
def test_a_director_of_another_body_cannot_add_a_row_pointing_to_aurelia(
    model: type[Model], world: World, aurelia_rows: Rows, root: User, erica_client: Client
) -> None:
    model_admin = admin.site.get_model_admin(model)
    changes: dict[str, Any] = ADD_TWEAKS.get(_label(model), lambda world: {})(world)
    count = model._default_manager.count()
    if model_admin.has_add_permission(admin_request(root)):
        payload = add_payload(model_admin, root, aurelia_rows[model][0], **changes)
        _the_operator_could_add_it(model, root, payload)
    else:
        payload = changes
    response = erica_client.post(admin_url(model, "add"), payload)
    assert response.status_code in {200, 403}  # the form again, with its errors, or no add form at all
    assert model._default_manager.count() == count
    if response.status_code == 200:
        assert response.context["adminform"].form.errors


def _the_operator_could_add_it(model: type[Model], root: User, payload: dict[str, Any]) -> None:
    """The same payload, posted by the platform operator, creates the row (then rolled back): Erica's
    refusal below is about Aurelia, not about a malformed or duplicate row."""
    client = Client()
    client.force_login(root)
    with transaction.atomic():
        count = model._default_manager.count()
        response = client.post(admin_url(model, "add"), payload)
        errors = response.context["adminform"].form.errors if response.status_code == 200 else None
        assert response.status_code == 302, errors
        assert model._default_manager.count() == count + 1
        transaction.set_rollback(True)
