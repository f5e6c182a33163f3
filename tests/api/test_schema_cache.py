"""/api/schema/ is generated once per process and language, then served as it was generated (issue 18: a
second of CPU at every request, for a document that depends on the code alone)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils.translation import get_language
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer

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


@pytest.fixture
def renderings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The media type of each schema actually rendered, from now on."""
    media_types: list[str] = []
    render = OpenApiYamlRenderer.render

    def counted(self: Any, data: Any, media_type: Any = None, renderer_context: Any = None) -> Any:
        media_types.append(self.media_type)
        return render(self, data, media_type, renderer_context)

    monkeypatch.setattr(OpenApiYamlRenderer, "render", counted)
    return media_types


def test_each_rendering_is_written_once(world: World, renderings: list[str]) -> None:
    diana, erica = client_for(world.diana), client_for(world.erica)
    with override_settings(ROOT_URLCONF=settings.ROOT_URLCONF):
        first = diana.get("/api/schema/")
        again = erica.get("/api/schema/")
        english = diana.get("/api/schema/", HTTP_ACCEPT_LANGUAGE="en")
    assert renderings == ["application/vnd.oai.openapi", "application/vnd.oai.openapi"]  # Italian, then English
    assert first.content == again.content != english.content
    for header in ("Content-Type", "Content-Disposition", "Vary", "Allow"):
        assert first[header] == again[header], header
    assert again["Content-Disposition"] == 'inline; filename="Traguardi API.yaml"'


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [("lang=xx", "lang", "Lingua «xx» non disponibile"), ("version=2", "version", "Versione «2» non disponibile")],
)
def test_a_language_or_version_the_api_lacks_is_refused_and_generates_nothing(
    world: World, generated: list[str | None], query: str, field: str, words: str
) -> None:
    """Each unknown ?lang= or ?version= generated and kept another schema: a second of CPU and memory per value."""
    diana = client_for(world.diana)
    with override_settings(ROOT_URLCONF=settings.ROOT_URLCONF):
        refused = diana.get(f"{JSON}&{query}")
        valid = diana.get(f"{JSON}&version=1")
    assert refused.status_code == 400
    assert words in refused.json()["fields"][field][0]
    assert valid.status_code == 200 and valid.json()["info"]["version"].startswith("1")
    assert generated == ["it"]  # the valid request's alone


def test_an_empty_language_or_version_is_none_given(world: World, generated: list[str | None]) -> None:
    """As drf-spectacular reads them (and the API's filters read an empty value): the one document, not a 400."""
    diana = client_for(world.diana)
    with override_settings(ROOT_URLCONF=settings.ROOT_URLCONF):
        plain = diana.get(JSON)
        empty = diana.get(f"{JSON}&lang=&version=")
    assert plain.status_code == empty.status_code == 200
    assert plain.content == empty.content
    assert generated == ["it"]
