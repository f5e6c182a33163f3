"""One-click monthly answers check again, when the link is opened and when the answer is posted, that the
activity is still the person's and still open and that the person is still active: a link mailed on the
first of the month must not let its reader report on work given to someone else since. The same holds for
the monthly update on /le-mie-attivita/, which records its answer the same way."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client

from notifications.links import AnswerClaim, answer_token
from notifications.models import MonitoringAnswer, MonitoringRound
from plans.models import Activity, WorkState
from tests.web.helpers import database_state
from tests.web.html import page_text
from tests.workflow.world import World
from workflow.models import TransitionRequest

pytestmark = pytest.mark.django_db
ANSWER = {"state": "avviato", "progress": "30", "note": "Tre sportelli su cinque"}
REASSIGNED = "Questa attività ora è affidata a un'altra persona, che ne darà l'aggiornamento"
CLOSED = "Questa attività è già conclusa e non ha più bisogno dell'aggiornamento mensile"


def links(world: World) -> dict[str, str]:
    """Sara's one-click links of May, for her two activities, as the monthly mail carried them."""
    Activity.objects.filter(pk=world.second_activity.pk).update(owner=world.sara)
    may = MonitoringRound.objects.create(
        organization=world.aurelia, month=dt.date(2026, 5, 1), planned_on=dt.date(2026, 5, 4)
    )
    return {
        name: f"/monitoraggio/{answer_token(AnswerClaim(may.pk, activity.pk, world.sara.pk))}/"
        for name, activity in (("first", world.activity), ("second", world.second_activity))
    }


def reassign(world: World) -> None:
    Activity.objects.filter(pk=world.activity.pk).update(owner=world.tommaso)


def conclude(world: World) -> None:
    # The state field is protected: the test writes the column as the workflow would have.
    Activity.objects.filter(pk=world.activity.pk).update(state=WorkState.CONCLUSO, actual_end=dt.date(2026, 5, 14))


@pytest.mark.parametrize(("change", "explanation"), [(reassign, REASSIGNED), (conclude, CLOSED)])
def test_a_link_to_an_activity_reassigned_or_concluded_since_the_mail_explains_and_records_nothing(
    world: World, change: object, explanation: str
) -> None:
    link = links(world)["first"]
    change(world)  # type: ignore[operator]
    before = database_state()
    client = Client()
    opened = client.get(link)
    assert opened.status_code == 409
    assert explanation in page_text(opened)
    assert 'name="progress"' not in opened.content.decode()  # no answer form
    posted = client.post(link, {**ANSWER, "state": "concluso", "progress": "100"})
    assert posted.status_code == 409
    assert explanation in page_text(posted)
    assert database_state() == before  # no answer, no transition asked for


def test_an_answer_posted_after_the_activity_changed_hands_is_refused_though_the_page_was_shown(
    world: World,
) -> None:
    """The page was opened while the activity was still sara's; it was reassigned before she posted."""
    link = links(world)["first"]
    client = Client()
    assert client.get(link).status_code == 200
    reassign(world)
    before = database_state()
    posted = client.post(link, ANSWER)
    assert posted.status_code == 409
    assert REASSIGNED in page_text(posted)
    assert database_state() == before
    assert not TransitionRequest.objects.exists()


def test_the_original_owner_still_answers_for_the_activities_still_hers(world: World) -> None:
    sent = links(world)
    reassign(world)
    client = Client()
    assert client.get(sent["second"]).status_code == 200
    done = client.post(sent["second"], ANSWER)
    assert done.status_code == 200
    answer = MonitoringAnswer.objects.get()
    assert (answer.activity, answer.respondent, answer.progress) == (world.second_activity, world.sara, 30)
    assert client.post(sent["first"], ANSWER).status_code == 409
    assert MonitoringAnswer.objects.count() == 1


def test_a_link_of_a_person_whose_account_was_switched_off_explains_and_records_nothing(world: World) -> None:
    link = links(world)["first"]
    User.objects.filter(pk=world.sara.pk).update(is_active=False)
    before = database_state()
    for response in (Client().get(link), Client().post(link, ANSWER)):
        assert response.status_code == 403
        assert "Il tuo account non è più attivo" in page_text(response)
    assert database_state() == before


def test_a_link_already_used_says_so_even_when_its_answer_concluded_the_activity(world: World) -> None:
    """Sara answered "started" through the link, which started the activity; later it was concluded. The
    link is spent: that is what its page says, not that the activity is closed."""
    link = links(world)["first"]
    client = Client()
    assert client.post(link, ANSWER).status_code == 200
    conclude(world)
    again = client.get(link)
    assert again.status_code == 409
    assert "già stata data una risposta" in page_text(again)


UPDATE_PAGE = "/le-mie-attivita/"


def in_app_answer(world: World) -> dict[str, str]:
    return {f"a{world.activity.pk}-{name}": value for name, value in ANSWER.items()}


def test_the_in_app_update_of_a_concluded_activity_is_refused_with_the_reason_and_records_nothing(
    world: World,
) -> None:
    """Sara still owns the activity, but it is concluded: the form is not shown, and a posted update (an
    old tab, a crafted request) is refused; no monthly round is planned for it either."""
    conclude(world)
    client = Client()
    client.force_login(world.sara)
    before = database_state()
    response = client.post(f"/attivita/{world.activity.pk}/aggiornamento/", in_app_answer(world), follow=True)
    assert response.redirect_chain == [(UPDATE_PAGE, 302)]
    assert CLOSED in page_text(response)
    assert database_state() == before
