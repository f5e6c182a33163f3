"""Every plan model has a working admin (list and change page), the state stays read-only there, and the
import template and schema can be downloaded."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from plans.importing import import_plan_file
from plans.models import Activity
from tests.plans.helpers import load_reference_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_with_demo(client: Client) -> Client:
    load_reference_demo()
    admin = User.objects.create_superuser("amministratore", "admin@example.it", "x")
    client.force_login(admin)
    return client


# A validated plan's reopening is written only by plan_reopen (a superuser, in the same transaction as the change of
# state, which the database checks) and never changed: it is read in the plan's history of steps and in the audit
# trail, not edited in the admin.
# A web import's job has its own page, its requester's (web/views/imports.py), and carries the uploaded file.
NOT_IN_THE_ADMIN = {"plans.PlanReopening", "plans.PlanImport"}


def test_every_plan_model_has_a_list_and_a_change_page(admin_client_with_demo: Client) -> None:
    for model in apps.get_app_config("plans").get_models():
        if model._meta.label in NOT_IN_THE_ADMIN:
            assert not admin.site.is_registered(model)
            continue
        info = (model._meta.app_label, model._meta.model_name)
        listing = admin_client_with_demo.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert listing.status_code == 200, model
        first = model._default_manager.first()
        if first is not None:
            change = admin_client_with_demo.get(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
            assert change.status_code == 200, model


def test_activity_admin_filters_searches_and_shows_raw_beside_parsed(admin_client_with_demo: Client) -> None:
    url = reverse("admin:plans_activity_changelist")
    found = admin_client_with_demo.get(url, {"q": "avviato Luglio", "state": "avviato"})
    assert found.status_code == 200
    assert "Riorganizzazione di un archivio cartaceo e digitale" in found.content.decode()
    activity = Activity.objects.get(actual_raw="avviato Luglio")
    page = admin_client_with_demo.get(reverse("admin:plans_activity_change", args=[activity.pk])).content.decode()
    assert 'name="actual_raw"' in page and "avviato Luglio" in page
    assert 'name="state"' not in page  # read-only: the workflow owns the state


def test_saving_a_raw_time_in_the_admin_reparses_it(admin_client_with_demo: Client) -> None:
    activity = Activity.objects.get(actual_raw="avviato Luglio")
    url = reverse("admin:plans_activity_change", args=[activity.pk])
    response = admin_client_with_demo.post(
        url,
        {
            "objective": activity.objective_id,
            "position": activity.position,
            "description": activity.description,
            "owner": activity.owner_id or "",
            "planned_raw": "Luglio",
            "actual_raw": "Settembre",
        },
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.actual_kind, str(activity.actual_end), activity.state) == ("month", "2021-09-30", "avviato")


def test_the_xlsx_template_downloads_and_imports(client: Client, tmp_path: Path) -> None:
    response = client.get(reverse("plans:import-template"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="traguardi-modello-piano.xlsx"'
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames[:5] == ["Ente", "Piano", "Aree", "Obiettivi", "Attività"]
    path = tmp_path / "modello.xlsx"
    path.write_bytes(response.content)
    result = import_plan_file(path)
    assert result.counts["activities"].created == 2


def test_the_json_schema_downloads(client: Client) -> None:
    response = client.get(reverse("plans:plan-schema"))
    assert response.status_code == 200
    assert b'"traguardi-plan/1"' in b"".join(response.streaming_content)  # type: ignore[attr-defined]
