"""Attacks with bad input on the pages and API endpoints of issue 17: a number written with Unicode digits that
are not decimal digits («²», «①») passes str.isdigit() but not int(); each must be a clear 400, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.workflow.world import World, build_world


@pytest.fixture
def world(db: None, frozen_today: dt.date) -> World:
    return build_world()


def _client(user: object) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.mark.parametrize("raw", ["²", "①", "2026²"])
def test_a_year_in_unicode_digits_on_the_legal_calendar_is_a_clear_400(world: World, raw: str) -> None:
    answer = _client(world.diana).get("/scadenze-di-legge/", {"anno": raw})
    assert answer.status_code == 400
    assert "non è un anno" in answer.content.decode()


@pytest.mark.parametrize("raw", ["²", "①"])
def test_a_version_number_in_unicode_digits_on_the_difference_page_is_a_clear_400(world: World, raw: str) -> None:
    answer = _client(world.diana).get(f"/piani/{world.plan.pk}/versioni/differenze/", {"da": raw, "a": "1"})
    assert answer.status_code == 400
    assert "Scegli le due versioni" in answer.content.decode()


@pytest.mark.parametrize("path", ["/api/changes/", "/api/plan-versions/"])
def test_a_plan_filter_in_unicode_digits_on_the_api_is_a_clear_400(world: World, path: str) -> None:
    answer = _client(world.diana).get(path, {"plan": "²"})
    assert answer.status_code == 400
    assert "Il piano si indica con il suo numero" in answer.content.decode()


@pytest.mark.parametrize("page", ["validazione", "riapri", "versioni", "anno-successivo"])
@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_a_wrong_method_on_the_plan_s_new_pages_is_405(world: World, page: str, method: str) -> None:
    answer = getattr(_client(world.otto if page == "validazione" else world.diana), method)(
        f"/piani/{world.plan.pk}/{page}/"
    )
    assert answer.status_code == 405


@pytest.mark.parametrize("raw", ["123456789012345678901234567890", "=>99999999999999999999", "3/123456789012345678901"])
def test_a_target_too_large_for_its_column_in_a_rimodulazione_is_a_clear_400(world: World, raw: str) -> None:
    from plans.models import IndicatorTarget
    from workflow.models import AuditEntry, PlanVersion, TransitionRequest

    before = (AuditEntry.objects.count(), TransitionRequest.objects.count(), IndicatorTarget.objects.count())
    answer = _client(world.diana).post(
        "/api/changes/",
        {
            "objective": world.objective.pk,
            "motivation": "Nuove risorse",
            "changes": {"indicators": [{"id": world.indicator.pk, "targets": {"2026": raw}}]},
            "act": "Decreto del direttore n. 7",
            "act_date": "2026-05-14",
        },
        content_type="application/json",
    )
    assert answer.status_code == 400, answer.content[:300]
    assert "troppo grande" in answer.content.decode()
    assert "indicators[0].targets.2026" in answer.json()["fields"]
    after = (AuditEntry.objects.count(), TransitionRequest.objects.count(), IndicatorTarget.objects.count())
    assert after == before
    assert not PlanVersion.objects.exists()


def test_a_403_page_says_why(world: World) -> None:
    """The rollover and the PIAO refuse those who see the plan with PermissionDenied and an Italian reason: the
    page must show it, not only a generic «non hai i permessi»."""
    from tests.plan_life import close_year

    close_year(world.plan, world.diana)
    answer = _client(world.anna).get(f"/piani/{world.plan.pk}/anno-successivo/")
    assert answer.status_code == 403
    assert "Il piano dell&#x27;anno successivo lo crea il direttore dell&#x27;ente." in answer.content.decode()
    answer = _client(world.sara).get(f"/piani/{world.plan.pk}/piao/")
    assert answer.status_code == 403
    assert "la prepara il direttore e la consulta l&#x27;OIV" in answer.content.decode()
