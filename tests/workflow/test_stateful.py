"""A stateful property test of the workflow: random sequences of requests and decisions by the people of
Comune di Aurelia on activity 1, activity 2 and their objective SOC-1.

Each step calls a service; it either succeeds or raises a WorkflowError. A small model of the rules
(who sees and may ask what, the default approval chains, the state graph) predicts which, with which
code, and what changes. After every step the database is checked on its own terms too:

(a) each item's state is what replaying its "state_changed" audit rows through the django-fsm graph
    from "programmato" gives, and each row starts from the replayed state before it;
(b) every "state_changed" row belongs to an approved request whose approvals cover all its steps, one
    row per approved request;
(c) at most one pending request per item;
(d) no objective is concluso while one of its activities is not.

Standing in (issue 14): Anna stands in for Diana, named as the default separation policy allows; two
delegations were written past the services: Anna's to Sara (staff: never an area head's substitute by
default) and Diana's to Otto (the auditor: a row from before the database refused it). The model predicts
which separation-of-duties code refuses each decision they try, and (e) what the awaiting queries answer:
every pending request awaits, in the inbox, the badge and the notifications, exactly whom the model lets
decide it.

Each example starts from a fresh world inside a savepoint that teardown rolls back. Fixed sequences
through the same machine, at the end, cover paths random runs rarely reach: a conclusion that goes stale,
postponing through both steps, and reopening an activity of a concluded objective (refused: the machine
found that it used to break (d)).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import time_machine
from django.db import transaction
from hypothesis import HealthCheck, currently_in_test_context, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from plans.models import Activity, Objective, WorkItem, WorkState
from tests.roles import triggers_off
from tests.workflow.world import World, build_world
from workflow.errors import InvalidInput, NotAllowed, NotVisible, WorkflowError
from workflow.models import (
    DEFAULT_CHAINS,
    Approval,
    AuditEntry,
    Delegation,
    Step,
    TargetKind,
    TransitionName,
    TransitionRequest,
)
from workflow.selectors import count_awaiting, deciders_of, requests_awaiting
from workflow.services import (
    Outcome,
    approval_approve,
    approval_reject,
    item_avvia,
    item_concludi,
    item_riapri,
    item_rinvia,
    item_riprendi,
    request_withdraw,
)

NOW = dt.datetime(2026, 5, 15, 10, 0, tzinfo=ZoneInfo("Europe/Rome"))  # as in conftest.py
TODAY = NOW.date()

ACTORS = ("diana", "anna", "sara", "otto", "bruno")
# Who asks: those who may ask more often than those who may not, so that more requests get through.
ASKERS = ("diana", "anna", "sara", "diana", "anna", "sara", "otto", "bruno")
# Who decides a pending request: "entitled" is whoever holds its current step (or, to withdraw, its requester).
DECIDERS = ("entitled", "entitled", *ACTORS)
DECISIONS = ("approve", "reject", "withdraw")
ACTIVITIES = ("activity", "second_activity")
ITEMS = (*ACTIVITIES, "objective")
TRANSITIONS = tuple(TransitionName)
# The person who decides each step on SOC-1 and its activities: Anna heads the social area, Diana directs.
HOLDER = {Step.AREA_HEAD.value: "anna", Step.DIRECTOR.value: "diana"}
# Who stands in for whom, and for which step; and who of them may, under the default separation policy.
STANDS_IN = {
    "anna": ("diana", Step.DIRECTOR.value),
    "sara": ("anna", Step.AREA_HEAD.value),
    "otto": ("diana", Step.DIRECTOR.value),
}
ELIGIBLE = {"anna"}  # an area head for the director; never staff for an area head, never the auditor
# The lifecycle as documented in plans/models/lifecycle.py; checked against django-fsm's own graph below.
GRAPH: dict[str, tuple[tuple[str, ...], str]] = {
    "avvia": (("programmato",), "avviato"),
    "concludi": (("avviato",), "concluso"),
    "rinvia": (("programmato", "avviato"), "rinviato"),
    "riprendi": (("rinviato",), "avviato"),
    "riapri": (("concluso",), "avviato"),
}

# What a service answered, reduced to something comparable: ("ok", "") or (error class name, code).
Result = tuple[str, str]
OK: Result = ("ok", "")


def fsm_target(model: type[WorkItem], transition: str, state: str) -> str | None:
    """Where django-fsm's own graph takes `state` by `transition`, or None when it does not allow it: read through
    its public `get_all_state_transitions` (one Transition per source; the sources here are states, no wildcard)."""
    for found in model().get_all_state_transitions():  # type: ignore[union-attr]  # made by django-fsm at class creation
        assert found.source not in ("*", "+"), "a wildcard source: read it as django-fsm does"
        if found.name == transition and found.source == state:
            return str(found.target)
    return None


def test_the_model_graph_is_the_state_machine_graph() -> None:
    for model in (Activity, Objective):
        for transition, (sources, target) in GRAPH.items():
            for state in WorkState.values:
                expected = target if state in sources else None
                assert fsm_target(model, transition, state) == expected, (model, transition, state)


@dataclass
class Request:
    """The model of one transition request."""

    pk: int
    item: str
    transition: str
    requester: str
    steps: tuple[str, ...]
    decided: list[str] = field(default_factory=list)
    decided_by: list[str] = field(default_factory=list)  # who decided each of `decided`
    status: str = "pending"
    new_planned_end: dt.date | None = None
    actual_end: dt.date | None = None

    @property
    def current_step(self) -> str:
        return next((step for step in self.steps if step not in self.decided), "")


@dataclass
class ItemModel:
    state: str
    planned_end: dt.date | None
    actual_end: dt.date | None


class WorkflowMachine(RuleBasedStateMachine):
    # Across the whole run: how many transitions were applied by someone's approval (not just by asking).
    applied_by_approval: ClassVar[int] = 0
    outcomes: ClassVar[Counter[str]] = Counter()

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.world: World = build_world()
        self._stand_in()
        self.items: dict[str, ItemModel] = {}
        for key in ITEMS:
            item = self._fresh(key)
            self.items[key] = ItemModel(item.state, item.planned_end, item.actual_end)
        self.requests: dict[int, Request] = {}
        self.changed = True  # since the awaiting queries were last checked

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # Helpers

    def _stand_in(self) -> None:
        users, period = self.world.users, {"starts_on": TODAY, "ends_on": TODAY + dt.timedelta(days=14)}
        for substitute, (delegator, _step) in STANDS_IN.items():
            with triggers_off():
                Delegation.objects.create(
                    organization=self.world.aurelia, delegator=users[delegator], substitute=users[substitute], **period
                )

    def _fresh(self, key: str) -> WorkItem:
        item: WorkItem = getattr(self.world, key)
        return type(item).objects.get(pk=item.pk)

    def _pending(self, key: str) -> Request | None:
        return next((r for r in self.requests.values() if r.item == key and r.status == "pending"), None)

    def _call(self, service: Any, **kwargs: Any) -> tuple[Result, Outcome | None]:
        """Call a service: any WorkflowError is an answer, anything else fails the test."""
        try:
            outcome = service(**kwargs)
        except WorkflowError as error:
            return (type(error).__name__, error.code), None
        return OK, outcome

    def _apply(self, request: Request) -> None:
        """The model's side of an applied transition."""
        model = self.items[request.item]
        sources, target = GRAPH[request.transition]
        assert model.state in sources, (request, model)
        model.state = target
        if request.transition == "concludi":
            model.actual_end = request.actual_end
        elif request.transition == "riapri":
            model.actual_end = None
        elif request.transition == "rinvia":
            model.planned_end = request.new_planned_end
        request.status = "approved"

    def _advance(self, request: Request) -> bool:
        """Steps the requester holds in their own right are approved with the request, one at most (nobody here
        is both director and area head); True when none is left (apply)."""
        requester = request.requester
        while (
            request.current_step and HOLDER[request.current_step] == requester and requester not in request.decided_by
        ):
            request.decided.append(request.current_step)
            request.decided_by.append(requester)
        return not request.current_step

    def _blocks_conclusion(self, key: str, transition: str) -> bool:
        return (
            key == "objective"
            and transition == "concludi"
            and any(self.items[a].state != WorkState.CONCLUSO for a in ACTIVITIES)
        )

    def _objective_concluded(self) -> bool:
        return self.items["objective"].state == WorkState.CONCLUSO

    def _may_ask(self, actor: str, key: str, transition: str) -> bool:
        if transition == TransitionName.RIAPRI:
            return actor == "diana"
        if key == "objective":
            return actor in ("diana", "anna")
        return actor in ("diana", "anna", "sara")

    def _record(self, result: Result, expected: Result, what: str) -> None:
        assert result == expected, f"{what}: got {result}, the model expected {expected}"
        self.changed = self.changed or result == OK
        label = f"{what.split('(')[0]} -> {result[0]}:{result[1]}" if result != OK else f"{what.split('(')[0]} -> ok"
        if currently_in_test_context():
            event(label)
        WorkflowMachine.outcomes[label] += 1

    # Rules

    @rule(
        actor=st.sampled_from(ASKERS),
        key=st.sampled_from(ITEMS),
        transition=st.sampled_from(TRANSITIONS),
        fit=st.booleans(),
        valid=st.integers(0, 5).map(lambda n: n > 0),
        flaw=st.integers(0, 2),
    )
    def ask(self, actor: str, key: str, transition: TransitionName, fit: bool, valid: bool, flaw: int) -> None:
        """Ask for a transition with a payload that is valid or, when `valid` is False, flawed. With `fit` the
        transition is one the item's state allows, so that more requests get through."""
        model = self.items[key]
        if fit:
            allowed = [name for name in TRANSITIONS if model.state in GRAPH[name][0]]
            transition = allowed[flaw % len(allowed)]
        item = self._fresh(key)
        user = self.world.users[actor]
        new_planned_end: dt.date | None = None
        actual_end: dt.date | None = None
        invalid = not valid and transition in (TransitionName.CONCLUDI, TransitionName.RINVIA, TransitionName.RIAPRI)
        if transition == TransitionName.AVVIA:
            result, outcome = self._call(item_avvia, actor=user, item=item, comment="Si parte")
        elif transition == TransitionName.CONCLUDI:
            actual_end = TODAY + dt.timedelta(days=1) if invalid else TODAY - dt.timedelta(days=flaw)
            result, outcome = self._call(item_concludi, actor=user, item=item, actual_end=actual_end)
        elif transition == TransitionName.RINVIA:
            assert item.planned_end is not None
            new_planned_end = max(item.planned_end, TODAY) + dt.timedelta(days=30)
            reason = "Fornitore in ritardo"
            if invalid and flaw == 0:
                reason = "  "
            elif invalid and flaw == 1:
                new_planned_end = item.planned_end  # not strictly later than the current one
            elif invalid:
                new_planned_end = TODAY - dt.timedelta(days=1)  # in the past
            result, outcome = self._call(
                item_rinvia, actor=user, item=item, reason=reason, new_planned_end=new_planned_end
            )
        elif transition == TransitionName.RIPRENDI:
            result, outcome = self._call(item_riprendi, actor=user, item=item)
        else:
            reason = "" if invalid else "Verifica dell'OIV"
            result, outcome = self._call(item_riapri, actor=user, item=item, reason=reason)

        # The checks come in the services' order: visible, permitted, no open request, state, input.
        if actor == "bruno":
            expected: Result = ("NotVisible", NotVisible.default_code)
        elif not self._may_ask(actor, key, transition):
            expected = ("NotAllowed", NotAllowed.default_code)
        elif self._pending(key) is not None:
            expected = ("Conflict", "request_open")
        elif model.state not in GRAPH[transition][0]:
            expected = ("Conflict", "transition_not_allowed")
        elif self._blocks_conclusion(key, transition):
            expected = ("Conflict", "open_activities")
        elif key in ACTIVITIES and transition == TransitionName.RIAPRI and self._objective_concluded():
            expected = ("Conflict", "objective_concluded")  # reopen the objective first
        elif invalid:
            expected = ("InvalidInput", InvalidInput.default_code)
        else:
            expected = OK
        self._record(result, expected, f"ask({actor}, {key}, {transition.value})")
        if outcome is None:
            return

        kind = TargetKind.OBJECTIVE if key == "objective" else TargetKind.ACTIVITY
        steps = tuple(step.value for step in DEFAULT_CHAINS[(kind, transition)].steps)
        request = Request(
            outcome.request.pk,
            key,
            transition.value,
            actor,
            steps,
            new_planned_end=new_planned_end,
            actual_end=actual_end if transition == TransitionName.CONCLUDI else None,
        )
        self.requests[request.pk] = request
        if self._advance(request):
            self._apply(request)
        assert outcome.applied == (request.status == "approved")

    def _choose(self, pick: int, status: str) -> Request:
        candidates = [r for r in self.requests.values() if (r.status == "pending") == (status == "pending")]
        return candidates[pick % len(candidates)]

    def _has_pending(self) -> bool:
        return any(r.status == "pending" for r in self.requests.values())

    def _has_closed(self) -> bool:
        return any(r.status != "pending" for r in self.requests.values())

    def _row(self, request: Request) -> TransitionRequest:
        return TransitionRequest.objects.get(pk=request.pk)

    def _may_decide(self, actor: str, request: Request) -> Result | None:
        """The answer to approve or reject on a pending request, before the decision; None when `actor` may
        decide its current step. The separation of duties, in the order its refusals are named."""
        own = HOLDER[request.current_step] == actor
        stands_in = actor in STANDS_IN and STANDS_IN[actor][1] == request.current_step
        if not own and not stands_in:
            return ("NotVisible", NotVisible.default_code) if actor == "bruno" else ("NotAllowed", "permission_denied")
        if actor == "otto":
            return ("NotAllowed", "sod_auditor")
        if actor == request.requester:
            return ("NotAllowed", "sod_own_request")
        if actor in request.decided_by:
            return ("NotAllowed", "sod_one_step")
        if not own and actor not in ELIGIBLE:
            return ("NotAllowed", "sod_substitute_role")
        return None

    @precondition(lambda self: self._has_pending())
    @rule(actor=st.sampled_from(DECIDERS), pick=st.integers(0, 3))
    def approve(self, actor: str, pick: int) -> None:
        request = self._choose(pick, "pending")
        if actor == "entitled":
            actor = HOLDER[request.current_step]
        result, outcome = self._call(
            approval_approve, actor=self.world.users[actor], request=self._row(request), comment="Va bene"
        )
        expected = self._may_decide(actor, request)
        if expected is None:
            before = (list(request.decided), list(request.decided_by))
            request.decided.append(request.current_step)
            request.decided_by.append(actor)
            if not self._advance(request):
                expected = OK
            elif self._blocks_conclusion(request.item, request.transition):
                # The conclusion was allowed when asked, but an activity has been reopened since: the whole
                # decision is refused and the request stays as it was.
                request.decided, request.decided_by = before
                expected = ("Conflict", "stale")
            else:
                self._apply(request)
                WorkflowMachine.applied_by_approval += 1
                expected = OK
        self._record(result, expected, f"approve({actor}, {request.item}, {request.transition})")
        if outcome is not None:
            assert outcome.applied == (request.status == "approved")

    @precondition(lambda self: self._has_pending())
    @rule(
        actor=st.sampled_from(DECIDERS),
        pick=st.integers(0, 3),
        comment=st.sampled_from(("Manca il verbale", "Da rivedere", " ", "")),
    )
    def reject(self, actor: str, pick: int, comment: str) -> None:
        request = self._choose(pick, "pending")
        if actor == "entitled":
            actor = HOLDER[request.current_step]
        result, _ = self._call(
            approval_reject, actor=self.world.users[actor], request=self._row(request), comment=comment
        )
        expected = self._may_decide(actor, request)
        if expected is None and not comment.strip():
            expected = ("InvalidInput", InvalidInput.default_code)
        elif expected is None:
            request.status = "rejected"
            expected = OK
        self._record(result, expected, f"reject({actor}, {request.item}, {request.transition})")

    @precondition(lambda self: self._has_pending())
    @rule(actor=st.sampled_from(DECIDERS), pick=st.integers(0, 3))
    def withdraw(self, actor: str, pick: int) -> None:
        request = self._choose(pick, "pending")
        if actor == "entitled":
            actor = request.requester
        result, _ = self._call(
            request_withdraw, actor=self.world.users[actor], request=self._row(request), comment="Ritiro"
        )
        if actor == "bruno":
            expected: Result = ("NotVisible", NotVisible.default_code)
        elif actor != request.requester:
            expected = ("NotAllowed", NotAllowed.default_code)
        else:
            request.status = "withdrawn"
            expected = OK
        self._record(result, expected, f"withdraw({actor}, {request.item}, {request.transition})")

    @precondition(lambda self: self._has_closed() and self._has_pending())
    @rule(actor=st.sampled_from(ACTORS), pick=st.integers(0, 3), operation=st.sampled_from(DECISIONS))
    def decide_closed(self, actor: str, pick: int, operation: str) -> None:
        """Any decision on a closed request is refused, and changes nothing. (Enabled only while a request is
        pending too: otherwise it would be half of the steps, crowding out the requests.)"""
        request = self._choose(pick, "closed")
        services: dict[str, tuple[Any, dict[str, str]]] = {
            "approve": (approval_approve, {}),
            "reject": (approval_reject, {"comment": "Troppo tardi"}),
            "withdraw": (request_withdraw, {}),
        }
        service, extra = services[operation]
        result, _ = self._call(service, actor=self.world.users[actor], request=self._row(request), **extra)
        expected = ("NotVisible", NotVisible.default_code) if actor == "bruno" else ("Conflict", "request_closed")
        self._record(result, expected, f"{operation}_closed({actor}, {request.status})")

    # Invariants

    @invariant()
    def database_agrees_with_itself_and_with_the_model(self) -> None:
        activities = Activity.objects.in_bulk([self.world.activity.pk, self.world.second_activity.pk])
        items: dict[str, WorkItem] = {key: activities[getattr(self.world, key).pk] for key in ACTIVITIES}
        items["objective"] = Objective.objects.get(pk=self.world.objective.pk)
        pk_of = {(type(item), item.pk): key for key, item in items.items()}
        requests = {r.pk: r for r in TransitionRequest.objects.all()}
        approvals: dict[int, list[Approval]] = {pk: [] for pk in requests}
        for approval in Approval.objects.order_by("pk"):
            approvals[approval.request_id].append(approval)
        entries = list(AuditEntry.objects.workflow().order_by("at", "pk"))

        def key_of(row: AuditEntry | TransitionRequest) -> str:
            if row.activity_id is not None:
                return pk_of[(Activity, row.activity_id)]
            assert row.objective_id is not None
            return pk_of[(Objective, row.objective_id)]

        # (a) replaying each item's state changes through django-fsm's graph gives its state.
        for key, item in items.items():
            replayed = WorkState.PROGRAMMATO.value
            for entry in entries:
                if entry.event != AuditEntry.Event.STATE_CHANGED or key_of(entry) != key:
                    continue
                assert entry.from_state == replayed, (key, entry.transition, entry.from_state, replayed)
                target = fsm_target(type(item), entry.transition, replayed)
                assert target is not None, f"{key}: {entry.transition} is not allowed from {replayed}"
                assert entry.to_state == target
                replayed = target
            assert item.state == replayed, (key, item.state, replayed)

        # (b) every state change was approved, step by step, and comes with exactly one request.
        state_changes = [entry for entry in entries if entry.event == AuditEntry.Event.STATE_CHANGED]
        approved = {pk for pk, r in requests.items() if r.status == TransitionRequest.Status.APPROVED}
        assert len(state_changes) == len(approved)
        assert {entry.request_id for entry in state_changes} == approved
        for entry in state_changes:
            assert entry.request_id is not None
            request = requests[entry.request_id]
            assert (entry.transition, key_of(entry)) == (request.transition, key_of(request))
            assert entry.from_state == request.from_state
            steps_approved = [a.step for a in approvals[request.pk] if a.decision == Approval.Decision.APPROVED]
            assert steps_approved == list(request.steps), (request.pk, request.steps, steps_approved)

        # The rest of the trail matches the requests and their decisions.
        for pk, request in requests.items():
            trail = Counter(entry.event for entry in entries if entry.request_id == pk)
            decisions = Counter(a.decision for a in approvals[pk])
            assert trail["requested"] == 1
            assert trail["approved"] == decisions["approved"]
            assert trail["rejected"] == decisions["rejected"] == (request.status == "rejected")
            assert trail["withdrawn"] == (request.status == "withdrawn")
            assert trail["state_changed"] == (request.status == "approved")
            decided = [a.step for a in approvals[pk]]
            assert decided == list(request.steps[: len(decided)]), "decisions follow the chain in order"
            if request.status == "pending":
                assert request.current_step == request.steps[len(decided)]
                assert request.closed_at is None
            else:
                assert request.current_step == ""
                assert request.closed_at is not None

        # (c) at most one pending request per item.
        pending = Counter(key_of(r) for r in requests.values() if r.status == TransitionRequest.Status.PENDING)
        assert all(count <= 1 for count in pending.values()), pending

        # Every decision was taken by whom the model says, in the order of the chain.
        for pk, modelled in self.requests.items():
            taken = [(a.step, a.decided_by.username) for a in approvals[pk] if a.decision == Approval.Decision.APPROVED]
            assert taken == list(zip(modelled.decided, modelled.decided_by, strict=True)), (pk, taken, modelled)

        # (d) no objective is concluso while one of its activities is not.
        if items["objective"].state == WorkState.CONCLUSO:
            open_activities = {key: items[key].state for key in ACTIVITIES if items[key].state != WorkState.CONCLUSO}
            assert not open_activities, f"objective concluso with open activities {open_activities}"

        # And the model agrees with the database.
        for key, item in items.items():
            model = self.items[key]
            assert (item.state, item.planned_end, item.actual_end) == (
                model.state,
                model.planned_end,
                model.actual_end,
            ), key
        assert {pk: r.status for pk, r in requests.items()} == {pk: r.status for pk, r in self.requests.items()}
        for pk, modelled in self.requests.items():
            row = requests[pk]
            assert (row.transition, list(row.steps), key_of(row)) == (
                modelled.transition,
                list(modelled.steps),
                modelled.item,
            )
            if modelled.status == "pending":
                assert row.current_step == modelled.current_step

    @invariant()
    def the_awaiting_queries_tell_the_truth(self) -> None:
        """(e) The inbox, the menu's badge and the notifications' recipients are whom the model lets decide.
        Checked after each step that changed something: a refused one changes nothing (a-d check that)."""
        if not self.changed:
            return
        self.changed = False
        users = self.world.users
        pending = {pk: r for pk, r in self.requests.items() if r.status == "pending"}
        for pk, request in pending.items():
            expected = sorted(users[actor].pk for actor in ACTORS if self._may_decide(actor, request) is None)
            assert deciders_of(TransitionRequest.objects.get(pk=pk)) == expected, (request, expected)
        for actor in ACTORS:
            awaiting = {pk for pk, request in pending.items() if self._may_decide(actor, request) is None}
            assert set(requests_awaiting(users[actor]).values_list("pk", flat=True)) == awaiting, actor
            assert count_awaiting(users[actor]) == len(awaiting), actor


