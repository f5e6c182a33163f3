"""The objectives likely to miss, where people see them: the dashboard's panel and the weekly warning by mail,
each scoped to what the person may see (the director all, an area head their areas', staff and other bodies
nothing of others').

Friday 15 May 2026 (the `frozen_today` fixture). SOC-1 (social area) has both its activities past their deadline
and open; TEC-1 (technical area) has its one activity past its deadline; TRA-1 (both areas) has nothing to go
on. The forecast stored that morning says SOC-1 and TEC-1 will likely miss."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings

from evaluation.models import ObjectiveForecast
from evaluation.tasks import store_forecasts
from notifications.dispatch import dispatch
from notifications.models import Message
from plans.models import Activity, Objective, WorkState
from tests.web.helpers import activity, set_state
from tests.workflow.world import World

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")
TODAY = dt.date(2026, 5, 15)
URL = "/scadenze/"


@pytest.fixture(autouse=True)
def memory_mail(settings: Settings) -> Iterator[None]:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    yield


@pytest.fixture
def technical(world: World) -> Objective:
    Activity.objects.filter(objective=world.objective).update(planned_end=dt.date(2026, 4, 30))
    objective = Objective.objects.create(plan=world.plan, code="TEC-1", title="Manutenzione delle sedi")
    objective.areas.add(world.technical)
    activity(objective, "Sopralluoghi", planned_end=dt.date(2026, 4, 1))
    store_forecasts(TODAY.isoformat())
    return objective


def _panel(client: Client, user: User) -> str:
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    found = re.search(r'<section aria-labelledby="titolo-previsioni".*?</section>', html, re.S)
    assert found is not None
    return found.group(0)


def _likely_missed(codes: set[str]) -> set[str]:
    """Counted apart from the dashboard: the objectives among `codes` whose forecast of today says so."""
    rows = ObjectiveForecast.objects.filter(date=TODAY, band=ObjectiveForecast.Band.LIKELY_MISSED)
    return set(rows.filter(objective__code__in=codes).values_list("objective__code", flat=True))


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("diana", {"SOC-1", "TEC-1"}),  # the director
        ("anna", {"SOC-1"}),  # head of the social area
        ("bruno", {"TEC-1"}),  # head of the technical area
        ("erica", set()),  # director of another body
    ],
)
def test_the_dashboard_lists_the_objectives_likely_to_miss_that_the_person_may_see(
    client: Client, world: World, technical: Objective, persona: str, sees: set[str]
) -> None:
    panel = _panel(client, getattr(world, persona))
    listed = {code for code in ("SOC-1", "TEC-1", "TRA-1") if f">{code}</a>" in panel}
    assert listed == sees == _likely_missed(sees)
    if "SOC-1" in sees:
        assert "2 attività su 2 in ritardo" in panel and "probabile mancato raggiungimento" in panel
    if not sees:
        assert "Nessun obiettivo aperto rischia di mancare il traguardo" in panel


def test_a_concluded_objective_leaves_the_panel(client: Client, world: World, technical: Objective) -> None:
    set_state(technical, WorkState.CONCLUSO)
    panel = _panel(client, world.diana)
    assert ">SOC-1</a>" in panel and ">TEC-1</a>" not in panel


def test_the_panel_costs_the_same_queries_for_few_objectives_at_risk_or_many(
    client: Client, world: World, technical: Objective
) -> None:
    client.force_login(world.diana)

    def queries() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL)
        return len(captured), response.content.decode()

    few, _ = queries()
    for number in range(30):
        extra = Objective.objects.create(plan=world.plan, code=f"SOC-X{number:02d}", title=f"Obiettivo {number}")
        extra.areas.add(world.social)
        activity(extra, "Passo", planned_end=dt.date(2026, 4, 30))
    store_forecasts(TODAY.isoformat())
    many, html = queries()
    assert "32 obiettivi rischiano di mancare il traguardo" in html
    assert many == few


def _sent(now: dt.datetime) -> dict[str, str]:
    dispatch(now=now)
    return {message.to[0].split("@")[0]: str(message.body) for message in mail.outbox}


def test_the_weekly_warning_goes_to_the_director_and_the_heads_of_the_areas_concerned(
    world: World, technical: Objective
) -> None:
    warnings = Message.objects.filter(kind=Message.Kind.FORECAST)
    assert {row.recipient.username: sorted(row.context["objectives"]) for row in warnings} == {
        "diana": sorted([world.objective.pk, technical.pk]),
        "anna": [world.objective.pk],
        "bruno": [technical.pk],
    }
    bodies = _sent(dt.datetime(2026, 5, 15, 10, tzinfo=ROME))
    assert set(bodies) == {"diana", "anna", "bruno"}
    assert "Presa in carico unica" in bodies["anna"] and "Manutenzione delle sedi" not in bodies["anna"]
    assert "Manutenzione delle sedi" in bodies["bruno"] and "Presa in carico unica" not in bodies["bruno"]
    assert "Presa in carico unica" in bodies["diana"] and "Manutenzione delle sedi" in bodies["diana"]
    assert "2 obiettivi rischiano di mancare il traguardo" in bodies["diana"]
    assert "2 attività su 2 in ritardo" in bodies["anna"]


def test_one_warning_a_week_however_often_the_forecast_runs(world: World, technical: Objective) -> None:
    before = Message.objects.filter(kind=Message.Kind.FORECAST).count()
    store_forecasts("2026-05-15")
    assert Message.objects.filter(kind=Message.Kind.FORECAST).count() == before
    store_forecasts("2026-05-18")  # Monday: a new week
    assert Message.objects.filter(kind=Message.Kind.FORECAST).count() == 2 * before


def test_at_send_time_the_warning_keeps_only_what_is_still_likely_to_miss(world: World, technical: Objective) -> None:
    set_state(world.objective, WorkState.CONCLUSO)  # closed after the warning was planned
    bodies = _sent(dt.datetime(2026, 5, 15, 10, tzinfo=ROME))
    assert set(bodies) == {"diana", "bruno"}
    assert "Presa in carico unica" not in bodies["diana"] and "Manutenzione delle sedi" in bodies["diana"]
    dropped = Message.objects.get(kind=Message.Kind.FORECAST, recipient=world.anna)
    assert dropped.status == Message.Status.DROPPED and "rischia" in dropped.dropped_reason


def test_a_head_who_left_the_area_is_not_warned_of_it(world: World, technical: Objective) -> None:
    type(world.technical).objects.filter(pk=world.technical.pk).update(head=world.tommaso)
    bodies = _sent(dt.datetime(2026, 5, 15, 10, tzinfo=ROME))
    assert "bruno" not in bodies and "diana" in bodies
