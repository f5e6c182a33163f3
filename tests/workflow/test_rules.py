"""The rules: each predicate agrees with the queryset that lists what it allows, refuses obj=None, gives
superusers nothing for free, and scopes the admin too. The announcements leave only after commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.db.models import Model, QuerySet
from django.test import Client

from notifications import tasks
from notifications.models import Message
from plans import rules
from plans.models import Activity, Area, Indicator, Objective, Plan
from tests.workflow.world import PERSONAS, World
from workflow.services import approval_approve, item_avvia, item_concludi

pytestmark = pytest.mark.django_db

PAIRS: list[tuple[type[Model], Any, Callable[[Any], QuerySet[Any]]]] = [
    (Plan, rules.can_view_organization_object, rules.visible_plans),
    (Area, rules.can_view_organization_object, rules.visible_areas),
    (Objective, rules.can_view_item, rules.visible_objectives),
    (Activity, rules.can_view_item, rules.visible_activities),
    (Indicator, rules.can_view_item, rules.visible_indicators),
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_predicate_agrees_with_its_queryset(world: World, persona: str) -> None:
    user = world.users[persona]
    for model, predicate, visible in PAIRS:
        allowed = {obj.pk for obj in model._default_manager.all() if predicate(user, obj)}
        listed = set(visible(user).values_list("pk", flat=True))
        assert allowed == listed, (persona, model.__name__)


def test_the_owner_branch_agrees_with_its_predicate_without_any_role_or_outside_ones_areas(world: World) -> None:
    """What the personas leave untried (issue 18 built each branch on its own column): a person with no role
    who owns an activity and an objective of the technical area, and a head who owns an objective of another
    area (its activities and indicators are seen through the objective's owner, not the activity's)."""
    ugo = User.objects.create_user("ugo", "ugo@aurelia.example", "segreta")
    technical = Objective.objects.create(plan=world.plan, code="TEC-9", title="Strade", owner=ugo)
    technical.areas.add(world.technical)
    Activity.objects.create(objective=world.transversal, position=9, description="Di Ugo", owner=ugo)
    Indicator.objects.create(objective=technical, position=1, name="Chilometri", unit="km")
    social = Objective.objects.create(plan=world.plan, code="SOC-9", title="Del capo tecnico", owner=world.bruno)
    social.areas.add(world.social)
    Activity.objects.create(objective=social, position=1, description="Nel sociale")
    Indicator.objects.create(objective=social, position=1, name="Nel sociale", unit="n.")
    for user in (ugo, world.bruno, world.sara, world.erica):
        for model, predicate, visible in PAIRS:
            allowed = {obj.pk for obj in model._default_manager.all() if predicate(user, obj)}
            listed = set(visible(user).values_list("pk", flat=True))
            assert allowed == listed, (user.username, model.__name__)
    assert set(rules.visible_objectives(ugo).values_list("code", flat=True)) == {"TEC-9"}
    assert set(rules.visible_indicators(ugo).values_list("name", flat=True)) == {"Chilometri"}
    assert set(rules.visible_activities(ugo).values_list("description", flat=True)) == {"Di Ugo"}
    assert "Nel sociale" in set(rules.visible_indicators(world.bruno).values_list("name", flat=True))


def test_who_sees_the_social_activity(world: World) -> None:
    seeing = {name for name in PERSONAS if rules.can_view_item(world.users[name], world.activity)}
    assert seeing == {"diana", "anna", "sara", "otto"}
    seeing_transversal = {name for name in PERSONAS if rules.can_view_item(world.users[name], world.transversal)}
    assert seeing_transversal == {"diana", "anna", "bruno", "sara", "tommaso", "otto"}


def test_predicates_refuse_a_missing_object_to_everyone(world: World) -> None:
    root = User.objects.create_superuser("root", "root@aurelia.example", "segreta")
    predicates = [
        rules.is_director,
        rules.is_auditor,
        rules.is_area_head,
        rules.is_area_staff,
        rules.is_owner,
        rules.can_view_item,
        rules.can_record_measurement,
        rules.can_reopen,
        rules.can_confirm_measurement,
        rules.can_write_objective_report,
        rules.can_write_motivation,
        rules.can_write_relazione_chapter,
    ]
    for user in [*world.users.values(), root]:
        assert not any(predicate(user, None) for predicate in predicates)


def test_a_superuser_without_a_role_gets_nothing_from_the_rules(world: World) -> None:
    root = User.objects.create_superuser("root", "root@aurelia.example", "segreta")
    assert not rules.can_view_item(root, world.activity)
    assert not rules.visible_objectives(root).exists()
    assert not rules.may_request(world.activity, root)


def test_the_admin_shows_a_staff_user_only_their_scope(world: World) -> None:
    bruno = world.bruno
    bruno.is_staff = True
    bruno.save()
    bruno.user_permissions.add(Permission.objects.get(codename="view_objective"))
    client = Client()
    client.force_login(bruno)
    page = client.get("/admin/plans/objective/").content.decode()
    assert "TRA-1" in page
    assert "SOC-1" not in page


def test_a_request_is_announced_in_its_transaction_and_its_decision_the_worker_hears_after_commit_once(
    world: World, django_capture_on_commit_callbacks: Any, frozen_today: dt.date, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The services call notifications.events explicitly: the outbox rows are written in the request's (or
    the decision's) transaction, and the task that sends them is published only after its commit, once."""
    published: list[list[int]] = []
    monkeypatch.setattr(tasks.dispatch_messages, "delay", lambda recipient_ids: published.append(recipient_ids))

    def outbox() -> list[tuple[str, str]]:
        return sorted(Message.objects.values_list("kind", "recipient__username"))

    item_avvia(actor=world.sara, item=world.activity)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        outcome = item_concludi(actor=world.sara, item=world.activity)
    assert outbox() == [("approval_needed", "anna")]  # in the transaction: before its commit callbacks
    assert published == []
    for callback in pending:
        callback()
    assert published == [[world.anna.pk]]  # once
    with django_capture_on_commit_callbacks(execute=False) as pending:
        approval_approve(actor=world.anna, request=outcome.request)
    assert outbox() == [("approval_needed", "anna"), ("request_decided", "sara")]
    assert published == [[world.anna.pk]]  # nothing before the commit
    for callback in pending:
        callback()
    assert published == [[world.anna.pk], [world.sara.pk]]
    world.activity.refresh_from_db()
    assert world.activity.state == "concluso"
