"""The admin's side of the freeze (plans.freeze): the rows of a validated plan are shown read-only to everyone,
the platform operator included, with a message that says why; a save, an addition or a deletion that would
touch them is refused with the same message, and nothing changes. config.admin.ScopedAdmin and ScopedInline
ask here; which rows belong to a plan, and through which foreign keys, is the database's own list
(workflow.trail.freeze.FROZEN), so that the admin and the trigger never disagree.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.utils import NestedObjects
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import router
from django.db.models import Model

from plans.freeze import frozen_message, is_frozen
from plans.models import Plan
from workflow.services.freeze import read_only_notice

__all__ = ["frozen_plan_of", "frozen_plans_touched_by_deleting", "plan_of", "read_only_notice", "refusing_frozen"]


def _paths(model: type[Model]) -> tuple[str, ...]:
    from workflow.trail.freeze import FROZEN  # the workflow's models import the admin's app registry

    if issubclass(model, Plan):
        return ("",)
    return next((frozen.paths for frozen in FROZEN if frozen.model is model), ())


def _follow(value: Any, names: list[str]) -> Plan | None:
    try:
        for name in names:
            if value is None:
                return None
            value = getattr(value, name)
    except ObjectDoesNotExist:
        return None
    return value if isinstance(value, Plan) else None


def plan_of(obj: Any) -> Plan | None:
    """The plan `obj` (a row of any model) belongs to, or None."""
    if obj is None:
        return None
    for path in _paths(type(obj)):
        plan = obj if path == "" else _follow(obj, path.split("__"))
        if plan is not None:
            return plan
    return None


def frozen_plan_of(obj: Any) -> Plan | None:
    plan = plan_of(obj)
    return plan if plan is not None and is_frozen(plan) else None


def frozen_plans_touched_by_deleting(objs: Any) -> set[str]:
    """The codes of the validated plans whose rows deleting `objs` would delete or change along the way (an area's
    objectives' links, a person's objectives set to no owner): the database would refuse the deletion, so the
    admin refuses it first, by name, rather than fail."""
    objs = list(objs)
    if not objs:
        return set()
    collector = NestedObjects(using=router.db_for_write(type(objs[0])))
    collector.collect(objs)
    touched: list[Any] = [row for rows in collector.data.values() for row in rows]
    updates: Any = collector.field_updates  # {(field, value): [querysets or lists of rows]}
    for batches in updates.values():
        for batch in batches:
            touched.extend(batch)
    return {plan.code for plan in map(frozen_plan_of, touched) if plan is not None}


def frozen_plan_in_form(model: type[Model], cleaned_data: dict[str, Any], instance: Any) -> Plan | None:
    """The validated plan a form's row would belong to (the foreign keys chosen in the form, or the row's own)."""
    for path in _paths(model):
        if path == "":
            continue  # a plan's own form: its state is read-only, the row itself is checked
        first, *rest = path.split("__")
        if first in cleaned_data:
            start = cleaned_data[first]
        else:
            try:
                start = getattr(instance, first)
            except ObjectDoesNotExist:
                start = None
        plan = _follow(start, rest)
        if plan is not None and is_frozen(plan):
            return plan
    return None


def refusing_frozen(form_class: type[Any], model: type[Model]) -> type[Any]:
    """`form_class`, refusing (a message above the form) a row that would belong to a validated plan; as it is
    for a model whose rows belong to no plan."""
    if not _paths(model):
        return form_class

    class RefusingFrozen(form_class):
        def clean(self) -> Any:
            cleaned = super().clean()
            plan = frozen_plan_in_form(model, self.cleaned_data, self.instance)
            if plan is not None:
                raise ValidationError(frozen_message(plan), code="plan_frozen")
            return cleaned

    RefusingFrozen.__name__ = form_class.__name__
    return RefusingFrozen
