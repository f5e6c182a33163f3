"""A re-import into a validated plan is refused with the Italian message (where, why, what to do instead),
writes nothing, and `import_plan` exits non-zero; a dry run is refused too. Another code imports as a new plan."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError
from django.db import connection

from plans.models import IndicatorTarget, Measurement, Organization, OrganizationRole, Plan, PlanState
from tests.conftest import REPO
from tests.plans.test_import_errors import edited, refused
from tests.plans.test_import_plan import run_import, small_plan, write
from workflow.models import AuditEntry
from workflow.services.plan_lifecycle import plan_adopt, plan_close, plan_start, plan_validate

pytestmark = pytest.mark.django_db


def _validated(tmp_path: Path) -> Plan:
    run_import(write(tmp_path, small_plan()))
    organization = Organization.objects.get(slug="comune-prova")
    director, auditor = User.objects.create_user("direttrice"), User.objects.create_user("oiv")
    OrganizationRole.objects.create(organization=organization, user=director, role=OrganizationRole.Role.DIRECTOR)
    OrganizationRole.objects.create(organization=organization, user=auditor, role=OrganizationRole.Role.AUDITOR)
    plan = Plan.objects.get(code="PEG-2026")
    plan = plan_adopt(actor=director, plan=plan, act="Delibera n. 1", adopted_on=dt.date(2026, 1, 20))
    plan = plan_close(actor=director, plan=plan_start(actor=director, plan=plan))
    return plan_validate(actor=auditor, plan=plan)


def _changed_target(document: dict) -> None:
    document["objectives"][0]["indicators"][0]["targets"][0]["value"] = "95%"
    document["objectives"][0]["indicators"][0]["measurements"].append(
        {"year": 2026, "date": "2026-12-31", "value": "90%"}
    )


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_re_import_into_a_validated_plan_is_refused_and_writes_nothing(tmp_path: Path, dry_run: bool) -> None:
    plan = _validated(tmp_path)
    trail = AuditEntry.objects.count()
    path = write(tmp_path, edited(_changed_target))

    message = refused(path) if not dry_run else _refused_dry_run(path)

    assert "(plan.code)" in message
    assert "Il piano «PEG-2026» è stato validato dall'OIV: i suoi dati non si possono più modificare" in message
    assert "importa il file con un altro codice del piano" in message
    assert IndicatorTarget.objects.get().raw == "75%"
    assert Measurement.objects.count() == 1
    assert AuditEntry.objects.count() == trail
    assert Plan.objects.get(pk=plan.pk).state == PlanState.VALIDATED


def _refused_dry_run(path: Path) -> str:
    with pytest.raises(CommandError) as refusal:
        run_import(path, "--dry-run")
    assert refusal.value.returncode == 1
    return str(refusal.value)


def test_the_same_file_under_another_code_imports_as_a_new_plan(tmp_path: Path) -> None:
    _validated(tmp_path)
    run_import(write(tmp_path, edited(lambda d: d["plan"].__setitem__("code", "PEG-2026-BIS"))))
    assert Plan.objects.get(code="PEG-2026-BIS").state == PlanState.DRAFT


def test_import_plan_exits_non_zero_on_a_validated_plan(transactional_db: None, tmp_path: Path) -> None:
    """The command as an office runs it, in its own process, on the test database."""
    _validated(tmp_path)
    path = write(tmp_path, edited(_changed_target))
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    done = subprocess.run(
        [sys.executable, "manage.py", "import_plan", str(path)],
        cwd=REPO,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "Il file non è stato importato" in done.stderr
    assert "è stato validato dall'OIV" in done.stderr
    assert IndicatorTarget.objects.get().raw == "75%"
