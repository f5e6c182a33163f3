"""The admin's search: on PostgreSQL one indexed query per searched field (config.admin.ScopedAdmin), the same
rows as Django's own search, within the user's scope; the trigram indexes of plans/migrations/0011_admin_search.py
serve it; and on SQLite (the embedded demo) the migration and the search still work."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Model, Q
from django.test import Client

from plans.models import Activity, Indicator, Objective
from tests.admin.payloads import admin_request, admin_url
from tests.admin.rows import Rows
from tests.workflow.world import World
from workflow.models import AuditEntry

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
TERMS = ["mappatura", "SOC", "soc-1", "Sportelli mappatura", '"degli sportelli"', "nulla-di-simile", "%", "_", "'"]


def _django_search(model: type[Model], user: User, term: str) -> set[Any]:
    """The rows Django's own ModelAdmin.get_search_results finds (one WHERE with the fields ORed)."""
    model_admin = admin.site.get_model_admin(model)
    request = admin_request(user)
    queryset = model_admin.get_queryset(request)
    found, _duplicates = admin.ModelAdmin.get_search_results(model_admin, request, queryset, term)
    return set(found.values_list("pk", flat=True))


def _shown(client: Client, model: type[Model], term: str) -> set[Any]:
    response = client.get(admin_url(model, "changelist"), {"q": term})
    assert response.status_code == 200, (term, response.status_code)
    changelist = response.context["cl"]
    assert changelist.result_count == len(changelist.result_list)  # one page here: the count agrees
    return {row.pk for row in changelist.result_list}


@pytest.mark.parametrize("model", [Activity, Objective, Indicator, AuditEntry], ids=lambda model: model._meta.label)
def test_the_search_finds_what_djangos_search_finds(
    model: type[Model], world: World, aurelia_rows: Rows, root: User, root_client: Client
) -> None:
    found_any = False
    for term in TERMS:
        expected = _django_search(model, root, term)
        assert _shown(root_client, model, term) == expected, term
        found_any |= bool(expected)
    assert found_any, "no term found anything: the comparison proves nothing"


def test_the_search_stays_within_the_users_scope(
    world: World, aurelia_rows: Rows, erica: User, erica_client: Client, root_client: Client
) -> None:
    """Erica directs Borgo: a word of Aurelia's activities finds them for the platform operator, not for her."""
    word = "mappatura"
    assert _shown(root_client, Activity, word), "Aurelia's activity should match"
    assert _shown(erica_client, Activity, word) == _django_search(Activity, erica, word)
    assert not any(Activity.objects.filter(pk__in=_shown(erica_client, Activity, word), objective__plan=world.plan))


def test_a_search_across_a_relation_finds_each_row_once(world: World, aurelia_rows: Rows, root_client: Client) -> None:
    """`objective__code` and `description` both match: the row is listed once, and counted once."""
    code = world.activity.objective.code
    Activity.objects.filter(pk=world.activity.pk).update(description=f"Attività {code} di prova")
    response = root_client.get(admin_url(Activity, "changelist"), {"q": code})
    listed = [row.pk for row in response.context["cl"].result_list]
    matching = Activity.objects.filter(Q(description__icontains=code) | Q(objective__code__icontains=code))
    assert world.activity.pk in listed and len(listed) == len(set(listed)) == matching.count()
    assert response.context["cl"].result_count == matching.count()


def test_the_trigram_indexes_serve_the_searched_expressions(world: World) -> None:
    """With sequential and plain index scans discouraged (the test's table is tiny), PostgreSQL reads a search of
    the activities' descriptions through the trigram index: its expression is the one Django's icontains compares."""
    searched = Activity.objects.order_by().filter(description__icontains="mappatura").values("pk")
    sql, params = searched.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few rows here: at scale the planner picks it alone
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%_trgm"])
        indexes = {row[0] for row in cursor.fetchall()}
    assert "activity_description_trgm" in plan, plan
    assert {"activity_description_trgm", "objective_code_trgm", "indicator_name_trgm"} <= indexes


def test_the_migration_and_the_search_work_on_sqlite(tmp_path: Path) -> None:
    """The embedded demo: no pg_trgm, no GIN; the migration skips them and the admin searches as Django does."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL"}}
    env["TRAGUARDI_VAR_DIR"] = str(tmp_path)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    script = """
from django.test.utils import setup_test_environment
setup_test_environment()  # the client records the template context
from django.contrib.auth.models import User
from django.test import Client
from plans.models import Activity, Objective, Organization, Plan
organization = Organization.objects.create(name="Comune di Prova", slug="prova")
plan = Plan.objects.create(organization=organization, code="PEG-2026", title="Piano", year_start=2026, year_end=2026)
objective = Objective.objects.create(plan=plan, code="SOC-7", title="Servizi sociali")
Activity.objects.create(objective=objective, position=1, description="Mappatura degli sportelli")
Activity.objects.create(objective=objective, position=2, description="Altro lavoro")
from django.conf import settings
settings.SECOND_FACTOR_REQUIRED_FOR_SUPERUSERS = False  # the search is under test here, not the second factor
client = Client()
client.force_login(User.objects.create_superuser("radice", "radice@prova.example", "x"))
for term in ("sportelli", "soc-7", "nulla"):
    response = client.get("/admin/plans/activity/", {"q": term})
    print(term, response.status_code, len(response.context["cl"].result_list))
"""
    for args in (["migrate", "--no-input", "-v0"], ["shell", "-v0", "-c", script]):
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split("\n")[-4:-1] == ["sportelli 200 1", "soc-7 200 2", "nulla 200 0"], done.stdout
