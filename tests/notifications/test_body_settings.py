"""A body's own timings: read through one selector over the installation's values, used by the scans and the
dispatcher, and changed on the settings page by the body's director (or the operator), nobody else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings

from notifications.body_settings import installation_timings, timings_for, timings_of
from notifications.dispatch import due_by_recipient
from notifications.models import BodySettings, Message, Preference
from notifications.scans import plan_deadline_reminders
from plans.models import Activity, Organization
from tests.workflow.world import World

pytestmark = pytest.mark.django_db

ROME = dt.timezone(dt.timedelta(hours=2))
PAGE = "/impostazioni-ente/{}/"


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_body_without_settings_has_the_installations_and_one_with_them_its_own(
    world: World, settings: Settings
) -> None:
    settings.APPROVAL_REMINDER_AFTER_WORKING_DAYS = 4
    BodySettings.objects.create(organization=world.aurelia, reminder_leads="10, 3,10", digest_hour=7)
    aurelia, borgo = timings_of(world.aurelia), timings_of(world.borgo)
    assert borgo == installation_timings()
    assert (aurelia.reminder_leads, aurelia.digest_hour, aurelia.approval_reminder_after) == ((10, 3), 7, 4)
    assert aurelia.escalation_after == settings.ESCALATION_AFTER_WORKING_DAYS
    assert timings_for([]) == {}


def test_the_deadline_scan_reminds_at_each_bodys_own_leads(world: World) -> None:
    """Activity 1 is due Tuesday 30 June 2026. Aurelia reminds 3 working days before (Thursday 25 June) only."""
    BodySettings.objects.create(organization=world.aurelia, reminder_leads="3")
    Activity.objects.exclude(pk=world.activity.pk).update(planned_end=None)
    world.objective.__class__.objects.update(planned_end=None)
    reminded = []
    day = dt.date(2026, 6, 1)
    while day <= dt.date(2026, 6, 30):
        if plan_deadline_reminders(day):
            reminded.append(day)
        day += dt.timedelta(days=1)
    assert reminded == [dt.date(2026, 6, 25)]
    assert Message.objects.get().period == "2026-06-30:3"


def test_a_daily_digest_waits_for_its_bodys_hour(world: World) -> None:
    Preference.objects.create(user=world.sara, delivery=Preference.Delivery.DAILY)
    BodySettings.objects.create(organization=world.aurelia, digest_hour=11)
    Message.objects.create(
        kind=Message.Kind.DEADLINE,
        organization=world.aurelia,
        recipient=world.sara,
        target=f"activity:{world.activity.pk}",
        period="2026-06-30:7",
        due_on=dt.date(2026, 6, 19),
        next_attempt_at=dt.datetime(2026, 6, 19, 0, 0, tzinfo=ROME),
    )
    assert due_by_recipient(dt.datetime(2026, 6, 19, 10, 30, tzinfo=ROME)) == {}  # the installation's 8 has passed
    assert list(due_by_recipient(dt.datetime(2026, 6, 19, 11, 0, tzinfo=ROME))) == [world.sara.pk]


def test_the_director_sets_the_bodys_timings_and_patron_saint(world: World) -> None:
    world.activity.next_reminder_on = dt.date(2026, 6, 10)
    world.activity.save(update_fields=["next_reminder_on"])
    client = client_for(world.diana)
    assert client.get("/impostazioni-ente/")["Location"] == PAGE.format(world.aurelia.pk)
    page = client.get(PAGE.format(world.aurelia.pk))
    assert page.status_code == 200
    assert 'placeholder="14,7,1"' in page.content.decode()
    answer = client.post(
        PAGE.format(world.aurelia.pk),
        {"reminder_leads": "20, 5", "approval_reminder_after": "2", "digest_hour": "7", "patron_saint_day": "12-07"},
    )
    assert answer.status_code == 302
    row = BodySettings.objects.get(organization=world.aurelia)
    assert (row.reminder_leads, row.approval_reminder_after, row.digest_hour, row.escalation_after) == (
        "20, 5",
        2,
        7,
        None,
    )
    assert Organization.objects.get(pk=world.aurelia.pk).patron_saint_day == "12-07"
    # The leads changed: the next scan works the activity's reminder day out again.
    world.activity.refresh_from_db()
    assert world.activity.next_reminder_on is None
    page = client.get(PAGE.format(world.aurelia.pk)).content.decode()
    assert "Impostazioni di Comune di Aurelia salvate." in page
    assert "Promemoria di una scadenza al referente, in giorni lavorativi prima: 20, 5." in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"reminder_leads": "14 e 7"}, "reminder_leads", "numeri separati da virgole, ad esempio 14,7,1"),
        ({"approval_reminder_after": "0"}, "approval_reminder_after", "maggiore o uguale a 1"),
        ({"digest_hour": "24"}, "digest_hour", "minore o uguale a 23"),
        ({"patron_saint_day": "31/12"}, "patron_saint_day", "nel formato MM-GG"),
        (
            {"approval_reminder_after": "6"},
            "approval_escalation_after",
            "deve venire dopo il sollecito (6 giorni lavorativi)",
        ),
    ],
)
def test_a_wrong_value_is_refused_where_it_is_written_and_changes_nothing(
    world: World, data: dict[str, str], field: str, message: str
) -> None:
    answer = client_for(world.diana).post(PAGE.format(world.aurelia.pk), data)
    assert answer.status_code == 400
    assert message in " ".join(answer.context["form"].errors[field])
    assert "Le impostazioni non sono state salvate: correggi i campi indicati." in answer.content.decode()
    assert not BodySettings.objects.exists()
    assert Organization.objects.get(pk=world.aurelia.pk).patron_saint_day == ""


def test_nobody_but_the_bodys_director_or_the_operator_sees_or_changes_them(world: World) -> None:
    for person in (world.anna, world.sara, world.otto, world.erica):
        client = client_for(person)
        assert client.get(PAGE.format(world.aurelia.pk)).status_code == 404
        assert client.post(PAGE.format(world.aurelia.pk), {"digest_hour": "3"}).status_code == 404
    assert not BodySettings.objects.exists()
    assert client_for(world.anna).get("/impostazioni-ente/").status_code == 403
    operator = User.objects.create_superuser("operatore", "operatore@regione.example", "segreta")
    index = client_for(operator).get("/impostazioni-ente/")
    assert [body.name for body in index.context["bodies"]] == ["Comune di Aurelia", "Comune di Borgo"]
    assert client_for(operator).post(PAGE.format(world.borgo.pk), {"digest_hour": "9"}).status_code == 302
    assert BodySettings.objects.get().organization == world.borgo


def test_a_day_that_no_year_has_is_refused_as_patron_saint(world: World) -> None:
    answer = client_for(world.diana).post(PAGE.format(world.aurelia.pk), {"patron_saint_day": "02-30"})
    assert answer.status_code == 400
    assert answer.context["form"].errors["patron_saint_day"] == [
        "«02-30» non è un giorno dell'anno nel formato MM-GG, ad esempio 06-24."
    ]
    assert client_for(world.diana).post(PAGE.format(world.aurelia.pk), {"patron_saint_day": "02-29"}).status_code == 302


def test_a_person_of_two_bodies_gets_the_digest_at_the_earliest_of_their_hours(world: World) -> None:
    Preference.objects.create(user=world.sara, delivery=Preference.Delivery.DAILY)
    BodySettings.objects.create(organization=world.aurelia, digest_hour=11)
    BodySettings.objects.create(organization=world.borgo, digest_hour=9)
    for body in (world.aurelia, world.borgo):
        Message.objects.create(
            kind=Message.Kind.DEADLINE,
            organization=body,
            recipient=world.sara,
            target=f"activity:{world.activity.pk}",
            period=f"{body.slug}",
            due_on=dt.date(2026, 6, 19),
            next_attempt_at=dt.datetime(2026, 6, 19, 0, 0, tzinfo=ROME),
        )
    assert due_by_recipient(dt.datetime(2026, 6, 19, 8, 30, tzinfo=ROME)) == {}
    assert len(due_by_recipient(dt.datetime(2026, 6, 19, 9, 0, tzinfo=ROME))[world.sara.pk]) == 2


def test_the_operator_in_the_admin_gets_the_same_checks_and_a_deletion_recounts(world: World) -> None:
    operator = User.objects.create_superuser("operatore", "operatore@regione.example", "segreta")
    client = client_for(operator)
    refused = client.post(
        "/admin/notifications/bodysettings/add/",
        {"organization": world.aurelia.pk, "approval_reminder_after": "6", "approval_escalation_after": "4"},
    )
    assert refused.status_code == 200
    assert "deve venire dopo il sollecito (6 giorni lavorativi)" in refused.content.decode()
    assert not BodySettings.objects.exists()
    row = BodySettings.objects.create(organization=world.aurelia, reminder_leads="3")
    world.activity.next_reminder_on = dt.date(2026, 6, 25)
    world.activity.save(update_fields=["next_reminder_on"])
    assert client.post(f"/admin/notifications/bodysettings/{row.pk}/delete/", {"post": "yes"}).status_code == 302
    world.activity.refresh_from_db()
    assert world.activity.next_reminder_on is None  # worked out again under the installation's leads
