"""The OIV's validation of a closed plan's Relazione: the checklist seeded from the Funzione Pubblica's criteria,
the draft, the three outcomes (the positive ones validate the plan in the same transaction, "non validata" leaves
it closed and a new attempt follows), who may do what, the refusals that change nothing, the audit rows, and the
API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from plans.models import Plan, PlanState
from tests.workflow.world import World
from workflow.errors import Conflict, InvalidInput, NotAllowed, NotVisible
from workflow.models import AuditEntry, Outcome, Validation, ValidationCheck, ValidationCriterion
from workflow.models.validation import DEFAULT_CRITERIA
from workflow.services.validation import (
    CheckInput,
    _locked_draft,
    criteria_for,
    validation_open,
    validation_record,
    validation_save,
)

pytestmark = pytest.mark.django_db


def _closed(world: World) -> Plan:
    Plan.objects.filter(pk=world.plan.pk).update(state=PlanState.CLOSED)
    return Plan.objects.get(pk=world.plan.pk)


def _all(validation: Validation, result: str = "met", note: str = "") -> dict[int, CheckInput]:
    return {check.pk: CheckInput(result=result, note=note) for check in validation.checks.all()}


def _state(plan: Plan) -> str:
    return Plan.objects.get(pk=plan.pk).state


def test_a_body_starts_with_the_guidelines_criteria(world: World) -> None:
    criteria = criteria_for(world.aurelia)
    assert [c.title for c in criteria] == [title for title, _ in DEFAULT_CRITERIA]
    assert "Attendibilità dei dati e delle fonti" in [c.title for c in criteria]
    # Edited by the body: a criterion out of use is no longer in new checklists, a new one is.
    ValidationCriterion.objects.filter(organization=world.aurelia, title="Sinteticità").update(active=False)
    ValidationCriterion.objects.create(organization=world.aurelia, position=20, title="Pari opportunità")
    titles = [c.title for c in criteria_for(world.aurelia)]
    assert "Sinteticità" not in titles and titles[-1] == "Pari opportunità"


def test_the_oiv_validates_with_observations_and_the_plan_is_validated(world: World) -> None:
    plan = _closed(world)
    draft = validation_open(actor=world.otto, plan=plan)
    assert draft.is_draft and draft.checks.count() == len(DEFAULT_CRITERIA)
    checks = _all(draft, "met", "Verificato sui dati del controllo di gestione.")
    first = draft.checks.first()
    assert first is not None
    checks[first.pk] = CheckInput(result="partial", note="Due obiettivi senza motivazione dello scostamento.")
    validation_save(actor=world.otto, plan=plan, checks=checks, observations="Motivare gli scostamenti.")
    assert _state(plan) == PlanState.CLOSED  # a draft is not final

    recorded = validation_record(actor=world.otto, plan=plan, outcome=Outcome.WITH_OBSERVATIONS)

    assert (recorded.outcome, recorded.observations) == (Outcome.WITH_OBSERVATIONS, "Motivare gli scostamenti.")
    assert recorded.recorded_at is not None
    assert _state(plan) == PlanState.VALIDATED
    assert ValidationCheck.objects.get(pk=first.pk).result == "partial"
    # In the trail: the validation's row with the outcome, by the OIV, and the plan's change of state.
    row = AuditEntry.objects.filter(subject="workflow.validation", subject_id=recorded.pk, event="changed").last()
    assert row is not None and row.actor == world.otto
    assert (row.after or {}).get("outcome") == Outcome.WITH_OBSERVATIONS
    assert "validata con osservazioni" in row.comment
    plan_row = AuditEntry.objects.filter(subject="plans.plan", subject_id=plan.pk, event="changed").last()
    assert plan_row is not None and (plan_row.after or {}).get("state") == "validated"
    assert AuditEntry.objects.filter(subject="workflow.validationcheck", event="changed").exists()


def test_validata_needs_every_criterion_met(world: World) -> None:
    plan = _closed(world)
    draft = validation_open(actor=world.otto, plan=plan)
    checks = _all(draft)
    first = next(iter(checks))
    checks[first] = CheckInput(result="not_met")
    with pytest.raises(InvalidInput) as refused:
        validation_record(actor=world.otto, plan=plan, outcome=Outcome.VALIDATED, checks=checks)
    assert "validata con osservazioni" in refused.value.fields["outcome"][0]
    assert _state(plan) == PlanState.CLOSED
    assert Validation.objects.get(pk=draft.pk).is_draft

    recorded = validation_record(actor=world.otto, plan=plan, outcome=Outcome.VALIDATED, checks=_all(draft))
    assert recorded.outcome == Outcome.VALIDATED and _state(plan) == PlanState.VALIDATED


def test_every_criterion_must_be_assessed(world: World) -> None:
    plan = _closed(world)
    draft = validation_open(actor=world.otto, plan=plan)
    with pytest.raises(InvalidInput) as refused:
        validation_record(actor=world.otto, plan=plan, outcome=Outcome.VALIDATED)
    assert len([f for f in refused.value.fields if f.startswith("checks.")]) == len(DEFAULT_CRITERIA)
    assert "Coerenza con il Piano" in " ".join(p for problems in refused.value.fields.values() for p in problems)
    assert Validation.objects.get(pk=draft.pk).is_draft and _state(plan) == PlanState.CLOSED


def test_observations_are_required_with_observations(world: World) -> None:
    plan = _closed(world)
    draft = validation_open(actor=world.otto, plan=plan)
    with pytest.raises(InvalidInput) as refused:
        validation_record(
            actor=world.otto, plan=plan, outcome=Outcome.WITH_OBSERVATIONS, checks=_all(draft), observations="  "
        )
    assert list(refused.value.fields) == ["observations"]
    assert _state(plan) == PlanState.CLOSED
    # Nothing written: the refused call's checks were rolled back with it.
    assert not ValidationCheck.objects.filter(validation=draft).exclude(result="").exists()


def test_non_validata_keeps_the_plan_closed_and_a_new_attempt_follows(world: World) -> None:
    plan = _closed(world)
    draft = validation_open(actor=world.otto, plan=plan)
    with pytest.raises(InvalidInput) as refused:
        validation_record(actor=world.otto, plan=plan, outcome=Outcome.NOT_VALIDATED, checks=_all(draft, "not_met"))
    assert list(refused.value.fields) == ["motivation"]

    first = validation_record(
        actor=world.otto,
        plan=plan,
        outcome=Outcome.NOT_VALIDATED,
        checks=_all(draft, "not_met"),
        motivation="Mancano i risultati di tre obiettivi.",
    )
    assert first.outcome == Outcome.NOT_VALIDATED and _state(plan) == PlanState.CLOSED
    with pytest.raises(Conflict, match="già stata registrata"):  # a recorded outcome is final
        _locked_draft(plan, first)

    second = validation_open(actor=world.otto, plan=plan)
    assert second.pk != first.pk and second.is_draft
    validation_record(actor=world.otto, plan=plan, outcome=Outcome.VALIDATED, checks=_all(second))
    assert _state(plan) == PlanState.VALIDATED
    assert list(Validation.objects.filter(plan=plan).order_by("pk").values_list("outcome", flat=True)) == [
        Outcome.NOT_VALIDATED,
        Outcome.VALIDATED,
    ]
    assert Validation.objects.get(pk=first.pk).motivation == "Mancano i risultati di tre obiettivi."


@pytest.mark.parametrize("name", ["diana", "anna", "sara"])
def test_only_the_oiv_records(world: World, name: str) -> None:
    plan = _closed(world)
    user = world.users[name]
    expected = NotAllowed if name == "diana" else NotVisible
    with pytest.raises(expected):
        validation_open(actor=user, plan=plan)
    with pytest.raises(expected):
        validation_record(actor=user, plan=plan, outcome=Outcome.VALIDATED)
    assert not Validation.objects.exists() and _state(plan) == PlanState.CLOSED


def test_another_body_does_not_see_it(world: World) -> None:
    plan = _closed(world)
    with pytest.raises(NotVisible):
        validation_open(actor=world.erica, plan=plan)


def test_a_plan_not_closed_is_not_validated(world: World) -> None:
    assert world.plan.state == PlanState.IN_EXECUTION
    with pytest.raises(Conflict, match="chiuso"):
        validation_open(actor=world.otto, plan=world.plan)
    assert not Validation.objects.exists()


def test_a_validated_plan_is_not_validated_again(world: World) -> None:
    plan = _closed(world)
    validation_record(
        actor=world.otto,
        plan=plan,
        outcome=Outcome.VALIDATED,
        checks=_all(validation_open(actor=world.otto, plan=plan)),
    )
    with pytest.raises(Conflict):
        validation_open(actor=world.otto, plan=plan)


# ----- pages --------------------------------------------------------------------------------------------------


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_is_the_oivs_and_the_directors_only(world: World) -> None:
    plan = _closed(world)
    url = f"/piani/{plan.pk}/validazione/"
    assert _client(world.otto).get(url).status_code == 200
    assert _client(world.diana).get(url).status_code == 200
    for name in ("anna", "sara", "erica"):
        assert _client(world.users[name]).get(url).status_code == 404, name
        assert _client(world.users[name]).post(f"{url}apri/").status_code == 404, name
    # The director reads; the OIV's controls are not hers.
    assert "Apri la validazione" not in _client(world.diana).get(url).content.decode()
    assert _client(world.diana).post(f"{url}apri/").status_code == 302
    assert not Validation.objects.exists()


def test_the_oiv_records_on_the_page_and_a_refusal_keeps_the_draft(world: World) -> None:
    plan = _closed(world)
    client = _client(world.otto)
    url = f"/piani/{plan.pk}/validazione/"
    assert "Apri la validazione" in client.get(url).content.decode()
    assert client.post(f"{url}apri/").status_code == 302
    draft = Validation.objects.get()
    data = {f"check_{c.pk}_result": "met" for c in draft.checks.all()}
    data |= {"observations": "", "outcome": "validata_con_osservazioni", "azione": "registra"}
    refused = client.post(f"{url}salva/", data)
    assert refused.status_code == 400
    assert "Scrivi le osservazioni" in refused.content.decode()
    assert Validation.objects.get().is_draft
    assert ValidationCheck.objects.filter(validation=draft, result="met").count() == len(DEFAULT_CRITERIA)

    data["observations"] = "Rafforzare le fonti esterne."
    done = client.post(f"{url}salva/", data, follow=True)
    assert done.status_code == 200
    page = done.content.decode()
    assert "Esito registrato: Relazione validata con osservazioni." in page
    assert f"/validazione/{draft.pk}.pdf" in page
    assert _state(plan) == PlanState.VALIDATED


# ----- API ----------------------------------------------------------------------------------------------------


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_reads_saves_and_records(world: World) -> None:
    plan = _closed(world)
    url = f"/api/plans/{plan.pk}/validation/"
    api = _api(world.otto)
    none = api.get(url)
    assert none.status_code == 404 and "PUT" in none.json()["message"]
    opened = api.put(url, {"observations": ""}, format="json")
    assert opened.status_code == 200, opened.content
    assert api.get(url).json() == opened.json()
    body = opened.json()
    assert body["outcome"] == "" and len(body["checks"]) == len(DEFAULT_CRITERIA)
    checks = [{"id": c["id"], "result": "met", "note": "ok"} for c in body["checks"]]
    saved = api.put(url, {"checks": checks, "observations": "Nessun rilievo grave."}, format="json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["observations"] == "Nessun rilievo grave."

    bad = api.post(f"{url}outcome/", {"outcome": "non_validata"}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    assert "motivation" in bad.json()["fields"]

    done = api.post(f"{url}outcome/", {"outcome": "validata_con_osservazioni"}, format="json")
    assert done.status_code == 201, done.content
    assert done.json()["outcome"] == "validata_con_osservazioni"
    assert _state(plan) == PlanState.VALIDATED


def test_the_api_refuses_others(world: World) -> None:
    plan = _closed(world)
    url = f"/api/plans/{plan.pk}/validation/"
    assert _api(world.sara).get(url).status_code == 404
    assert _api(world.erica).put(url, {"observations": "x"}, format="json").status_code == 404
    refused = _api(world.diana).post(f"{url}outcome/", {"outcome": "validata"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert not Validation.objects.exists() and _state(plan) == PlanState.CLOSED