SETTINGS = settings(
    max_examples=40,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def test_random_requests_and_decisions_keep_the_workflow_consistent(db: None) -> None:
    WorkflowMachine.applied_by_approval = 0
    WorkflowMachine.outcomes = Counter()
    with time_machine.travel(NOW, tick=False):
        run_state_machine_as_test(WorkflowMachine, settings=SETTINGS)
    # The run must have exercised the approvals, not only requests refused or applied at once.
    assert WorkflowMachine.applied_by_approval > 0, WorkflowMachine.outcomes


# Fixed sequences through the same machine, for paths that random runs reach only rarely. Each is
# (rule, arguments); the invariants are checked after every step, as hypothesis does.
Steps = list[tuple[str, dict[str, Any]]]


def ask(actor: str, key: str, transition: str) -> tuple[str, dict[str, Any]]:
    arguments = {"actor": actor, "key": key, "transition": TransitionName(transition), "fit": False}
    return "ask", {**arguments, "valid": True, "flaw": 0}


def drive(steps: Steps) -> WorkflowMachine:
    machine = WorkflowMachine()
    try:
        machine.database_agrees_with_itself_and_with_the_model()
        for name, arguments in steps:
            getattr(machine, name)(**arguments)
            machine.database_agrees_with_itself_and_with_the_model()
    finally:
        machine.teardown()
    return machine


CONCLUDE_EVERYTHING: Steps = [
    ask("sara", "activity", "avvia"),
    ask("diana", "second_activity", "avvia"),
    ask("sara", "activity", "concludi"),
    ("approve", {"actor": "entitled", "pick": 0}),
    ask("anna", "second_activity", "concludi"),
    ask("diana", "objective", "avvia"),
    ("approve", {"actor": "anna", "pick": 0}),
    ask("anna", "objective", "concludi"),
]


def test_a_conclusion_awaiting_the_director_goes_stale_when_an_activity_is_reopened(db: None) -> None:
    with time_machine.travel(NOW, tick=False):
        machine = drive(
            [
                *CONCLUDE_EVERYTHING,
                ask("diana", "activity", "riapri"),  # the objective is not concluded yet: allowed
                ("approve", {"actor": "diana", "pick": 0}),  # the objective's conclusion: stale, nothing changes
                ("reject", {"actor": "entitled", "pick": 0, "comment": ""}),  # a reject needs a comment
                ask("sara", "activity", "concludi"),
                ("approve", {"actor": "entitled", "pick": 1}),  # the activity's conclusion
                ("approve", {"actor": "entitled", "pick": 0}),  # now the objective's goes through
                ("decide_closed", {"actor": "bruno", "pick": 0, "operation": "approve"}),
                ("decide_closed", {"actor": "sara", "pick": 0, "operation": "withdraw"}),
            ]
        )
    assert {key: model.state for key, model in machine.items.items()} == dict.fromkeys(ITEMS, "concluso")


def test_postponing_needs_both_steps_and_a_withdrawn_request_frees_the_item(db: None) -> None:
    with time_machine.travel(NOW, tick=False):
        machine = drive(
            [
                ask("sara", "activity", "rinvia"),
                ("approve", {"actor": "diana", "pick": 0}),  # the area head decides first
                ("approve", {"actor": "anna", "pick": 0}),
                ask("anna", "activity", "avvia"),  # a request is open
                ("approve", {"actor": "entitled", "pick": 0}),  # the director: postponed
                ask("diana", "activity", "riprendi"),
                ("withdraw", {"actor": "anna", "pick": 0}),  # only the requester withdraws
                ("withdraw", {"actor": "entitled", "pick": 0}),
                ask("anna", "activity", "riprendi"),  # anna holds the only step: resumed at once
                ask("anna", "activity", "rinvia"),  # postponed again, later than the last new deadline
                ("approve", {"actor": "entitled", "pick": 0}),
            ]
        )
    activity = machine.items["activity"]
    assert activity.state == WorkState.RINVIATO
    assert activity.planned_end == dt.date(2026, 6, 30) + dt.timedelta(days=60)


def test_reopening_an_activity_of_a_concluded_objective_is_refused(db: None) -> None:
    with time_machine.travel(NOW, tick=False):
        machine = drive(
            [
                *CONCLUDE_EVERYTHING,
                ("approve", {"actor": "diana", "pick": 0}),  # the objective is concluded
                ask("diana", "activity", "riapri"),  # the model expects Conflict "objective_concluded"
                ask("diana", "objective", "riapri"),
                ask("diana", "activity", "riapri"),  # now it may
            ]
        )
    states = {key: model.state for key, model in machine.items.items()}
    assert states == {"activity": "avviato", "second_activity": "concluso", "objective": "avviato"}
