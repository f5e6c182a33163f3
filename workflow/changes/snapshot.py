"""A plan's snapshot at a version (its objectives with their text, weight and planned times, indicators with their
targets, activities with their planned times: four queries whatever the plan's size), and the difference between
two snapshots, objective by objective, for the difference page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from plans.models import Activity, Indicator, IndicatorTarget, Objective
from workflow.changes.proposal import text_of

OBJECTIVE_LABELS = {
    "title": _("titolo"),
    "description": _("descrizione"),
    "weight": _("peso"),
    "planned_start": _("inizio previsto"),
    "planned_end": _("scadenza prevista"),
}
INDICATOR_LABELS = {"name": _("nome"), "unit": _("unità di misura"), "weight": _("peso")}
ACTIVITY_LABELS = {"planned_raw": _("tempi"), "planned_start": _("inizio previsto"), "planned_end": _("scadenza")}


def plan_snapshot(plan_id: int) -> dict[str, Any]:
    objectives: dict[str, dict[str, Any]] = {}
    for row in Objective.objects.filter(plan_id=plan_id).order_by("pk").values("pk", "code", *OBJECTIVE_LABELS):
        objectives[str(row.pop("pk"))] = {k: text_of(v) for k, v in row.items()} | {"indicators": {}, "activities": {}}
    indicators: dict[str, dict[str, Any]] = {}
    for row in (
        Indicator.objects.filter(objective__plan_id=plan_id)
        .order_by("position", "pk")
        .values("pk", "objective_id", "position", *INDICATOR_LABELS)
    ):
        owner = objectives[str(row.pop("objective_id"))]
        key = str(row.pop("pk"))
        indicators[key] = owner["indicators"][key] = {k: text_of(v) for k, v in row.items()} | {"targets": {}}
    for target in (
        IndicatorTarget.objects.filter(indicator__objective__plan_id=plan_id)
        .order_by("year")
        .values("indicator_id", "year", "raw")
    ):
        indicators[str(target["indicator_id"])]["targets"][str(target["year"])] = target["raw"]
    for row in (
        Activity.objects.filter(objective__plan_id=plan_id)
        .order_by("position", "pk")
        .values("pk", "objective_id", "position", "description", *ACTIVITY_LABELS)
    ):
        owner = objectives[str(row.pop("objective_id"))]
        owner["activities"][str(row.pop("pk"))] = {k: text_of(v) for k, v in row.items()}
    return {"objectives": objectives}


@dataclass(frozen=True)
class FieldDifference:
    label: str  # "titolo", "valore atteso 2021"...
    before: str
    after: str


@dataclass(frozen=True)
class PartDifference:
    """An indicator or an activity that was added, removed or changed."""

    kind: str  # "indicator" or "activity"
    label: str
    status: str  # "added", "removed", "changed"
    fields: tuple[FieldDifference, ...]


@dataclass(frozen=True)
class ObjectiveDifference:
    code: str
    title: str
    status: str  # "added", "removed", "changed"
    fields: tuple[FieldDifference, ...]
    parts: tuple[PartDifference, ...]


def _fields(old: dict[str, Any], new: dict[str, Any], labels: dict[str, Any]) -> list[FieldDifference]:
    return [
        FieldDifference(str(label), old.get(name, ""), new.get(name, ""))
        for name, label in labels.items()
        if old.get(name, "") != new.get(name, "")
    ]


def _target_fields(old: dict[str, Any], new: dict[str, Any]) -> list[FieldDifference]:
    before, after = old.get("targets", {}), new.get("targets", {})
    return [
        FieldDifference(str(_("valore atteso %(year)s") % {"year": year}), before.get(year, ""), after.get(year, ""))
        for year in sorted(set(before) | set(after))
        if before.get(year, "") != after.get(year, "")
    ]


def _parts(kind: str, old: dict[str, Any], new: dict[str, Any], labels: dict[str, Any]) -> list[PartDifference]:
    found = []
    for key in sorted(set(old) | set(new), key=lambda k: (int((new.get(k) or old[k])["position"] or 0), int(k))):
        before, after = old.get(key), new.get(key)
        row = after or before
        assert row is not None
        label = f"{row['position']}. {row.get('name') or row.get('description', '')}"
        if before is None or after is None:
            status = "added" if before is None else "removed"
            fields = _fields({}, row, labels) if before is None else _fields(row, {}, labels)
            if kind == "indicator":
                fields += _target_fields({}, row) if before is None else _target_fields(row, {})
            found.append(PartDifference(kind, label, status, tuple(fields)))
            continue
        fields = _fields(before, after, labels) + (_target_fields(before, after) if kind == "indicator" else [])
        if fields:
            found.append(PartDifference(kind, label, "changed", tuple(fields)))
    return found


def difference(old: dict[str, Any], new: dict[str, Any]) -> list[ObjectiveDifference]:
    """Objective by objective (in code order), what differs between the snapshots `old` and `new`."""
    before, after = old.get("objectives", {}), new.get("objectives", {})
    result = []
    for key in sorted(set(before) | set(after), key=lambda k: ((after.get(k) or before[k])["code"], int(k))):
        was, now = before.get(key), after.get(key)
        row = now or was
        assert row is not None
        if was is None or now is None:
            status = "added" if was is None else "removed"
            result.append(ObjectiveDifference(row["code"], row["title"], status, (), ()))
            continue
        fields = _fields(was, now, OBJECTIVE_LABELS)
        parts = _parts("indicator", was["indicators"], now["indicators"], INDICATOR_LABELS)
        parts += _parts("activity", was["activities"], now["activities"], ACTIVITY_LABELS)
        if fields or parts:
            result.append(ObjectiveDifference(row["code"], now["title"], "changed", tuple(fields), tuple(parts)))
    return result


def describe(changes: dict[str, Any]) -> tuple[tuple[str, str, str], ...]:
    """A change request's changes (workflow.changes.proposal) as lines for people: (what, before, after)."""
    lines: list[tuple[str, str, str]] = []
    for name, change in changes.get("objective", {}).items():
        lines.append((str(OBJECTIVE_LABELS.get(name, name)).capitalize(), change["before"], change["after"]))
    for item in changes.get("indicators", []):
        what = str(_("Indicatore %(label)s") % {"label": item["label"]})
        if item["op"] == "remove":
            lines.append((what, str(_("presente")), str(_("tolto"))))
            continue
        if item["op"] == "add":
            lines.append((str(_("Nuovo indicatore")), "", item["name"]))
        for name, change in item.get("fields", {}).items():
            lines.append((f"{what}: {INDICATOR_LABELS.get(name, name)}", change["before"], change["after"]))
        for year, change in item.get("targets", {}).items():
            label = _("valore atteso %(year)s") % {"year": year}
            lines.append((f"{what}: {label}", change["before"], change["after"]))
    for item in changes.get("activities", []):
        what = str(_("Attività %(label)s") % {"label": item["label"]})
        for name, change in item["fields"].items():
            lines.append((f"{what}: {ACTIVITY_LABELS.get(name, name)}", change["before"], change["after"]))
    return tuple(lines)
