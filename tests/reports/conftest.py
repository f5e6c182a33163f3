"""The demo data, loaded once per test module and rolled back at its end."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from pytest_django import DjangoDbBlocker

from plans.demo import load_demo
from plans.models import Organization, OrganizationRole, Plan

REFERENCE_DATE = dt.date(2026, 5, 15)
DEMO_PLAN = "RP-2021"
DEMO_ORGANIZATION = "consorzio-inrete"


@pytest.fixture(scope="module")
def demo_plan(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Plan]:
    """The Relazione 2021 of seed 002. Tests that use it also need `db` (their own savepoint inside)."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(reference_date=REFERENCE_DATE)
        yield Plan.objects.select_related("organization").get(organization__slug=DEMO_ORGANIZATION, code=DEMO_PLAN)
        transaction.set_rollback(True)


@pytest.fixture
def director(demo_plan: Plan) -> User:
    return User.objects.get(username="direttore")


@pytest.fixture
def outsider() -> User:
    """Erica directs another body: she must not learn that the plan exists."""
    erica = User.objects.create_user("erica", "erica@borgo.example", "segreta")
    borgo = Organization.objects.create(slug="borgo", name="Comune di Borgo")
    OrganizationRole.objects.create(organization=borgo, user=erica, role=OrganizationRole.Role.DIRECTOR)
    return erica
