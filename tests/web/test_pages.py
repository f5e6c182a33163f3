"""The other pages: the home page of each role, signing in and out, the password reset by mail, the plans,
the profile with its calendar address, the language switch and the error pages."""

from __future__ import annotations

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.http import HttpRequest
from django.test import Client
from pytest_django.fixtures import Settings

from notifications.models import CalendarFeed
from plans.models import Activity, Plan, WorkState
from tests.web.helpers import database_state, indicator_values, set_state
from tests.web.html import Page, page_text
from tests.workflow.world import World
from workflow.services import item_rinvia

pytestmark = pytest.mark.django_db


def logged_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


# Home


def test_an_anonymous_visitor_gets_the_landing_page_with_a_login_link(client: Client, world: World) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "Il ciclo della performance" in page_text(response)
    assert '<a class="btn btn-primary" href="/accedi/">Accedi</a>' in response.content.decode()
    assert "Scadenze mancate" not in page_text(response)


def test_the_director_home_counts_the_slipped_deadlines(client: Client, world: World) -> None:
    Activity.objects.filter(pk=world.second_activity.pk).update(planned_end=dt.date(2026, 4, 30))
    text = page_text(logged_in(client, world.diana).get("/"))
    assert "Buongiorno, Diana" in text
    assert "Scadenze mancate 1 attività o obiettivo in ritardo, concluso in ritardo o rinviato" in text
    assert "Approvazioni 0 richieste attendono la tua decisione" in text


def test_the_head_home_counts_the_requests_awaiting_her(client: Client, world: World) -> None:
    item_rinvia(actor=world.sara, item=world.activity, reason="Ferie", new_planned_end=dt.date(2026, 9, 30))
    response = logged_in(client, world.anna).get("/")
    text = page_text(response)
    assert "Approvazioni 1 richiesta attende la tua decisione" in text
    assert 'href="/approvazioni/">Apri le approvazioni</a>' in response.content.decode()


def test_the_staff_home_shows_her_activities_and_next_deadlines(client: Client, world: World) -> None:
    overdue = Activity.objects.create(
        objective=world.objective,
        position=3,
        description="Censimento",
        planned_end=dt.date(2026, 5, 1),
        owner=world.sara,
    )
    set_state(overdue, WorkState.AVVIATO)
    text = page_text(logged_in(client, world.sara).get("/"))
    assert "Le mie attività 2 attività aperte, 1 scaduta" in text
    assert "Prossime scadenze 30/06/2026: Mappatura degli sportelli" in text
    assert "Scadenze mancate" not in text and "Apri le approvazioni" not in text


# Signing in and out


