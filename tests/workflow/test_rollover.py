"""Next year's plan from a closed one (workflow.services.rollover): objectives, indicators and the three-year
targets as written, the unfinished activities the director chooses, as a draft; by the director only, from a
closed or validated plan only, once; every refusal changes nothing."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
import yaml
from django.contrib.auth.models import User
from django.db import connection, transaction

from plans.importing.service import import_plan_file
from plans.models import (
    Activity,
    Indicator,
    IndicatorBaseline,
    IndicatorTarget,
    Measurement,
    Objective,
    OrganizationRole,
    Plan,
    PlanState,
    WorkState,
)
from tests.workflow.world import World
from workflow.errors import Conflict, InvalidInput, NotAllowed, NotVisible
from workflow.models import AuditEntry
from workflow.services.plan_lifecycle import plan_adopt, plan_close, plan_start
from workflow.services.rollover import ALL_OPEN, next_code, next_title, plan_rollover, rollover_preview

pytestmark = pytest.mark.django_db

SEED_001 = Path(__file__).resolve().parents[2] / "plans" / "demo" / "peg-2019.yaml"


def _closed(plan: Plan) -> Plan:
    Plan.objects.filter(pk=plan.pk).update(state=PlanState.CLOSED)
    return Plan.objects.get(pk=plan.pk)


def _column(year: int) -> dict[tuple[str, int], str]:
    """The targets of `year` in seed 001's conversion, read from the file: (objective code, indicator position)
    → the value as written."""
    document = yaml.safe_load(SEED_001.read_text(encoding="utf-8"))
    column = {}
    for objective in document["objectives"]:
        for position, indicator in enumerate(objective.get("indicators", []), start=1):
            for target in indicator.get("targets", []):
                if target["year"] == year:
                    column[(objective["code"], position)] = str(target["value"])
    return column


def _targets(plan: Plan, year: int) -> dict[tuple[str, int], str]:
    rows = IndicatorTarget.objects.filter(indicator__objective__plan=plan, year=year).values_list(
        "indicator__objective__code", "indicator__position", "raw"
    )
    return {(code, position): raw for code, position, raw in rows}


def test_the_rollover_of_the_2019_peg_gives_a_2020_draft_whose_targets_are_seed_001s_2020_column() -> None:
    peg = import_plan_file(SEED_001, reference_date=dt.date(2019, 12, 31)).plan
    director = User.objects.create_user("direttore-peg", password="segreta")
    OrganizationRole.objects.create(organization=peg.organization, user=director, role=OrganizationRole.Role.DIRECTOR)
    peg = plan_adopt(actor=director, plan=peg, act="Delibera di Giunta n. 1", adopted_on=dt.date(2019, 1, 30))
    peg = plan_close(actor=director, plan=plan_start(actor=director, plan=peg))

    preview = rollover_preview(peg)
    assert (preview.code, preview.title, preview.year_start, preview.year_end) == (
        "PEG-2020",
        "Piano Esecutivo di Gestione 2020",
        2020,
        2022,
    )
    draft = plan_rollover(actor=director, plan=peg, code=preview.code, title=preview.title)

    draft = Plan.objects.get(pk=draft.pk)
    assert (draft.code, draft.state, draft.year_start, draft.year_end) == ("PEG-2020", PlanState.DRAFT, 2020, 2022)
    assert draft.rolled_over_from_id == peg.pk
    expected_2020 = _column(2020)
    assert len(expected_2020) == 22  # of the 25 indicators, three (deadlines in 2019, a 2019-only count) stop
    assert _targets(draft, 2020) == expected_2020
    assert _targets(draft, 2021) == _column(2021)
    assert not IndicatorTarget.objects.filter(indicator__objective__plan=draft, year__in=[2019, 2022]).exists()
    assert preview.targets == len(expected_2020) + len(_column(2021))
    # As parsed, too: the same meaning as the 2019 plan's own 2020 column, never typed again.
    fields = ("raw", "kind", "operator", "value", "numerator", "denominator", "date_value", "boolean", "parsed")
    old = {
        (t.indicator.objective.code, t.indicator.position): [getattr(t, f) for f in fields]
        for t in IndicatorTarget.objects.filter(indicator__objective__plan=peg, year=2020).select_related(
            "indicator__objective"
        )
    }
    new = {
        (t.indicator.objective.code, t.indicator.position): [getattr(t, f) for f in fields]
        for t in IndicatorTarget.objects.filter(indicator__objective__plan=draft, year=2020).select_related(
            "indicator__objective"
        )
    }
    assert new == old
    # The objectives, their tree and areas, and every indicator come along.
    assert sorted(draft.objectives.values_list("code", "parent__code")) == sorted(
        peg.objectives.values_list("code", "parent__code")
    )
    assert Indicator.objects.filter(objective__plan=draft).count() == 25 == preview.indicators
    assert preview.indicators_without_first_target == 3
    for objective in draft.objectives.prefetch_related("areas"):
        assert [area.code for area in objective.areas.all()] == ["SSP"]
        assert objective.state == WorkState.PROGRAMMATO
        assert objective.budget_expense is None  # the new year's budget is the new year's


def test_the_director_chooses_which_unfinished_activities_are_carried_over(world: World) -> None:
    done = Activity.objects.create(
        objective=world.objective, position=3, description="Avvio del servizio", planned_raw="Marzo"
    )
    Activity.objects.filter(pk=done.pk).update(state=WorkState.CONCLUSO, actual_end=dt.date(2026, 3, 20))
    plan = _closed(world.plan)
    preview = rollover_preview(plan)
    assert [activity.pk for activity in preview.open_activities] == [world.activity.pk, world.second_activity.pk]

    draft = plan_rollover(
        actor=world.diana, plan=plan, code="PEG-2027", title="PEG 2027", carry_over_activities={world.activity.pk}
    )

    carried = Activity.objects.get(objective__plan=draft)
    assert carried.carried_over_from_id == world.activity.pk
    assert (carried.description, carried.owner_id, carried.position) == (
        "Mappatura degli sportelli",
        world.sara.pk,
        1,
    )
    # "Giugno" as written, now June of the new plan's year.
    assert (carried.planned_raw, carried.planned_end) == ("Giugno", dt.date(2027, 6, 30))
    assert carried.state == WorkState.PROGRAMMATO
    assert carried.objective.code == "SOC-1"
    assert list(world.activity.carried_over_to.values_list("objective__plan__code", flat=True)) == ["PEG-2027"]


def test_all_open_activities_can_be_carried_over_and_a_postponed_deadline_stands(world: World) -> None:
    Activity.objects.filter(pk=world.second_activity.pk).update(
        state=WorkState.RINVIATO, planned_end=dt.date(2027, 3, 31)
    )
    Activity.objects.filter(pk=world.activity.pk).update(state=WorkState.AVVIATO)
    plan = _closed(world.plan)

    draft = plan_rollover(
        actor=world.diana, plan=plan, code="PEG-2027", title="PEG 2027", carry_over_activities=ALL_OPEN
    )

    carried = {a.carried_over_from_id: a for a in Activity.objects.filter(objective__plan=draft)}
    assert set(carried) == {world.activity.pk, world.second_activity.pk}
    assert carried[world.second_activity.pk].planned_end == dt.date(2027, 3, 31)
    assert carried[world.second_activity.pk].state == WorkState.PROGRAMMATO
    assert carried[world.activity.pk].state == WorkState.AVVIATO  # work under way stays under way


def test_a_baseline_is_kept_as_written_and_a_missing_one_is_the_years_actual_value(world: World) -> None:
    IndicatorBaseline.objects.create(indicator=world.indicator, raw="30", kind="number", value=30, year=2025)
    second = Indicator.objects.create(objective=world.objective, position=2, name="Sportelli aperti", unit="n.")
    Measurement.objects.create(indicator=second, year=2026, raw="4", kind="number", value=4)
    Measurement.objects.create(indicator=second, year=2026, raw="5", kind="number", value=5)
    IndicatorTarget.objects.create(indicator=second, year=2027, raw="+10%", kind="text", parsed=False)
    plan = _closed(world.plan)

    draft = plan_rollover(actor=world.diana, plan=plan, code="PEG-2027", title="PEG 2027")

    baselines = {
        b.indicator.name: (b.raw, b.year, b.source)
        for b in IndicatorBaseline.objects.filter(indicator__objective__plan=draft).select_related("indicator")
    }
    assert baselines == {
        "Utenti presi in carico": ("30", 2025, ""),
        "Sportelli aperti": ("5", 2026, "Valore consuntivo 2026 del piano «PEG-2026»"),
    }
    assert list(IndicatorTarget.objects.filter(indicator__objective__plan=draft).values_list("year", "raw")) == [
        (2027, "+10%")
    ]


def test_the_rollover_is_in_the_audit_trail_with_who_and_from_where(world: World) -> None:
    plan = _closed(world.plan)
    draft = plan_rollover(actor=world.diana, plan=plan, code="PEG-2027", title="PEG 2027")
    entry = AuditEntry.objects.get(subject="plans.plan", subject_id=draft.pk, event=AuditEntry.Event.CREATED)
    assert (entry.actor_id, entry.source) == (world.diana.pk, "web")
    assert "PEG-2026" in entry.comment
    objectives = set(draft.objectives.values_list("pk", flat=True))
    recorded = set(
        AuditEntry.objects.filter(subject="plans.objective", event=AuditEntry.Event.CREATED).values_list(
            "subject_id", flat=True
        )
    )
    assert objectives <= recorded


@pytest.mark.parametrize("name", ["anna", "sara", "otto", "bruno"])
def test_only_the_director_rolls_over(world: World, name: str) -> None:
    plan = _closed(world.plan)
    with pytest.raises(NotAllowed, match="direttore"):
        plan_rollover(actor=world.users[name], plan=plan, code="PEG-2027", title="PEG 2027")
    assert not Plan.objects.filter(code="PEG-2027").exists()


def test_another_bodys_director_does_not_see_the_plan(world: World) -> None:
    plan = _closed(world.plan)
    with pytest.raises(NotVisible):
        plan_rollover(actor=world.erica, plan=plan, code="PEG-2027", title="PEG 2027")
    assert Plan.objects.count() == 1


@pytest.mark.parametrize("state", [PlanState.DRAFT, PlanState.ADOPTED, PlanState.IN_EXECUTION])
def test_a_plan_not_closed_is_not_rolled_over(world: World, state: str) -> None:
    Plan.objects.filter(pk=world.plan.pk).update(state=state)
    with pytest.raises(Conflict, match="Chiudi prima il piano") as refused:
        plan_rollover(actor=world.diana, plan=world.plan, code="PEG-2027", title="PEG 2027")
    assert refused.value.code == "plan_not_closed"
    assert Plan.objects.count() == 1


def test_a_validated_plan_is_rolled_over_and_stays_as_it_was(world: World) -> None:
    Plan.objects.filter(pk=world.plan.pk).update(state=PlanState.VALIDATED)
    before = list(Objective.objects.filter(plan=world.plan).values())
    draft = plan_rollover(actor=world.diana, plan=world.plan, code="PEG-2027", title="PEG 2027")
    assert draft.objectives.count() == 2
    assert list(Objective.objects.filter(plan=world.plan).values()) == before


def test_a_plan_is_rolled_over_once(world: World) -> None:
    plan = _closed(world.plan)
    plan_rollover(actor=world.diana, plan=plan, code="PEG-2027", title="PEG 2027")
    with pytest.raises(Conflict, match="PEG-2027") as refused:
        plan_rollover(actor=world.diana, plan=plan, code="PEG-2027-BIS", title="PEG 2027")
    assert refused.value.code == "already_rolled_over"
    assert Plan.objects.count() == 2


@pytest.mark.parametrize(
    ("code", "title", "field"),
    [("", "PEG 2027", "code"), ("PEG-2026", "PEG 2027", "code"), ("x" * 61, "PEG", "code"), ("PEG-2027", " ", "title")],
)
def test_bad_names_are_refused_with_their_field(world: World, code: str, title: str, field: str) -> None:
    plan = _closed(world.plan)
    with pytest.raises(InvalidInput) as refused:
        plan_rollover(actor=world.diana, plan=plan, code=code, title=title)
    assert field in refused.value.fields
    assert Plan.objects.count() == 1


def test_a_concluded_or_foreign_activity_cannot_be_carried_over(world: World) -> None:
    Activity.objects.filter(pk=world.second_activity.pk).update(state=WorkState.CONCLUSO)
    plan = _closed(world.plan)
    other = Plan.objects.create(
        organization=world.aurelia, code="PEG-2025", kind="peg", title="PEG 2025", year_start=2025, year_end=2025
    )
    foreign = Activity.objects.create(
        objective=Objective.objects.create(plan=other, code="X-1", title="Altro"), position=1, description="Altra"
    )
    for chosen in ({world.second_activity.pk}, {foreign.pk}, {world.activity.pk, 10**9}):
        with pytest.raises(InvalidInput, match="non concluse") as refused, transaction.atomic():
            plan_rollover(actor=world.diana, plan=plan, code="PEG-2027", title="PEG 2027", carry_over_activities=chosen)
        assert "activities" in refused.value.fields
    assert not Plan.objects.filter(code="PEG-2027").exists()


def test_the_next_code_and_title_follow_the_first_year() -> None:
    assert next_code("PEG-2019", 2019) == "PEG-2020"
    assert next_code("PIAO 2024-2026", 2024, 2026) == "PIAO 2025-2027"
    assert next_code("PEG-2019 (DUP 2018)", 2019, 2021) == "PEG-2020 (DUP 2018)"
    assert next_code("PEG", 2019) == "PEG-2020"
    assert next_title("Piano della performance", 2026) == "Piano della performance 2027"


def test_the_preview_costs_the_same_whatever_the_plan(world: World, django_assert_max_num_queries: object) -> None:
    plan = _closed(world.plan)
    with django_assert_max_num_queries(4):  # type: ignore[operator]
        preview = rollover_preview(plan)
    assert (preview.objectives, preview.indicators, len(preview.open_activities)) == (2, 1, 2)


@pytest.mark.django_db(transaction=True)
def test_two_rollovers_at_the_same_moment_make_one_plan(committed_world: World) -> None:
    """Four directors' requests, each on its own connection, released at once: one plan, the others 409."""
    world = committed_world
    Plan.objects.filter(pk=world.plan.pk).update(state=PlanState.CLOSED)
    threads = 4
    barrier = threading.Barrier(threads)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        try:
            actor = User.objects.get(pk=world.diana.pk)
            plan = Plan.objects.get(pk=world.plan.pk)
            barrier.wait(timeout=30)
            try:
                plan_rollover(actor=actor, plan=plan, code=f"PEG-2027-{index}", title="PEG 2027")
                outcome = "created"
            except Conflict as refused:
                outcome = refused.code
            with lock:
                outcomes.append(outcome)
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(index,)) for index in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert sorted(outcomes) == ["already_rolled_over"] * (threads - 1) + ["created"]
    assert Plan.objects.filter(rolled_over_from=world.plan).count() == 1
