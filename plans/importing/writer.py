"""Write a validated plan document to the database. Callers wrap it in one transaction."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils.text import slugify

from plans.freeze import frozen_message, is_frozen
from plans.importing.bulk import insert_values
from plans.importing.details import DetailWriter, weight_raw
from plans.importing.errors import Locator, PlanImportError, Problem
from plans.importing.states import initial_activity_state, initial_objective_state
from plans.importing.sync import Counts, sync_rows, sync_values
from plans.models import Activity, Area, Objective, Organization, Plan, WorkState
from plans.models.activity import time_columns
from plans.parsing import TimeSpec, parse_italian_decimal, parse_time

Progress = Callable[[int, int], None]
OBJECTIVES_PER_BATCH = 1000  # activities are written in batches of this many objectives (about 10,000 rows)
ActivityKey = tuple[int, int]


def _amount(value: object) -> Decimal | None:
    return None if value is None else parse_italian_decimal(str(value))


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


class PlanWriter:
    def __init__(
        self,
        document: dict[str, Any],
        locate: Locator,
        *,
        organization_slug: str | None,
        reference_date: dt.date,
        progress: Progress | None = None,
    ) -> None:
        self.document = document
        self.locate = locate
        self.organization_slug = organization_slug
        self.reference_date = reference_date
        self.progress = progress or (lambda done, total: None)
        self.counts: dict[str, Counts] = defaultdict(Counts)
        # Times repeat across a plan ("Dicembre", "31/12/2026"): each distinct text is parsed once per import,
        # and its columns are built once (shared, never modified, by every activity that has it).
        self.read_time = cache(lambda raw, year: parse_time(raw, year=year))
        self._time_columns = cache(time_columns)

    def write(self) -> Plan:
        users = self._resolve_users()
        organization = self._organization()
        areas = self._areas(organization)
        plan = self._plan(organization)
        objectives = self._objectives(plan, areas, users)
        details = DetailWriter(self.document, plan, self.counts, self.progress, self.locate)
        details.write_indicators_and_reports(objectives)
        details.write_action_sheets(areas)
        return plan

    def _resolve_users(self) -> dict[str, int]:
        wanted: dict[str, tuple[str | int, ...]] = {}
        for index, objective in enumerate(self.document.get("objectives", [])):
            if "owner" in objective:
                wanted.setdefault(objective["owner"], ("objectives", index, "owner"))
            for position, activity in enumerate(objective.get("activities", [])):
                if "owner" in activity:
                    wanted.setdefault(activity["owner"], ("objectives", index, "activities", position, "owner"))
        users = get_user_model().objects.filter(username__in=wanted)
        if self.organization_slug:
            # Into a body that exists (the web import always): only its own people, never another body's, who
            # would then see the item and be reminded of it; nor does the message tell whether such a user exists.
            slug = self.organization_slug
            users = users.filter(
                Q(organization_roles__organization__slug=slug)
                | Q(member_areas__organization__slug=slug)
                | Q(headed_areas__organization__slug=slug)
            ).distinct()
        found = dict(users.values_list("username", "pk"))
        missing = [
            Problem(self.locate(path), *self._unknown_user(name)) for name, path in wanted.items() if name not in found
        ]
        if missing:
            raise PlanImportError(missing)
        return found

    def _unknown_user(self, name: str) -> tuple[str, str]:
        if self.organization_slug:
            return (
                f"«{name}» non è una persona dell'ente «{self.organization_slug}»",
                "Indica il nome utente di una persona dell'ente (un ruolo, o un'area di cui è responsabile o parte).",
            )
        return f"utente «{name}» inesistente", "Crea l'utente prima o correggi il nome."

    def _organization(self) -> Organization:
        data = self.document["organization"]
        if self.organization_slug:
            organization = Organization.objects.filter(slug=self.organization_slug).first()
            if organization is None:
                raise PlanImportError(
                    [
                        Problem(
                            "--organization",
                            f"l'ente «{self.organization_slug}» non esiste",
                            "Ometti --organization per usare l'ente indicato nel file, o crea l'ente.",
                        )
                    ]
                )
            return organization
        values = {
            "name": data["name"],
            "kind": data.get("kind", Organization.Kind.ALTRO),
            "patron_saint_day": data.get("patron_saint_day", ""),
        }
        existing = {org.slug: org for org in Organization.objects.filter(slug=data["slug"])}
        rows = sync_rows(
            Organization,
            existing,
            {data["slug"]: values},
            lambda slug, fields: Organization(slug=slug, **fields),
            self.counts["organization"],
        )
        return rows[data["slug"]]

    def _areas(self, organization: Organization) -> dict[str, Area]:
        items = self.document.get("areas", [])
        existing = {area.code: area for area in organization.areas.all()}
        wanted = {
            item["code"]: {"name": item["name"], "kind": item.get("kind", ""), "head_name": item.get("head_name", "")}
            for item in items
        }

        def build(code: str, fields: dict[str, Any]) -> Area:
            return Area(
                organization=organization, code=code, slug=slugify(fields["name"])[:80] or code.lower(), **fields
            )

        areas = sync_rows(Area, existing, wanted, build, self.counts["areas"])
        for area in organization.areas.exclude(code__in=wanted):
            areas.setdefault(area.code, area)
        parents = {
            item["code"]: {"parent_id": areas[item["parent"]].pk if "parent" in item else None} for item in items
        }
        sync_rows(Area, areas, parents, lambda code, fields: areas[code], Counts())
        return areas

    def _plan(self, organization: Organization) -> Plan:
        data = self.document["plan"]
        values = {key: data.get(key, "") for key in ("kind", "title", "adoption_act", "source")}
        if not values["adoption_act"]:  # a document that names no act leaves the one its adoption recorded
            del values["adoption_act"]
        values |= {"year_start": data["year_start"], "year_end": data["year_end"]}
        # Locked: a validation committed meanwhile is waited for and seen (plans.freeze).
        found = organization.plans.select_for_update(of=("self",)).filter(code=data["code"]).order_by()
        existing = {plan.code: plan for plan in found}
        for plan in existing.values():
            if is_frozen(plan):
                raise PlanImportError(
                    [
                        Problem(
                            self.locate(("plan", "code")),
                            frozen_message(plan).rstrip("."),
                            "Per un nuovo anno importa il file con un altro codice del piano.",
                        )
                    ]
                )
        rows = sync_rows(
            Plan,
            existing,
            {data["code"]: values},
            lambda code, fields: Plan(organization=organization, code=code, **fields),
            self.counts["plan"],
        )
        return rows[data["code"]]

    def _objectives(self, plan: Plan, areas: dict[str, Area], users: dict[str, int]) -> dict[str, Objective]:
        items = self.document.get("objectives", [])
        year = plan.year_start
        specs = {
            item["code"]: [
                (
                    self.read_time(activity.get("planned", ""), year),
                    self.read_time(activity.get("actual", ""), year),
                )
                for activity in item.get("activities", [])
            ]
            for item in items
        }
        wanted = {item["code"]: self._objective_values(item, specs[item["code"]], users) for item in items}

        def build(code: str, fields: dict[str, Any]) -> Objective:
            states = [initial_activity_state(planned, actual, self.reference_date) for planned, actual in specs[code]]
            state = initial_objective_state(states)
            actual_end = max((actual.end for _, actual in specs[code] if actual.end), default=None)
            return Objective(
                plan=plan,
                code=code,
                state=state,
                actual_end=actual_end if state == WorkState.CONCLUSO else None,
                **fields,
            )

        existing = {objective.code: objective for objective in plan.objectives.all()}
        objectives = sync_rows(Objective, existing, wanted, build, self.counts["objectives"])
        parents = {
            item["code"]: {"parent_id": objectives[item["parent"]].pk if "parent" in item else None} for item in items
        }
        sync_rows(Objective, objectives, parents, lambda code, fields: objectives[code], Counts())
        self._objective_areas(plan, items, objectives, areas)
        self._activities(plan, items, objectives, specs, users)
        return objectives

    def _objective_values(
        self, item: dict[str, Any], specs: list[tuple[TimeSpec, TimeSpec]], users: dict[str, int]
    ) -> dict[str, Any]:
        texts = (
            "programme",
            "typology",
            "classification",
            "description",
            "strategic_area",
            "operational_objective",
            "peg_project",
            "services",
            "end_users",
            "networks",
        )
        values: dict[str, Any] = {field: item.get(field, "") for field in texts}
        values |= {
            "title": item["title"],
            "number": item.get("number"),
            "weight": _amount(item.get("weight")),
            "weight_raw": weight_raw(item),
            "budget_income": _amount(item.get("budget_income")),
            "budget_expense": _amount(item.get("budget_expense")),
            # Without explicit dates, the objective spans its activities.
            "planned_start": _date(item.get("planned_start"))
            or min((planned.start for planned, _ in specs if planned.start), default=None),
            "planned_end": _date(item.get("planned_end"))
            or max((planned.end for planned, _ in specs if planned.end), default=None),
        }
        if "owner" in item:
            values["owner_id"] = users[item["owner"]]
        return values

    def _objective_areas(
        self, plan: Plan, items: list[dict[str, Any]], objectives: dict[str, Objective], areas: dict[str, Area]
    ) -> None:
        through = Objective.areas.through
        ids = {objective.pk for objective in objectives.values()}
        links = through.objects.filter(objective__plan=plan).values_list("objective_id", "area_id")
        existing = {(objective_id, area_id) for objective_id, area_id in links if objective_id in ids}
        wanted = {(objectives[item["code"]].pk, areas[code].pk) for item in items for code in item["areas"]}
        new = sorted(wanted - existing)
        insert_values(through, len(new), ({"objective_id": o, "area_id": a} for o, a in new))
        for objective_id, area_id in existing - wanted:
            through.objects.filter(objective_id=objective_id, area_id=area_id).delete()

    def _activities(
        self,
        plan: Plan,
        items: list[dict[str, Any]],
        objectives: dict[str, Objective],
        specs: dict[str, list[tuple[TimeSpec, TimeSpec]]],
        users: dict[str, int],
    ) -> None:
        """In batches of objectives: only one batch of activities is held, as values and as rows read back."""
        parsed: dict[ActivityKey, tuple[TimeSpec, TimeSpec]] = {}

        def new_row(key: ActivityKey, fields: dict[str, Any]) -> dict[str, Any]:
            planned, actual = parsed.pop(key)
            state = initial_activity_state(planned, actual, self.reference_date)
            return {"objective_id": key[0], "position": key[1], "state": state, **fields}

        rows = Activity.objects.filter(objective__plan=plan).order_by()
        counts = self.counts["activities"]
        in_database = rows.count()
        read_before = counts.unchanged + counts.updated + counts.not_in_file
        for first in range(0, len(items), OBJECTIVES_PER_BATCH):
            batch = items[first : first + OBJECTIVES_PER_BATCH]
            wanted: dict[ActivityKey, dict[str, Any]] = {}
            parsed.clear()
            for item in batch:
                objective_id = objectives[item["code"]].pk
                for position, (activity, (planned, actual)) in enumerate(
                    zip(item.get("activities", []), specs[item["code"]], strict=True), start=1
                ):
                    values = {
                        "code": activity.get("code", ""),
                        "description": activity["description"],
                        "external_bodies": activity.get("external_bodies", ""),
                    }
                    values |= self._time_columns("planned", planned)
                    values |= self._time_columns("actual", actual)
                    if "owner" in activity:
                        values["owner_id"] = users[activity["owner"]]
                    wanted[(objective_id, position)] = values
                    parsed[(objective_id, position)] = (planned, actual)
            batch_ids = sorted({objectives[item["code"]].pk for item in batch})
            keys = ("objective_id", "position")
            sync_values(Activity, rows.filter(_in_batch(batch_ids)), keys, wanted, new_row, counts)
            self.progress(first + len(batch), len(items))
        # The activities of the plan's objectives that the file leaves out were read by no batch.
        counts.not_in_file += in_database - (counts.unchanged + counts.updated + counts.not_in_file - read_before)


def _in_batch(objective_ids: list[int]) -> Q:
    """`objective_id IN (…)`, on PostgreSQL as one array parameter: a thousand separate parameters cost more to
    send. SQLite (the demo) has no arrays."""
    if connection.vendor != "postgresql":
        return Q(objective_id__in=objective_ids)
    column = f"{connection.ops.quote_name(Activity._meta.db_table)}.{connection.ops.quote_name('objective_id')}"
    return Q(RawSQL(f"{column} = ANY(%s)", (objective_ids,), output_field=BooleanField()))
