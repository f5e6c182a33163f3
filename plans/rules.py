"""Who may see and do what: one predicate per rule, shared by the API, the admin and the web pages.

- director: the whole organization;
- area head: the items of the areas they head, including transversal objectives shared with other areas;
- staff: the items of the areas they belong to and the activities they own; they may request transitions
  on activities, never approve;
- auditor (OIV): reads everything in the organization, changes nothing;
- nobody sees another organization's data.

Every predicate returns False for `obj=None`: a model-wide answer would let an area head act on every
area. Querysets that list what a user can see are built here too, next to the predicates they mirror
(tests check that the two agree).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce
from typing import Any

import rules
from django.db.models import BigIntegerField, F, Lookup, Model, Q, QuerySet, Subquery, Value

from plans.models import Activity, Area, Indicator, Objective, OrganizationRole, Plan

ObjectiveAreas = Objective.areas.through


@dataclass(frozen=True)
class Roles:
    """A user's roles, read once per user object (a request's lifetime)."""

    director_of: frozenset[int]
    auditor_of: frozenset[int]
    headed_areas: frozenset[int]
    member_areas: frozenset[int]
    member_of: frozenset[int]  # every organization where the user holds any role
    heads_in: frozenset[int] = frozenset()  # the organizations where the user heads an area


@dataclass(frozen=True)
class Scope:
    """Where an object belongs: its organization, its areas (None for organization-wide objects), its owner."""

    organization_id: int
    area_ids: frozenset[int] | None
    owner_id: int | None


NO_ROLES = Roles(frozenset(), frozenset(), frozenset(), frozenset(), frozenset())
_HEAD, _MEMBER = "area:head", "area:member"  # never an OrganizationRole.Role value


def _roles_query(user: int) -> QuerySet[Any]:
    """(role, organization, -) for each organization role, then (kind, organization, area) for each area the
    user heads or serves in: one query."""
    no_area = Value(None, output_field=BigIntegerField())
    return (
        OrganizationRole.objects.filter(user=user)
        .order_by()
        .values_list("role", "organization_id", no_area)
        .union(
            Area.objects.filter(head=user).order_by().values_list(Value(_HEAD), "organization_id", "pk"),
            Area.objects.filter(members=user).order_by().values_list(Value(_MEMBER), "organization_id", "pk"),
            all=True,
        )
    )


def roles_of(user: Any) -> Roles:
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ROLES
    cached: Roles | None = getattr(user, "_traguardi_roles", None)
    if cached is None:
        rows = list(_roles_query(user.pk))
        found: dict[str, set[int]] = {kind: set() for kind in (_HEAD, _MEMBER, *OrganizationRole.Role.values)}
        organizations: set[int] = set()
        heads_in: set[int] = set()
        for kind, organization_id, pk in rows:
            found.setdefault(kind, set()).add(organization_id if pk is None else pk)
            organizations.add(organization_id)
            if kind == _HEAD:
                heads_in.add(organization_id)
        cached = Roles(
            director_of=frozenset(found[OrganizationRole.Role.DIRECTOR]),
            auditor_of=frozenset(found[OrganizationRole.Role.AUDITOR]),
            headed_areas=frozenset(found[_HEAD]),
            member_areas=frozenset(found[_MEMBER]),
            member_of=frozenset(organizations),
            heads_in=frozenset(heads_in),
        )
        user._traguardi_roles = cached
    return cached


def forget_roles(user: Any) -> None:
    """Drop the cached roles, after they changed during the life of `user`."""
    user.__dict__.pop("_traguardi_roles", None)


def _objective_scope(objective: Objective) -> Scope:
    area_ids = frozenset(area.pk for area in objective.areas.all())
    return Scope(objective.plan.organization_id, area_ids, objective.owner_id)


def scope_of(obj: Any) -> Scope | None:
    """The scope of a plan object, or of anything with a `target` (a transition request)."""
    if obj is None:
        return None
    if hasattr(obj, "target"):
        return scope_of(obj.target)
    if isinstance(obj, Activity):
        objective_scope = _objective_scope(obj.objective)
        return Scope(objective_scope.organization_id, objective_scope.area_ids, obj.owner_id)
    if isinstance(obj, Objective):
        return _objective_scope(obj)
    if isinstance(obj, Indicator):
        return _objective_scope(obj.objective)
    if isinstance(obj, Area):
        return Scope(obj.organization_id, frozenset([obj.pk]), None)
    if isinstance(obj, Plan):
        return Scope(obj.organization_id, None, None)
    return None


@rules.predicate
def is_director(user: Any, obj: Any) -> bool:
    scope = scope_of(obj)
    return scope is not None and scope.organization_id in roles_of(user).director_of


@rules.predicate
def is_auditor(user: Any, obj: Any) -> bool:
    scope = scope_of(obj)
    return scope is not None and scope.organization_id in roles_of(user).auditor_of


@rules.predicate
def is_area_head(user: Any, obj: Any) -> bool:
    scope = scope_of(obj)
    return bool(scope and scope.area_ids and scope.area_ids & roles_of(user).headed_areas)


@rules.predicate
def is_area_staff(user: Any, obj: Any) -> bool:
    scope = scope_of(obj)
    return bool(scope and scope.area_ids and scope.area_ids & roles_of(user).member_areas)


@rules.predicate
def is_owner(user: Any, obj: Any) -> bool:
    scope = scope_of(obj)
    return bool(scope and scope.owner_id is not None and user is not None and scope.owner_id == user.pk)


@rules.predicate
def is_organization_member(user: Any, obj: Any) -> bool:
    scope = scope_of(obj)
    return scope is not None and scope.organization_id in roles_of(user).member_of


# Plans and areas are organization-wide: anyone with a role in the organization reads them.
can_view_organization_object = is_organization_member
# Objectives, activities, indicators and requests on them.
can_view_item = is_director | is_auditor | is_area_head | is_area_staff | is_owner
# Requests for a transition: staff only on activities; reopening is the director's alone.
can_request_activity_transition = is_director | is_area_head | is_area_staff | is_owner
can_request_objective_transition = is_director | is_area_head
can_reopen = is_director
# Indicator measurements: the people who do the work, not the auditor.
can_record_measurement = is_director | is_area_head | is_area_staff

# The consuntivo: the area head (or the director, who answers for every area) confirms values and writes the
# objective's report and the motivation of a missed target; the director alone writes the Relazione's chapters.
can_confirm_measurement = is_director | is_area_head
can_write_objective_report = is_director | is_area_head
can_write_motivation = is_director | is_area_head
can_write_relazione_chapter = is_director

rules.add_perm("plans.view_plan", can_view_organization_object)
rules.add_perm("plans.view_area", can_view_organization_object)
rules.add_perm("plans.view_objective", can_view_item)
rules.add_perm("plans.view_activity", can_view_item)
rules.add_perm("plans.view_indicator", can_view_item)
rules.add_perm("plans.add_measurement", can_record_measurement)


def may_request(instance: Any, user: Any) -> bool:
    """django-fsm `permission=` for avvia, concludi, rinvia and riprendi (it passes instance, user)."""
    if isinstance(instance, Activity):
        return bool(can_request_activity_transition(user, instance))
    return bool(can_request_objective_transition(user, instance))


def may_reopen(instance: Any, user: Any) -> bool:
    """django-fsm `permission=` for riapri."""
    return bool(can_reopen(user, instance))


# Querysets mirroring can_view_*: what a user may list.
#
# Each rule is an OR of branches: the organizations the user directs or audits, the objectives of their areas,
# what they own. PostgreSQL serves an OR only when every branch is an index condition on the listed table itself
# (a BitmapOr); a branch that joins up to the plan, or an `IN (subquery)`, makes it filter a scan of the whole
# table instead, so that a body's list cost what the region holds (issue 18: 0.8 s to count a director's 12,000
# activities among 1,000,000). Here every branch is a condition on one indexed column of the table (its objective,
# plan or owner), the ids coming from a small subquery that PostgreSQL runs once (see `InIds`), and a branch is
# left out when the user holds no role it needs. Callers chain filters, joins and counts as on any queryset.


class InIds(Lookup[Any]):
    """`column IN (subquery)`, written on PostgreSQL as `column = ANY(ARRAY(subquery))`: the subquery runs once,
    before the scan (an InitPlan), and its ids become an index condition, which can join others in a BitmapOr.
    Used directly in `filter()` (never registered on a field)."""

    lookup_name = "in_ids"
    prepare_rhs = False

    def __init__(self, column: str, ids: QuerySet[Any]) -> None:
        super().__init__(F(column), Subquery(ids.order_by()))

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        column, column_params = self.process_lhs(compiler, connection)
        subquery, subquery_params = self.process_rhs(compiler, connection)
        return f"{column} IN {subquery}", (*column_params, *subquery_params)

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        column, column_params = self.process_lhs(compiler, connection)
        subquery, subquery_params = self.process_rhs(compiler, connection)
        return f"{column} = ANY(ARRAY{subquery})", (*column_params, *subquery_params)


def _branches(user: Any, *, organizations: Any, areas: Any, owned: Any) -> list[Q]:
    """The branches that apply to `user`, each built by the callable given for it from the ids it needs; none
    for nobody, or for a user with no role who owns nothing: they see nothing."""
    roles = roles_of(user)
    parts: list[Q] = []
    if roles.director_of or roles.auditor_of:
        parts.append(organizations(roles.director_of | roles.auditor_of))
    if roles.headed_areas or roles.member_areas:
        parts.append(areas(roles.headed_areas | roles.member_areas))
    if roles is not NO_ROLES:
        parts.append(owned(user.pk))
    return parts


def _filtered[M: Model](model: type[M], branches: list[Q]) -> QuerySet[M]:
    if not branches:
        return model._default_manager.none()
    return model._default_manager.filter(reduce(operator.or_, branches))


def _objectives_of(organizations: frozenset[int]) -> QuerySet[Any]:
    return Objective.objects.filter(plan__organization_id__in=organizations).values("pk")


def _objectives_in(areas: frozenset[int]) -> QuerySet[Any]:
    return ObjectiveAreas.objects.filter(area_id__in=areas).values("objective_id")


def _objective_conditions(user: Any) -> list[Q]:
    # The organization's objectives by their plan: the (plan, code) index then serves a list in its order.
    return _branches(
        user,
        organizations=lambda ids: Q(InIds("plan_id", Plan.objects.filter(organization_id__in=ids).values("pk"))),
        areas=lambda ids: Q(InIds("pk", _objectives_in(ids))),
        owned=lambda pk: Q(owner_id=pk),
    )


def _activity_conditions(user: Any) -> list[Q]:
    return _branches(
        user,
        organizations=lambda ids: Q(InIds("objective_id", _objectives_of(ids))),
        areas=lambda ids: Q(InIds("objective_id", _objectives_in(ids))),
        owned=lambda pk: Q(owner_id=pk),
    )


def _indicator_conditions(user: Any) -> list[Q]:
    """An indicator is seen with its objective: the owner's branch is the objectives they own."""
    return _branches(
        user,
        organizations=lambda ids: Q(InIds("objective_id", _objectives_of(ids))),
        areas=lambda ids: Q(InIds("objective_id", _objectives_in(ids))),
        owned=lambda pk: Q(InIds("objective_id", Objective.objects.filter(owner_id=pk).values("pk"))),
    )


