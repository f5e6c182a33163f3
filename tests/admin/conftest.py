from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.admin.rows import Rows, build_aurelia_rows, make_it_office_director
from tests.workflow.world import World


@pytest.fixture
def erica(world: World) -> User:
    return make_it_office_director(world)


@pytest.fixture
def aurelia_rows(world: World) -> Rows:
    return build_aurelia_rows(world)


@pytest.fixture
def root(world: World) -> User:
    """The platform operator."""
    return User.objects.create_superuser("piattaforma", "piattaforma@traguardi.example", "segreta")


@pytest.fixture
def erica_client(erica: User) -> Client:
    client = Client()
    client.force_login(erica)
    return client


@pytest.fixture
def root_client(root: User) -> Client:
    client = Client()
    client.force_login(root)
    return client
