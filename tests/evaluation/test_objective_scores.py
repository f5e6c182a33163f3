"""An objective's score computed from its own rows (evaluation.objective_scores, the objective page's) is the one
the plan's scores give it (evaluation.visibility.scores_for), badges and their page on the scores page included,
for every persona and every objective they see: numbered objectives first, those with no number last, more than a
page of them. Today is 15 May 2026."""

from __future__ import annotations

import pytest

from evaluation.objective_scores import objective_scores, shown_objective_scores
from evaluation.scores import plan_scores
from evaluation.visibility import OBJECTIVES_PER_PAGE, scores_for
from plans.models import Activity, Objective, WorkState
from plans.rules import visible_objectives
from tests.evaluation.scored_world import scored_world
from tests.web.large_plan import grow_plan
from tests.workflow.world import PERSONAS, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def grown(world: World) -> World:
    """The scored world, with OBJECTIVES_PER_PAGE + 10 numbered objectives of the social area (two activities each,
    some concluded: scored by their activities) and two more with no number, created against their codes' order."""
    scored_world(world)
    grow_plan(world.plan, world.social, objectives=OBJECTIVES_PER_PAGE + 10, activities_each=2, owner=world.sara)
    Activity.objects.filter(objective__plan=world.plan, objective__number__lte=20, position=1).update(
        state=WorkState.CONCLUSO
    )
    for code in ("ZZ-SENZA-NUMERO-2", "ZZ-SENZA-NUMERO-1"):
        unnumbered = Objective.objects.create(plan=world.plan, code=code, title="Senza numero", owner=world.anna)
        unnumbered.areas.add(world.social)
    return world


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_objective_scores_alone_as_in_its_plans_scores(grown: World, persona: str) -> None:
    user = grown.users[persona]
    shown = scores_for(user, grown.plan, 2026)
    visible = list(visible_objectives(user).filter(plan=grown.plan).select_related("plan"))
    for objective in visible:
        assert shown_objective_scores(user, objective, 2026) == shown.objective(objective.pk), objective.code
    if persona in ("diana", "otto", "anna"):  # they see more than a page: the last ones are on page 2
        assert {shown.objective(objective.pk).badge.page for objective in visible} == {1, 2}  # type: ignore[union-attr]
    if persona == "erica":
        assert visible == []


def test_an_objective_scores_its_activities_when_no_indicator_is_measurable(grown: World) -> None:
    objective = Objective.objects.select_related("plan").get(plan=grown.plan, number=3)
    score = objective_scores(objective, 2026)
    assert score == plan_scores(grown.plan, 2026).objectives[objective.pk]
    assert score.rollup.basis == "activities" and score.rollup.score == 50  # one of its two activities concluded
