"""Writing an approved change request: each field is checked against the value it had when the change was asked
(someone may have changed it since: then nothing is written and the approver is told to look again), then written.
Runs inside the approval's transaction and trail context, so that the trail's data rows carry the motivation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Max
from django.utils.translation import gettext as _

from plans.models import Activity, Indicator, IndicatorTarget, Objective
from plans.models.indicator import ParsedValue
from plans.parsing import parse_value
from workflow.changes.proposal import text_of
from workflow.errors import Conflict


def _stale(what: str) -> Conflict:
    return Conflict(
        _(
            "%(what)s è cambiato dopo la richiesta di rimodulazione: la richiesta non si può più applicare così. "
            "Rifiutala e fanne una nuova sui dati attuali."
        )
        % {"what": what},
        code="stale",
    )


def _value(name: str, text: str) -> Any:
    """A stored text back to the field's value."""
    if name == "weight":
        return Decimal(text) if text else None
    if name in ("planned_start", "planned_end"):
        return dt.date.fromisoformat(text) if text else None
    return text


def _set_fields(row: Any, fields: dict[str, dict[str, str]], what: str) -> list[str]:
    for name, change in fields.items():
        if text_of(getattr(row, name)) != change["before"]:
            raise _stale(what)
        setattr(row, name, _value(name, change["after"]))
    written = list(fields)
    if "weight" in fields:
        # The document's text of the weight no longer says what the weight is: the number does.
        row.weight_raw = ""
        written.append("weight_raw")
    if "planned_end" in fields and hasattr(row, "next_reminder_on"):
        # A moved deadline: the reminders of the row are worked out anew (as the import does).
        row.next_reminder_on = None
        written.append("next_reminder_on")
    return written


def apply_changes(objective: Objective, changes: dict[str, Any]) -> None:
    """Write `changes` (workflow.changes.proposal) on the locked `objective`."""
    fields = _set_fields(objective, changes.get("objective", {}), _("L'obiettivo"))
    if fields:
        objective.save(update_fields=fields)
    indicators = {row.pk: row for row in Indicator.objects.select_for_update().filter(objective=objective)}
    for item in changes.get("indicators", []):
        if item["op"] == "add":
            _add_indicator(objective, item)
            continue
        indicator = indicators.get(item["id"])
        if indicator is None:
            raise _stale(_("L'indicatore «%(name)s»") % {"name": item["label"]})
        if item["op"] == "remove":
            if indicator.measurements.exists():
                raise _stale(_("L'indicatore «%(name)s»") % {"name": item["label"]})
            indicator.delete()
            continue
        what = _("L'indicatore «%(name)s»") % {"name": item["label"]}
        changed = _set_fields(indicator, item.get("fields", {}), what)
        if changed:
            indicator.save(update_fields=changed)
        _write_targets(indicator, item.get("targets", {}), what)
    activities = {row.pk: row for row in Activity.objects.select_for_update().filter(objective=objective)}
    for item in changes.get("activities", []):
        activity = activities.get(item["id"])
        what = _("L'attività «%(name)s»") % {"name": item["label"]}
        if activity is None:
            raise _stale(what)
        changed = _set_fields(activity, item["fields"], what)
        activity.save(update_fields=changed)


def _write_targets(indicator: Indicator, targets: dict[str, dict[str, str]], what: str) -> None:
    current = {str(target.year): target for target in IndicatorTarget.objects.filter(indicator=indicator)}
    for year, change in targets.items():
        target = current.get(year)
        if (target.raw if target else "") != change["before"]:
            raise _stale(what)
        values = ParsedValue.spec_values(parse_value(change["after"]))
        if target is None:
            IndicatorTarget.objects.create(indicator=indicator, year=int(year), **values)
        else:
            for name, value in values.items():
                setattr(target, name, value)
            target.save(update_fields=list(values))


def _add_indicator(objective: Objective, item: dict[str, Any]) -> None:
    last = Indicator.objects.filter(objective=objective).aggregate(last=Max("position"))["last"] or 0
    indicator = Indicator.objects.create(
        objective=objective,
        position=last + 1,
        name=item["name"],
        unit=item["unit"],
        weight=_value("weight", item["weight"]),
    )
    for year, change in item["targets"].items():
        IndicatorTarget.objects.create(
            indicator=indicator, year=int(year), **ParsedValue.spec_values(parse_value(change["after"]))
        )
