"""publiccode.yml follows the standard (version 0.4, https://yml.publiccode.tools): its required keys, their
formats and lengths, the Italian and English descriptions, the licence of pyproject.toml, the languages the
application speaks, and the `it` section."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
# The standard's enumerations (version 0.4), as far as this file uses them.
CATEGORIES = {
    "data-analytics",
    "document-management",
    "project-management",
    "workflow-management",
    "data-visualization",
    "reporting-issues",
}
STATUSES = {"concept", "development", "beta", "stable", "obsolete"}
SOFTWARE_TYPES = {
    "standalone/mobile",
    "standalone/iot",
    "standalone/desktop",
    "standalone/web",
    "standalone/backend",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
}
MAINTENANCE = {"internal", "contract", "community", "none"}
SPDX = re.compile(r"^[A-Za-z0-9.+-]+(?: (?:AND|OR) [A-Za-z0-9.+-]+)*$")


@pytest.fixture(scope="module")
def code() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((REPO / "publiccode.yml").read_text(encoding="utf-8"))
    return document


def test_the_required_keys_are_there_with_their_formats(code: dict[str, Any]) -> None:
    assert code["publiccodeYmlVersion"] == "0.4"
    assert code["name"] and code["url"].startswith("https://")
    assert code["platforms"] == ["web"]
    assert code["categories"] and set(code["categories"]) <= CATEGORIES
    assert code["developmentStatus"] in STATUSES
    assert code["softwareType"] in SOFTWARE_TYPES
    assert dt.date.fromisoformat(code["releaseDate"])
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert code["softwareVersion"] == pyproject["version"]
    assert code["legal"]["license"] == pyproject["license"] and SPDX.match(code["legal"]["license"])
    maintenance = code["maintenance"]
    assert maintenance["type"] in MAINTENANCE
    if maintenance["type"] in {"internal", "contract"}:
        assert maintenance["contacts"], "internal or contract maintenance names its contacts"


@pytest.mark.parametrize("language", ["it", "en"])
def test_each_description_fits_the_standards_lengths(code: dict[str, Any], language: str) -> None:
    description = code["description"][language]
    assert 0 < len(description["shortDescription"]) <= 150
    assert 150 <= len(description["longDescription"]) <= 10000
    assert description["features"] and all(0 < len(feature) <= 100 for feature in description["features"])
    assert description["genericName"] and len(description["genericName"]) <= 35


def test_the_languages_are_those_the_application_speaks(code: dict[str, Any]) -> None:
    localisation = code["localisation"]
    assert localisation["localisationReady"] is True
    catalogues = {path.parent.parent.name for path in (REPO / "locale").glob("*/LC_MESSAGES/django.po")}
    assert set(localisation["availableLanguages"]) == {"it"} | catalogues
    assert set(code["description"]) == set(localisation["availableLanguages"])


def test_the_italian_section(code: dict[str, Any]) -> None:
    italy = code["it"]
    assert italy["countryExtensionVersion"] == "1.0"
    assert set(italy["piattaforme"]) <= {"spid", "cie", "anpr", "pagopa", "io"}
    assert all(isinstance(value, bool) for value in italy["piattaforme"].values())