def test_signing_in_leads_home_or_where_the_person_was_going(world: World) -> None:
    client = Client()
    assert client.get("/accedi/").status_code == 200
    response = client.post("/accedi/", {"username": "sara", "password": "segreta"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "Buongiorno, Sara" in page_text(client.get("/"))
    other = Client()
    going = other.post("/accedi/?next=/piani/", {"username": "anna", "password": "segreta", "next": "/piani/"})
    assert going["Location"] == "/piani/"


def test_a_wrong_password_is_refused_in_italian(world: World) -> None:
    client = Client()
    response = client.post("/accedi/", {"username": "sara", "password": "sbagliata"})
    assert response.status_code == 200
    assert "Inserisci nome utente e password corretti" in page_text(response)
    assert client.get("/le-mie-attivita/").status_code == 302


def test_signing_out_is_a_post_and_ends_the_session(client: Client, world: World) -> None:
    logged_in(client, world.sara)
    assert client.get("/esci/").status_code == 405
    response = client.post("/esci/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/le-mie-attivita/")["Location"] == "/accedi/?next=/le-mie-attivita/"


def test_a_forgotten_password_is_reset_through_the_link_sent_by_mail(world: World) -> None:
    client = Client()
    response = client.post("/password/dimenticata/", {"email": "sara@aurelia.example"})
    assert response.status_code == 302 and response["Location"] == "/password/inviata/"
    [sent] = mail.outbox
    assert sent.to == ["sara@aurelia.example"]
    found = re.search(r"https?://[^/\s]+(/password/nuova/[^\s]+/)", str(sent.body))
    assert found is not None, sent.body
    assert "Gentile Sara," in sent.body and "speriamo" not in sent.body
    form = client.get(found.group(1), follow=True)
    assert form.status_code == 200 and "Scegli la nuova password" in page_text(form)
    form_url = form.redirect_chain[-1][0]
    new_password = "Girasole-Alto-2026"
    saved = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert saved.status_code == 302 and saved["Location"] == "/password/fatto/"
    # django-axes wants the request of a login, to count its failures by address.
    assert Client().login(request=HttpRequest(), username="sara", password=new_password)
    assert not Client().login(request=HttpRequest(), username="sara", password="segreta")
    used_again = client.get(found.group(1), follow=True)
    assert "Il link non è più valido" in page_text(used_again)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(world: World) -> None:
    response = Client().post("/password/dimenticata/", {"email": "nessuno@example.it"})
    assert response["Location"] == "/password/inviata/"
    assert mail.outbox == []


# Plans


def test_the_plans_page_lists_the_plans_of_ones_organization(client: Client, world: World) -> None:
    text = page_text(logged_in(client, world.sara).get("/piani/"))
    assert "Comune di Aurelia PEG-2026 — PEG 2026 2026 2" in text
    assert "Nessun piano da mostrare." in page_text(logged_in(client, world.erica).get("/piani/"))


def test_the_plan_tree_shows_objectives_activities_and_indicators(client: Client, world: World) -> None:
    indicator_values(world.indicator, 2026, expected="100", actual="85")
    response = logged_in(client, world.diana).get(f"/piani/{world.plan.pk}/")
    assert response.status_code == 200
    text = page_text(response)
    assert "Obiettivo SOC-1 : Presa in carico unica Programmato Servizi sociali" in text
    assert "Cartella sociale informatizzata" in text and "Servizi sociali, Servizi tecnici" in text
    assert "Mappatura degli sportelli — Tempi: Giugno; Consuntivo: —" in text
    assert "Utenti presi in carico (n.): atteso 2026 100; consuntivo 2026 85" in text
    page = response.content.decode()
    assert f'href="/attivita/{world.activity.pk}/"' in page and f'href="/obiettivi/{world.transversal.pk}/"' in page


def test_the_plan_tree_of_a_head_shows_only_her_objectives(client: Client, world: World) -> None:
    response = logged_in(client, world.bruno).get(f"/piani/{world.plan.pk}/")
    text = page_text(response)
    assert "Cartella sociale informatizzata" in text
    assert "Presa in carico unica" not in text


def test_another_organizations_plan_is_not_found(client: Client, world: World) -> None:
    other = Plan.objects.create(
        organization=world.borgo, code="PEG-B", kind=Plan.Kind.PEG, title="PEG di Borgo", year_start=2026, year_end=2026
    )
    logged_in(client, world.anna)
    assert client.get(f"/piani/{other.pk}/").status_code == 404
    assert "PEG di Borgo" not in client.get("/piani/").content.decode()
    assert logged_in(client, world.erica).get(f"/piani/{world.plan.pk}/").status_code == 404


# Profile and calendar


def feed_path(response: Page) -> str:
    address = r'id="indirizzo-calendario"[^>]*value="https?://[^/"]+(/calendario/[^"]+\.ics)"'
    found = re.search(address, response.content.decode())
    assert found is not None
    return found.group(1)


def test_the_profile_shows_the_calendar_address_and_a_new_one_replaces_it(client: Client, world: World) -> None:
    logged_in(client, world.sara)
    old = feed_path(client.get("/profilo/"))
    calendar = Client().get(old)
    assert calendar.status_code == 200 and calendar["Content-Type"].startswith("text/calendar")
    assert "Mappatura degli sportelli" in calendar.content.decode()
    assert client.get("/profilo/calendario/nuovo/").status_code == 405
    response = client.post("/profilo/calendario/nuovo/", follow=True)
    assert response.redirect_chain == [("/profilo/", 302)]
    assert "Nuovo indirizzo del calendario creato: quello vecchio non funziona più." in page_text(response)
    new = feed_path(response)
    assert new != old
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    assert CalendarFeed.objects.filter(user=world.sara).count() == 1


# Language


def test_switching_to_english_sets_the_cookie_and_the_page_language(client: Client, world: World) -> None:
    logged_in(client, world.sara)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/le-mie-attivita/"})
    assert response.status_code == 302 and response["Location"] == "/le-mie-attivita/"
    assert response.cookies["django_language"].value == "en"
    page = client.get("/le-mie-attivita/")
    assert '<html lang="en">' in page.content.decode()
    assert '<html lang="it">' in Client().get("/").content.decode()


# Errors


def test_an_unknown_address_gets_the_404_page_in_the_site_layout(
    client: Client, world: World, settings: Settings
) -> None:
    settings.DEBUG = False
    logged_in(client, world.sara)
    response = client.get("/non-esiste/")
    assert response.status_code == 404
    text = page_text(response)
    assert "Pagina non trovata" in text and "Questa pagina non esiste" in text
    page = response.content.decode()
    assert 'href="/le-mie-attivita/"' in page and 'action="/esci/"' in page  # the layout: menu and header
    assert logged_in(client, world.tommaso).get(f"/attivita/{world.activity.pk}/").status_code == 404


def test_a_form_without_its_csrf_token_gets_the_italian_expired_form_page(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.sara)
    feed = CalendarFeed.objects.create(user=world.sara)
    before = database_state()
    response = client.post("/profilo/calendario/nuovo/")
    assert response.status_code == 403
    text = page_text(response)
    assert "Modulo scaduto" in text and "Non è stato salvato nulla" in text
    assert database_state() == before
    assert CalendarFeed.objects.get(user=world.sara).token == feed.token  # the old address still works
    refused = client.post(f"/attivita/{world.activity.pk}/transizioni/", {"transition": "avvia"})
    assert refused.status_code == 403
    world.activity.refresh_from_db()
    assert world.activity.state == WorkState.PROGRAMMATO


def swapped(config: dict[str, list[dict[str, object]]], status: int) -> bool:
    """Whether htmx puts an answer with `status` in the page: the first rule whose code matches decides."""
    rule = next(rule for rule in config["responseHandling"] if re.search(str(rule["code"]), str(status)))
    return bool(rule["swap"])


def test_htmx_shows_the_fragments_that_explain_a_refusal(client: Client, world: World) -> None:
    # The dashboard answers a bad filter with 400 and the inbox a refused decision with 400 or 409, each with a
    # fragment that says why; htmx drops 4xx answers unless told otherwise, leaving the person with no answer.
    page = logged_in(client, world.anna).get("/approvazioni/").content.decode()
    found = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', page)
    assert found is not None
    config = json.loads(found.group(1))
    assert [swapped(config, status) for status in (200, 204, 302, 400, 409, 403, 404, 500)] == [
        True,
        False,
        True,
        True,
        True,
        False,
        False,
        False,
    ]


PAGES = [
    "/",
    "/scadenze/",
    "/approvazioni/",
    "/le-mie-attivita/",
    "/piani/",
    "/piani/{plan}/",
    "/attivita/{activity}/",
    "/attivita/{second}/",
    "/obiettivi/{objective}/",
    "/obiettivi/{transversal}/",
    "/profilo/",
    "/password/cambia/",
]


@pytest.mark.parametrize("persona", ["diana", "anna", "bruno", "sara", "tommaso", "otto", "erica", None])
def test_no_page_fails_for_anyone(client: Client, world: World, settings: Settings, persona: str | None) -> None:
    settings.DEBUG = False
    item_rinvia(actor=world.sara, item=world.activity, reason="Ferie", new_planned_end=dt.date(2026, 9, 30))
    if persona:
        logged_in(client, getattr(world, persona))
    ids = {
        "plan": world.plan.pk,
        "activity": world.activity.pk,
        "second": world.second_activity.pk,
        "objective": world.objective.pk,
        "transversal": world.transversal.pk,
    }
    for page in PAGES:
        response = client.get(page.format(**ids))
        assert response.status_code in (200, 302, 404), (page, response.status_code)
        if persona is None and page != "/":
            assert response.status_code == 302 and response["Location"].startswith("/accedi/?next=")


@pytest.mark.parametrize(
    ("hour", "greeting"),
    [
        (5, "Buongiorno"),
        (13, "Buongiorno"),
        (14, "Buon pomeriggio"),
        (17, "Buon pomeriggio"),
        (18, "Buonasera"),
        (23, "Buonasera"),
        (2, "Buonasera"),
    ],
)
def test_the_home_greets_as_the_hour_wants(client: Client, world: World, hour: int, greeting: str) -> None:
    with time_machine.travel(dt.datetime(2026, 5, 15, hour, 30, tzinfo=ZoneInfo("Europe/Rome")), tick=False):
        assert f"{greeting}, Sara" in page_text(logged_in(client, world.sara).get("/"))