def visible_objectives(user: Any) -> QuerySet[Objective]:
    return _filtered(Objective, _objective_conditions(user))


def visible_activities(user: Any) -> QuerySet[Activity]:
    return _filtered(Activity, _activity_conditions(user))


def visible_indicators(user: Any) -> QuerySet[Indicator]:
    return _filtered(Indicator, _indicator_conditions(user))


# The same rows, one queryset per branch of the rule: their union is the visible_* queryset. A list in an order
# that an index serves reads each branch through that index, under that branch's condition alone, and merges
# the pages (api.pagination does): under the OR of the branches PostgreSQL cannot walk the index in order
# without filtering every row it meets, past all the rows of the region that come before the body's.


def objective_branches(user: Any) -> list[QuerySet[Objective]]:
    return [Objective.objects.filter(condition) for condition in _objective_conditions(user)]


def activity_branches(user: Any) -> list[QuerySet[Activity]]:
    return [Activity.objects.filter(condition) for condition in _activity_conditions(user)]


def indicator_branches(user: Any) -> list[QuerySet[Indicator]]:
    return [Indicator.objects.filter(condition) for condition in _indicator_conditions(user)]


def visible_plans(user: Any) -> QuerySet[Plan]:
    return Plan.objects.filter(organization_id__in=roles_of(user).member_of)


def visible_areas(user: Any) -> QuerySet[Area]:
    return Area.objects.filter(organization_id__in=roles_of(user).member_of)
