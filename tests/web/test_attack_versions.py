"""The versions list (page and API) must not show another area's rimodulazione (its objective and motivation) to
whom does not see that objective, as the difference page already does not."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.web.html import page_text
from tests.web.test_plan_versions import adopted, changed, logged_in, world  # noqa: F401 (fixtures)
from tests.workflow.world import World

pytestmark = pytest.mark.django_db


def test_the_versions_page_hides_another_area_s_change(client: Client, changed: World) -> None:  # noqa: F811
    response = logged_in(client, changed.bruno).get(f"/piani/{changed.plan.pk}/versioni/")
    assert response.status_code == 200
    text = page_text(response)
    assert "il piano come adottato" in text
    assert "SOC-1" not in text and "Nuove risorse" not in text
    assert "Nuove risorse" in page_text(logged_in(client, changed.anna).get(f"/piani/{changed.plan.pk}/versioni/"))


def test_the_versions_api_hides_another_area_s_change(client: Client, changed: World) -> None:  # noqa: F811
    rows = logged_in(client, changed.bruno).get("/api/plan-versions/", {"plan": changed.plan.pk}).json()
    rows = rows.get("results", rows) if isinstance(rows, dict) else rows
    assert [row["number"] for row in rows] == [1]
    rows = logged_in(client, changed.anna).get("/api/plan-versions/", {"plan": changed.plan.pk}).json()
    rows = rows.get("results", rows) if isinstance(rows, dict) else rows
    assert [row["number"] for row in rows] == [1, 2]
