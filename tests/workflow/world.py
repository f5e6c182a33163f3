"""A small organization with named people, for the workflow tests.

Comune di Aurelia has two areas:
- Servizi sociali: head Anna, staff Sara;
- Servizi tecnici: head Bruno, staff Tommaso.
Diana is the director and Otto sits on the OIV. Erica directs another body, the Comune di Borgo.

Plan PEG-2026, adopted and in execution (Diana adopted it and started it: only live plans get reminders,
monitoring and lateness), has objective SOC-1 of the social area, with activities 1 and 2 (activity 1 owned
by Sara), indicator "Utenti presi in carico", and the transversal objective TRA-1 shared by both areas.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User

from plans.models import Activity, Area, Indicator, Objective, Organization, OrganizationRole, Plan
from tests.plan_life import put_in_execution

PERSONAS = ("diana", "anna", "bruno", "sara", "tommaso", "otto", "erica")


@dataclass
class World:
    aurelia: Organization
    borgo: Organization
    social: Area
    technical: Area
    plan: Plan
    objective: Objective
    transversal: Objective
    activity: Activity
    second_activity: Activity
    indicator: Indicator
    users: dict[str, User]

    def __getattr__(self, name: str) -> User:
        try:
            return self.__dict__["users"][name]
        except KeyError as error:
            raise AttributeError(name) from error


def _user(username: str) -> User:
    return User.objects.create_user(username, f"{username}@aurelia.example", "segreta", first_name=username.title())


def build_world(*, live: bool = True) -> World:
    """The world; with `live=False` its plan stays a draft (for the tests of the plan's own life)."""
    users = {name: _user(name) for name in PERSONAS}
    aurelia = Organization.objects.create(slug="aurelia", name="Comune di Aurelia", kind=Organization.Kind.COMUNE)
    borgo = Organization.objects.create(slug="borgo", name="Comune di Borgo", kind=Organization.Kind.COMUNE)
    social = Area.objects.create(
        organization=aurelia, code="SOC", slug="sociale", name="Servizi sociali", head=users["anna"]
    )
    technical = Area.objects.create(
        organization=aurelia, code="TEC", slug="tecnica", name="Servizi tecnici", head=users["bruno"]
    )
    social.members.add(users["sara"])
    technical.members.add(users["tommaso"])
    OrganizationRole.objects.create(organization=aurelia, user=users["diana"], role=OrganizationRole.Role.DIRECTOR)
    OrganizationRole.objects.create(organization=aurelia, user=users["otto"], role=OrganizationRole.Role.AUDITOR)
    OrganizationRole.objects.create(organization=borgo, user=users["erica"], role=OrganizationRole.Role.DIRECTOR)
    Area.objects.create(organization=borgo, code="AMM", slug="amministrativa", name="Area amministrativa")

    plan = Plan.objects.create(
        organization=aurelia, code="PEG-2026", kind=Plan.Kind.PEG, title="PEG 2026", year_start=2026, year_end=2026
    )
    if live:
        plan = put_in_execution(plan, users["diana"])  # only live plans get reminders, monitoring and lateness
    objective = Objective.objects.create(
        plan=plan, code="SOC-1", title="Presa in carico unica", planned_end=dt.date(2026, 12, 31), owner=users["anna"]
    )
    objective.areas.add(social)
    transversal = Objective.objects.create(plan=plan, code="TRA-1", title="Cartella sociale informatizzata")
    transversal.areas.add(social, technical)
    activity = Activity.objects.create(
        objective=objective,
        position=1,
        description="Mappatura degli sportelli",
        planned_raw="Giugno",
        planned_end=dt.date(2026, 6, 30),
        owner=users["sara"],
    )
    second = Activity.objects.create(
        objective=objective, position=2, description="Formazione degli operatori", planned_end=dt.date(2026, 9, 30)
    )
    indicator = Indicator.objects.create(objective=objective, position=1, name="Utenti presi in carico", unit="n.")
    return World(aurelia, borgo, social, technical, plan, objective, transversal, activity, second, indicator, users)
