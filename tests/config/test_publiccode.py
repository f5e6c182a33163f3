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
# The standard's categories (version 0.4, https://yml.publiccode.tools/categories-list.html).
CATEGORIES = {
    "accounting",
    "agile-project-management",
    "applicant-tracking",
    "application-development",
    "appointment-scheduling",
    "backup",
    "billing-and-invoicing",
    "blog",
    "budgeting",
    "business-intelligence",
    "business-process-management",
    "cad",
    "call-center-management",
    "cloud-management",
    "collaboration",
    "communications",
    "compliance-management",
    "contact-management",
    "content-management",
    "crm",
    "customer-service-and-support",
    "data-analytics",
    "data-collection",
    "data-visualization",
    "digital-asset-management",
    "digital-citizenship",
    "document-management",
    "donor-management",
    "e-commerce",
    "e-signature",
    "email-management",
    "email-marketing",
    "employee-management",
    "enterprise-project-management",
    "enterprise-social-networking",
    "erp",
    "event-management",
    "facility-management",
    "feedback-and-reviews-management",
    "financial-reporting",
    "fleet-management",
    "fund-accounting",
    "gis",
    "grant-management",
    "graphic-design",
    "help-desk",
    "hr",
    "ide",
    "instant-messaging",
    "inventory-management",
    "it-asset-management",
    "it-development",
    "it-management",
    "it-security",
    "it-service-management",
    "knowledge-management",
    "learning-management-system",
    "marketing",
    "mind-mapping",
    "mobile-marketing",
    "mobile-payment",
    "network-management",
    "office",
    "online-booking",
    "online-community",
    "payment-gateway",
    "payroll",
    "predictive-analysis",
    "procurement",
    "productivity-suite",
    "project-collaboration",
    "project-management",
    "property-management",
    "real-estate-management",
    "remote-support",
    "resource-management",
    "sales-management",
    "seo",
    "service-desk-software",
    "social-media-management",
    "survey",
    "talent-management",
    "task-management",
    "taxes-management",
    "test-management",
    "time-management",
    "time-tracking",
    "translation",
    "video-conferencing",
    "video-editing",
    "visitor-management",
    "voip",
    "warehouse-management",
    "web-collaboration",
    "web-conferencing",
    "website-builder",
    "whistleblowing",
    "workflow-management",
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
    if "releaseDate" in code:  # only with a release
        assert dt.date.fromisoformat(code["releaseDate"])
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert code["legal"]["license"] == pyproject["license"] and SPDX.match(code["legal"]["license"])
    assert "GNU AFFERO GENERAL PUBLIC LICENSE" in (REPO / "LICENSE").read_text(encoding="utf-8")[:200]
    maintenance = code["maintenance"]
    assert maintenance["type"] in MAINTENANCE
    if maintenance["type"] in {"internal", "community"}:
        assert all(contact["name"] for contact in maintenance["contacts"]), "its maintainers are named"
    if maintenance["type"] == "contract":
        assert maintenance["contractors"], "a contract names its contractors"
    assert code["intendedAudience"]["countries"] == ["IT"]


@pytest.mark.parametrize("language", ["it", "en"])
def test_each_description_fits_the_standards_lengths(code: dict[str, Any], language: str) -> None:
    description = code["description"][language]
    assert 0 < len(description["shortDescription"]) <= 150
    assert 150 <= len(description["longDescription"]) <= 10000
    assert description["features"] and all(0 < len(feature) <= 100 for feature in description["features"])


def test_the_languages_are_those_the_application_speaks(code: dict[str, Any]) -> None:
    localisation = code["localisation"]
    assert localisation["localisationReady"] is True
    catalogues = {path.parent.parent.name for path in (REPO / "locale").glob("*/LC_MESSAGES/django.po")}
    assert set(localisation["availableLanguages"]) == {"it"} | catalogues
    assert set(code["description"]) == set(localisation["availableLanguages"])


def test_the_italian_section(code: dict[str, Any]) -> None:
    italy = code["IT"]
    assert italy["countryExtensionVersion"] == "1.0"
    assert set(italy["piattaforme"]) <= {"spid", "cie", "anpr", "pagopa", "io"}
    assert "it" not in code, "the country section is IT, upper case, since 0.4"
    assert all(isinstance(value, bool) for value in italy["piattaforme"].values())
