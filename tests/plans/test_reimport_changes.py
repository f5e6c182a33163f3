"""Re-importing an adopted plan: the file overwrites nothing, its differences become a change request per objective
(proposed by whoever imports, `--as`), which the director approves with the act; a draft is still overwritten; a
file that changes nothing needs nobody; without --as or --motivation the import is refused and writes nothing."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management.base import CommandError

from plans.models import Area, IndicatorTarget, Objective, OrganizationRole, Plan
from tests.plans.helpers import database_snapshot
from tests.plans.test_import_plan import run_import, small_plan, write
from workflow.models import PlanVersion, TransitionRequest
from workflow.services.changes import change_approve
from workflow.services.plan_lifecycle import plan_adopt

pytestmark = pytest.mark.django_db


@pytest.fixture
def adopted(tmp_path: Path) -> Plan:
    run_import(write(tmp_path, small_plan()), "--reference-date", "2026-05-15")
    plan = Plan.objects.get(code="PEG-2026")
    director = User.objects.create_user("diana")
    head = User.objects.create_user("anna")
    OrganizationRole.objects.create(organization=plan.organization, user=director, role="director")
    Area.objects.filter(organization=plan.organization, code="SOC").update(head=head)
    plan_adopt(actor=director, plan=plan, act="Delibera di Giunta n. 12", adopted_on=dt.date(2026, 1, 20))
    return plan


def _edited() -> dict:
    document = copy.deepcopy(small_plan())
    objective = document["objectives"][0]
    objective["title"] = "Cartella sociale informatizzata e condivisa"
    objective["indicators"][0]["targets"] = [{"year": 2026, "value": "80%"}]
    return document


def test_a_re_import_of_an_adopted_plan_becomes_a_change_request(tmp_path: Path, adopted: Plan) -> None:
    output = run_import(write(tmp_path, _edited()), "--as", "anna", "--motivation", "Aggiornamento del PEG")

    objective = Objective.objects.get(plan=adopted, code="OB-1")
    assert objective.title == "Cartella sociale informatizzata"  # nothing overwritten
    assert IndicatorTarget.objects.get(indicator__objective=objective).raw == "75%"
    request = TransitionRequest.objects.get(objective=objective, transition="rimodula")
    assert (request.status, request.requested_by.username, request.reason) == (
        "pending",
        "anna",
        "Aggiornamento del PEG",
    )
    assert request.changes["objective"]["title"]["after"] == "Cartella sociale informatizzata e condivisa"
    [indicator] = request.changes["indicators"]
    assert indicator["targets"] == {"2026": {"before": "75%", "after": "80%"}}
    assert f"richiesta n. {request.pk}, in attesa di approvazione" in output

    change_approve(
        actor=User.objects.get(username="diana"), request=request, act="Decreto n. 3", act_date=dt.date(2026, 5, 14)
    )
    objective.refresh_from_db()
    assert objective.title == "Cartella sociale informatizzata e condivisa"
    assert IndicatorTarget.objects.get(indicator__objective=objective).raw == "80%"
    assert PlanVersion.objects.filter(plan=adopted).count() == 2


def test_without_who_and_why_the_re_import_is_refused_and_writes_nothing(tmp_path: Path, adopted: Plan) -> None:
    before = database_snapshot()
    with pytest.raises(CommandError) as refused:
        run_import(write(tmp_path, _edited()))
    assert "--as" in str(refused.value) and "--motivation" in str(refused.value)
    with pytest.raises(CommandError) as staff:
        Area.objects.get(organization=adopted.organization, code="SOC").members.add(User.objects.create_user("sara"))
        run_import(write(tmp_path, _edited()), "--as", "sara", "--motivation", "x")
    assert "responsabile dell'area" in str(staff.value)
    after = database_snapshot()
    for label in ("auth.User", "plans.Area_members"):
        after.pop(label, None)
        before.pop(label, None)
    assert after == before


def test_the_same_file_again_needs_nobody_and_changes_nothing(tmp_path: Path, adopted: Plan) -> None:
    before = database_snapshot()
    output = run_import(write(tmp_path, small_plan()))
    assert database_snapshot() == before
    assert "nessuna differenza" in output


def test_a_draft_is_still_overwritten(tmp_path: Path) -> None:
    run_import(write(tmp_path, small_plan()), "--reference-date", "2026-05-15")
    run_import(write(tmp_path, _edited()))
    assert Objective.objects.get(code="OB-1").title == "Cartella sociale informatizzata e condivisa"
    assert not TransitionRequest.objects.exists()


def test_what_no_change_request_carries_is_listed_never_dropped_in_silence(tmp_path: Path, adopted: Plan) -> None:
    document = _edited()
    objective = document["objectives"][0]
    objective["activities"][0] |= {"code": "1.a", "external_bodies": "ASL Roma 1"}
    indicator = objective["indicators"][0]
    indicator["targets"] = [{"year": 2026, "value": "75%", "source": "DM 77/2022"}]
    indicator["history"] = [{"year": 2024, "value": "50%"}]
    output = run_import(write(tmp_path, document), "--as", "anna", "--motivation", "Aggiornamento del PEG")
    listed = [line for line in output.splitlines() if "non importato" in line]
    assert "  non importato (una rimodulazione non lo prevede): obiettivo OB-1, attività 1: codice: «» → «1.a»" in (
        listed
    )
    assert any("obiettivo OB-1, attività 1: enti esterni: «» → «ASL Roma 1»" in line for line in listed)
    assert any(
        "obiettivo OB-1, indicatore 1: fonte del valore atteso 2026: «» → «DM 77/2022»" in line for line in listed
    )
    assert any("obiettivo OB-1, indicatore 1: valore storico 2024: «» → «50%»" in line for line in listed)
    # None of it written: the plan is adopted.
    activity = Objective.objects.get(plan=adopted, code="OB-1").activities.get(position=1)
    assert (activity.code, activity.external_bodies) == ("", "")
    assert not adopted.objectives.filter(indicators__history__isnull=False).exists()
