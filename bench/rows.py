"""The rows of the generated dataset: organizations, people, plans, objectives, activities and indicators,
with realistic spreads, as COPY text lines (see bench.generate, which loads them)."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import Any

ORG_SIZE = 10_000  # activities of a typical organization
DUE = 500  # activities due on the scan day, at every size
SEED = 6
MONTHS = ("Gennaio", "Febbraio", "Marzo", "Aprile", "Maggio", "Giugno", "Luglio", "Agosto", "Settembre", "Ottobre",
          "Novembre", "Dicembre")  # fmt: skip
AREA_NAMES = (
    "Affari generali", "Servizi finanziari", "Tributi", "Servizi sociali", "Lavori pubblici", "Urbanistica",
    "Polizia locale", "Servizi demografici", "Cultura e turismo", "Istruzione", "Ambiente", "Personale",
)  # fmt: skip
FIRST = ("Anna", "Marco", "Giulia", "Luca", "Sara", "Paolo", "Elena", "Davide", "Chiara", "Matteo")
LAST = ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco")
VERBS = ("Aggiornare", "Predisporre", "Verificare", "Avviare", "Completare", "Monitorare", "Digitalizzare")
OBJECTS = (
    "il regolamento comunale", "la banca dati degli utenti", "il bando di gara", "la carta dei servizi",
    "il piano di formazione", "la mappatura dei processi", "gli atti di liquidazione", "il sito istituzionale",
)  # fmt: skip
PATRONS = ("", "06-24", "10-04", "12-07", "01-31", "09-19", "06-29", "08-16")
TARGETS = ("150/1600", "75%", "=>4", "24000", "si", "90%", "12", "300/75")
# Shares of the activities: about 20% slipped (overdue, late, rinviato), the rest on time or not due yet.
CATEGORIES = (("on_time", 0.52), ("future", 0.28), ("overdue", 0.08), ("late", 0.08), ("rinviato", 0.04))


@dataclass(frozen=True)
class Spec:
    activities: int
    reference_date: dt.date
    due: int = DUE
    large_plan: int = 0  # activities of the one large organization's plan; 0 for none
    seed: int = SEED
    org_size: int = ORG_SIZE


def standard_spec(activities: int, reference_date: dt.date | None = None) -> Spec:
    """The dataset the scan and dashboard benchmarks share: from 100,000 activities on, one organization holds a
    large plan (30% of the activities, at most 100,000), the rest are typical organizations."""
    from django.utils import timezone

    large = min(100_000, activities * 3 // 10) if activities >= 100_000 else 0
    return Spec(activities=activities, reference_date=reference_date or timezone.localdate(), large_plan=large)


def _tsv(*values: object) -> str:
    """One COPY text line; the generator writes no tab, newline or backslash in its text."""
    return "\t".join("\\N" if value is None else _text(value) for value in values)


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "t" if value else "f"
    return value.isoformat() if isinstance(value, dt.date) else str(value)


@cache
def _time_fields(raw: str, year: int) -> str:
    """The eight planned_*/actual_* columns of a Tempi/Consuntivo text, as the importer stores them."""
    from plans.models.activity import time_columns
    from plans.parsing import parse_time

    columns = time_columns("x", parse_time(raw, year=year))
    columns["x_checkpoints"] = json.dumps(columns["x_checkpoints"])
    return _tsv(*columns.values())


@cache
def _value_fields(raw: str) -> str:
    from plans.models.indicator import ParsedValue
    from plans.parsing import parse_value

    return _tsv(*ParsedValue.spec_values(parse_value(raw)).values())


@dataclass
class _Org:
    id: int
    slug: str
    patron: str
    activities: int
    plan_id: int = 0
    director: str = ""
    areas: list[tuple[int, int, list[int]]] = field(default_factory=list)  # (area id, head id, staff ids)


class Generator:
    """Builds the rows; big tables go straight into COPY, the others are kept as lines until their COPY."""

    def __init__(self, spec: Spec, password: str):
        from notifications.calendar import next_working_day
        from notifications.schedule import Rules

        self.spec = spec
        self.password = password
        self.rules = Rules.from_settings()
        self.rng = random.Random(spec.seed)
        self.today = spec.reference_date
        self.year = self.today.year
        self.scan_day = next_working_day(self.today)
        self.lines: dict[str, list[str]] = defaultdict(list)
        self.ids: dict[str, int] = defaultdict(int)
        self.past_start = min(dt.date(self.year, 1, 15), self.today - dt.timedelta(days=60))
        self.future_end = max(dt.date(self.year, 12, 31), self.today + dt.timedelta(days=60))
        self.due_ordinals = set(self.rng.sample(range(spec.activities), min(spec.due, spec.activities)))
        self.ordinal = 0
        self.orgs = self._organizations()

    def new_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    # Organizations, people, areas, plans.

    def _organizations(self) -> list[_Org]:
        spec = self.spec
        rest = spec.activities - spec.large_plan
        count = max(1, round(rest / spec.org_size)) if rest else 0
        weights = [self.rng.uniform(0.7, 1.3) for _ in range(count)]
        sizes = [int(rest * weight / sum(weights)) for weight in weights]
        if sizes:
            sizes[0] += rest - sum(sizes)
        patrons = [patron for patron in PATRONS if patron != self.scan_day.strftime("%m-%d")]
        orgs = [
            _Org(0, f"gen-ente-{index + 1:03d}", self.rng.choice(patrons), size) for index, size in enumerate(sizes)
        ]
        if spec.large_plan:
            orgs.append(_Org(0, "gen-grande", self.rng.choice(patrons), spec.large_plan))
        for org in orgs:
            self._organization(org)
        return orgs

    def _user(self, username: str) -> int:
        pk = self.new_id("auth_user")
        first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
        joined = "2020-01-01 00:00:00+00"
        self.lines["auth_user"].append(
            _tsv(pk, self.password, None, False, username, first, last, f"{username}@ente.example", False, True, joined)
        )
        return pk

    def _role(self, org: _Org, user: int, role: str) -> None:
        self.lines["plans_organizationrole"].append(_tsv(self.new_id("plans_organizationrole"), role, org.id, user))

    def _organization(self, org: _Org) -> None:
        org.id = self.new_id("plans_organization")
        name = f"Ente generato {org.slug[-3:]}" if org.slug != "gen-grande" else "Ente generato con un piano grande"
        self.lines["plans_organization"].append(_tsv(org.id, org.slug, name, "comune", org.patron))
        org.director = f"{org.slug}-direttore"
        self._role(org, self._user(org.director), "director")
        self._role(org, self._user(f"{org.slug}-oiv"), "auditor")
        for index in range(max(4, min(40, round(org.activities / 1250)))):
            area = self.new_id("plans_area")
            code = f"A{index + 1:02d}"
            head = self._user(f"{org.slug}-resp-{code.lower()}")
            name = AREA_NAMES[index % len(AREA_NAMES)]
            name += f" {index // len(AREA_NAMES) + 1}" if index >= len(AREA_NAMES) else ""
            self.lines["plans_area"].append(_tsv(area, code, code.lower(), name, "Area", "", head, None, org.id))
            staff = [self._user(f"{org.slug}-staff-{code.lower()}-{n}") for n in range(1, 4)]
            for member in staff:
                self.lines["plans_area_members"].append(_tsv(self.new_id("plans_area_members"), area, member))
            org.areas.append((area, head, staff))
        org.plan_id = self.new_id("plans_plan")
        self.lines["plans_plan"].append(
            _tsv(
                org.plan_id,
                f"PEG-{self.year}",
                "peg",
                f"PEG {self.year}",
                self.year,
                self.year,
                "Delibera di Giunta n. 1",
                dt.date(self.year, 1, 31),
                "in_execution",  # the year's plan, adopted and followed: only live plans get reminders
                "",
                org.id,
            )
        )

    # Deadlines and reminders.

    def _reminder(self, end: dt.date, patron: str) -> dt.date:
        return _next_reminder(end, self.scan_day, patron, self.rules)

    def _clear_of_scan_day(self, end: dt.date, patron: str) -> tuple[dt.date, dt.date]:
        """Move a deadline by a day at a time until no reminder about it falls due on the scan day."""
        while (following := self._reminder(end, patron)) <= self.scan_day:
            end += dt.timedelta(days=1)
        return end, following

    def _due_deadline(self, patron: str) -> dt.date:
        """A deadline one of whose reminders falls due on the scan day: a lead time, the first overdue
        notice, a weekly one, or the escalation."""
        from notifications.calendar import add_working_days

        day = self.scan_day
        sort = self.rng.choice(("lead", "lead", "lead", "overdue", "weekly", "escalation"))
        if sort == "lead":
            end = add_working_days(day, self.rng.choice(self.rules.leads), patron)
        elif sort == "overdue":
            end = add_working_days(day, -1, patron)
        elif sort == "weekly":
            end = add_working_days(day - dt.timedelta(weeks=self.rng.randint(1, 4)), -1, patron)
        else:
            end = add_working_days(day, -self.rules.escalate_after, patron)
        if self._reminder(end, patron) != day:  # a holiday in the way: fall back on the 7-day lead
            end = add_working_days(day, 7, patron)
        assert self._reminder(end, patron) == day
        return end

    def _between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def _month_end(self, day: dt.date) -> dt.date:
        following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)

    def _month_end_maybe(self, day: dt.date, latest: dt.date) -> dt.date:
        """Half the deadlines are a month ("Marzo"): its last day, when that is not after `latest`."""
        month_end = self._month_end(day)
        return month_end if month_end <= latest and self.rng.random() < 0.5 else day

    def _planned_raw(self, end: dt.date) -> str:
        if end == self._month_end(end) and self.rng.random() < 0.8:
            return MONTHS[end.month - 1] + ("" if end.year == self.year else f" {end.year}")
        return end.strftime("%d/%m/%Y")

    def _category(self) -> str:
        draw = self.rng.random()
        for category, share in CATEGORIES:
            draw -= share
            if draw < 0:
                return category
        return CATEGORIES[0][0]

    def _schedule(self, patron: str) -> tuple[str, dt.date, dt.date | None, dt.date | None]:
        """(state, planned end, actual end, next reminder day) of the next activity."""
        today, day = self.today, dt.timedelta(days=1)
        if self.ordinal in self.due_ordinals:
            end = self._due_deadline(patron)
            return ("programmato" if end > today and self.rng.random() < 0.4 else "avviato"), end, None, self.scan_day
        category = self._category()
        if category in ("on_time", "late"):
            latest = self.future_end if category == "on_time" else today - 5 * day
            end = self._month_end_maybe(self._between(self.past_start, latest), latest)
            if category == "late":
                return "concluso", end, min(today, end + self.rng.randint(1, 60) * day), None
            actual = min(end - self.rng.randint(0, 30) * day, today - self.rng.randint(0, 10) * day)
            return "concluso", end, max(actual, self.past_start), None
        if category == "overdue":
            state = "avviato" if self.rng.random() < 0.7 else "programmato"
            end = self._month_end_maybe(self._between(self.past_start, today - day), today - day)
        elif category == "rinviato":
            state, end = "rinviato", today + self.rng.randint(15, 120) * day
        else:
            state = "avviato" if self.rng.random() < 0.6 else "programmato"
            end = self._month_end_maybe(self._between(today + day, self.future_end), self.future_end)
        end, following = self._clear_of_scan_day(end, patron)
        return state, end, None, following

    # Objectives, activities, indicators.

    def objectives(self, org: _Org, activity_copy: Any) -> None:
        remaining, number = org.activities, 0
        batch: list[str] = []
        while remaining > 0:
            number += 1
            size = min(remaining, self.rng.randint(4, 16))
            remaining -= size
            batch += self._objective(org, number, size)
            if len(batch) >= 5000:
                activity_copy.write("\n".join(batch) + "\n")
                batch = []
        if batch:
            activity_copy.write("\n".join(batch) + "\n")

    def _objective(self, org: _Org, number: int, size: int) -> list[str]:
        pk = self.new_id("plans_objective")
        area, head, staff = self.rng.choice(org.areas)
        areas = [area]
        if len(org.areas) > 1 and self.rng.random() < 0.1:  # a transversal objective
            areas.append(self.rng.choice([other for other, _, _ in org.areas if other != area]))
        for area_id in areas:
            self.lines["plans_objective_areas"].append(_tsv(self.new_id("plans_objective_areas"), pk, area_id))
        rows, states, ends, actuals = [], [], [], []
        for position in range(1, size + 1):
            state, end, actual, following = self._schedule(org.patron)
            self.ordinal += 1
            owner = self.rng.choice(staff) if self.rng.random() < 0.85 else (head if self.rng.random() < 0.66 else None)
            actual_raw = actual.strftime("%d/%m/%Y") if actual else ("avviato" if state == "avviato" else "")
            rows.append(
                _tsv(self.new_id("plans_activity"), pk, position,
                     f"{self.rng.choice(VERBS)} {self.rng.choice(OBJECTS)} (fase {position})", owner, state, following)
                + "\t" + _time_fields(self._planned_raw(end), self.year) + "\t" + _time_fields(actual_raw, self.year)
            )  # fmt: skip
            states.append(state)
            ends.append(end)
            actuals.append(actual)
        self._objective_row(org, pk, number, head, states, max(ends), actuals)
        self._indicators(pk, head)
        return rows

    def _objective_row(
        self, org: _Org, pk: int, number: int, head: int, states: list[str], end: dt.date, actuals: list[Any]
    ) -> None:
        actual = None
        if all(state == "concluso" for state in states):
            state, actual = "concluso", max(actuals)
        elif "rinviato" in states and self.rng.random() < 0.25:
            state = "rinviato"
        else:
            state = "programmato" if all(state == "programmato" for state in states) else "avviato"
        following = None
        if state != "concluso":
            end, following = self._clear_of_scan_day(end, org.patron)
        owner = head if self.rng.random() < 0.9 else None
        title = f"{self.rng.choice(VERBS)} {self.rng.choice(OBJECTS)}: obiettivo {number}"
        self.lines["plans_objective"].append(
            _tsv(pk, org.plan_id, f"OB-{number:05d}", "", number, title, "gestionale", "", f"Descrizione: {title}")
            + "\t" * 7
            + _tsv(None, None, None, dt.date(self.year, 1, 1), end, actual, state, owner, None, following)
        )

    def _indicators(self, objective: int, head: int) -> None:
        for position in range(1, self.rng.choices((1, 2, 3), weights=(55, 35, 10))[0] + 1):
            pk = self.new_id("plans_indicator")
            target = self.rng.choice(TARGETS)
            self.lines["plans_indicator"].append(
                _tsv(pk, objective, position, f"Indicatore {position}", "", "PERFORMANCE", "", "target", "")
            )
            self.lines["plans_indicatortarget"].append(
                _tsv(self.new_id("plans_indicatortarget"), pk, self.year) + "\t" + _value_fields(target)
            )
            for _ in range(self.rng.choices((0, 1, 2), weights=(10, 70, 20))[0]):
                measured = self._between(self.past_start, self.today)
                self.lines["plans_measurement"].append(
                    _tsv(self.new_id("plans_measurement"), pk, self.year, measured, "", f"{measured} 09:00:00+00", head)
                    + "\t"
                    + _value_fields(self._actual(target))
                )

    def _actual(self, target: str) -> str:
        factor = self.rng.uniform(0.5, 1.3)
        if target.endswith("%"):
            return f"{min(100, round(int(target[:-1]) * factor))}%"
        if "/" in target:
            numerator, denominator = target.split("/")
            return f"{round(int(numerator) * factor)}/{denominator}"
        if target == "si":
            return self.rng.choice(("si", "si", "no"))
        if target.startswith("=>"):
            return f"{round(int(target[2:]) * factor, 1)}".replace(".", ",")
        return str(round(int(target) * factor))


@cache
def _next_reminder(end: dt.date, scan_day: dt.date, patron: str, rules: Any) -> dt.date:
    """The next reminder day the scan stored on an item when it last ran, the working day before `scan_day`."""
    from notifications.calendar import add_working_days
    from notifications.schedule import next_reminder_day

    return next_reminder_day(end, add_working_days(scan_day, -1, patron), rules, patron)
