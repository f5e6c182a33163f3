"""The pages' forms under an attacker's input: a NUL in any field is refused naming the field, dates outside
the plan's years are refused with the bounds, and nothing changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client

from notifications.links import AnswerClaim, answer_token
from notifications.models import MonitoringAnswer, MonitoringRound
from tests.web.helpers import database_state
from tests.web.html import page_text
from tests.workflow.world import World
from workflow.services import item_avvia, item_rinvia

pytestmark = pytest.mark.django_db
BOUNDS = "tra il 01/01/2025 e il 31/12/2027"


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("url", "fields", "where"),
    [
        ("/accedi/", {"username": "sara\x00", "password": "segreta"}, "username"),
        ("/accedi/", {"username": "sara", "password": "seg\x00reta"}, "password"),
        ("/password/dimenticata/", {"email": "sara@aurelia.example\x00"}, "email"),
        ("/i18n/setlang/", {"language": "en", "next": "/\x00"}, "next"),
    ],
)
def test_a_nul_in_a_public_form_answers_400_naming_the_field(url: str, fields: dict[str, str], where: str) -> None:
    """The login and password forms answered 200 with Django's message; the session, the user lookup and
    the mail lookup are never reached now."""
    response = Client().post(url, fields)
    assert response.status_code == 400
    html = response.content.decode()
    assert f"<strong>{where}</strong>" in html and "NUL" in html
    assert "_auth_user_id" not in Client().session


def test_a_nul_in_a_transition_or_a_decision_answers_400_naming_the_field(world: World) -> None:
    before = database_state()
    sara = logged_in(world.sara)
    response = sara.post(f"/attivita/{world.activity.pk}/transizioni/", {"transition": "avvia", "comment": "ok\x00"})
    assert response.status_code == 400 and "<strong>comment</strong>" in response.content.decode()
    assert database_state() == before
    pending = item_rinvia(actor=world.sara, item=world.activity, reason="Ferie", new_planned_end=dt.date(2026, 9, 30))
    before = database_state()
    fields = {f"r{pending.request.pk}-decision": "reject", f"r{pending.request.pk}-comment": "no\x00"}
    response = logged_in(world.anna).post(f"/approvazioni/{pending.request.pk}/decisione/", fields)
    assert (
        response.status_code == 400 and f"<strong>r{pending.request.pk}-comment</strong>" in response.content.decode()
    )
    assert database_state() == before


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"transition": "rinvia", "reason": "Ferie", "new_planned_end": "9999-12-31"}, "new_planned_end"),
        ({"transition": "rinvia", "reason": "Ferie", "new_planned_end": "2062-06-30"}, "new_planned_end"),
        ({"transition": "concludi", "actual_end": "0001-01-01"}, "actual_end"),
    ],
)
def test_a_transition_form_with_a_date_outside_the_plans_years_is_refused(
    world: World, fields: dict[str, str], error_field: str
) -> None:
    if fields["transition"] == "concludi":
        item_avvia(actor=world.sara, item=world.activity)
    before = database_state()
    response = logged_in(world.sara).post(f"/attivita/{world.activity.pk}/transizioni/", fields)
    assert response.status_code == 400
    page = response.content.decode()
    form = page[page.index(f'id="azione-{fields["transition"]}"') :]
    form = form[: form.index("</form>")]
    assert f'name="{error_field}"' in form and BOUNDS in form  # shown again, the error next to its field
    assert database_state() == before


def test_the_monthly_update_refuses_a_completion_date_outside_the_plans_years(world: World) -> None:
    item_avvia(actor=world.sara, item=world.activity)
    before = database_state()
    prefix = f"a{world.activity.pk}"
    fields = {f"{prefix}-state": "concluso", f"{prefix}-progress": "100", f"{prefix}-actual_end": "0001-01-01"}
    response = logged_in(world.sara).post(f"/attivita/{world.activity.pk}/aggiornamento/", fields)
    assert response.status_code == 400
    assert BOUNDS in page_text(response)
    assert not MonitoringAnswer.objects.exists()
    assert database_state() == before


def test_the_one_click_answer_refuses_a_completion_date_outside_the_plans_years(world: World) -> None:
    item_avvia(actor=world.sara, item=world.activity)
    monitoring_round = MonitoringRound.objects.create(
        organization=world.aurelia, month=dt.date(2026, 5, 1), planned_on=dt.date(2026, 5, 4)
    )
    link = f"/monitoraggio/{answer_token(AnswerClaim(monitoring_round.pk, world.activity.pk, world.sara.pk))}/"
    response = Client().post(link, {"state": "concluso", "progress": "100", "actual_end": "1999-12-31"})
    assert response.status_code == 400
    assert BOUNDS in page_text(response)
    assert not MonitoringAnswer.objects.exists()  # it used to be stored, and the conclusion asked for
