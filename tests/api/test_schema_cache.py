"""/api/schema/ is generated once per process and language, then served as it was generated (issue 18: a
second of CPU at every request, for a document that depends on the code alone)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils.translation import get_language
from drf_spectacular.generators import SchemaGenerator

from tests.workflow.test_api import client_for
from tests.workflow.world import World

pytestmark = pytest.mark.django_db

JSON = "/api/schema/?format=json"


@pytest.fixture
def generated(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The language of each schema actually generated, from now on (the ones made before are forgotten)."""
    languages: list[str | None] = []
    generate = SchemaGenerator.get_schema

    def counted(self: SchemaGenerator, request: Any = None, public: bool = False) -> Any:
        languages.append(get_language())
        return generate(self, request=request, public=public)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counted)
    return languages


def test_the_schema_is_generated_once_per_language(world: World, generated: list[str | None]) -> None:
    diana, erica = client_for(world.diana), client_for(world.erica)
    with override_settings(ROOT_URLCONF=settings.ROOT_URLCONF):  # a changed setting forgets the schemas made
        italian = diana.get(JSON)
        again = erica.get(JSON)  # another person, of another body: the same document
        english = diana.get(JSON, HTTP_ACCEPT_LANGUAGE="en")
        english_again = erica.get("/api/schema/?format=json&lang=en")
    assert generated == ["it", "en"]
    assert italian.status_code == again.status_code == english.status_code == 200
    assert italian.content == again.content
    assert english.content == english_again.content
    assert italian.content != english.content  # the descriptions are translated


def test_the_cached_schema_is_the_one_generated_afresh(world: World, generated: list[str | None]) -> None:
    diana = client_for(world.diana)
    with override_settings(ROOT_URLCONF=settings.ROOT_URLCONF):
        diana.get(JSON)
        cached = diana.get(JSON)
        yaml = diana.get("/api/schema/")
    with override_settings(ROOT_URLCONF=settings.ROOT_URLCONF):
        fresh = diana.get(JSON)
        fresh_yaml = diana.get("/api/schema/")
    assert generated == ["it", "it"]
    assert cached.json() == fresh.json()
    assert cached.json()["paths"]["/api/activities/"]["get"]["operationId"] == "activities_list"
    assert yaml.content == fresh_yaml.content
    assert yaml["Content-Type"].startswith("application/vnd.oai.openapi")
