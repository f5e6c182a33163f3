"""Mail that mail systems handle (issue 21), through a real SMTP server on loopback: every kind of mail carries
List-Unsubscribe with List-Unsubscribe-Post (RFC 8058), Auto-Submitted (RFC 3834) and the Precedence /
X-Auto-Response-Suppress pair, and its subject decodes to exactly what was written. Following the one-click POST
switches Diana to the daily digest, and the next run keeps her mail for the digest hour; a tampered or expired link
changes nothing."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import signing
from django.core.mail import mailers
from django.test import Client
from pytest_django.fixtures import Settings

from config.env import mailer_from_url
from notifications.dispatch import ANSWERS, dispatch
from notifications.mails import compose
from notifications.models import Message, Preference
from notifications.unsubscribe import SALT, less_mail_token
from tests.notifications.sink import Sink
from tests.web.test_links import configured, one_of_each_kind  # noqa: F401  # `configured`: the site's address
from tests.workflow.world import World

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")
NOW = dt.datetime(2026, 5, 15, 10, 0, tzinfo=ROME)
ONE_CLICK = "List-Unsubscribe=One-Click"


@pytest.fixture
def smtp(sink: Sink, settings: Settings) -> Sink:
    sink.reset()
    settings.MAILERS = {"default": mailer_from_url(f"smtp://127.0.0.1:{sink.port}", django_settings.BASE_DIR)}
    return sink


def link_of(header: str) -> str:
    found = re.fullmatch(r"<(https://[^>]+)>", header)  # RFC 8058: the one-click link is HTTPS
    assert found is not None, header
    return found[1]


def test_every_kind_of_mail_says_it_is_automatic_and_offers_one_click_less_mail(world: World, smtp: Sink) -> None:
    rows = one_of_each_kind(world)
    sent = []
    for row in Message.objects.filter(pk__in=[r.pk for r in rows]).select_related("recipient", "organization"):
        composed = compose([row], NOW)
        sent.append(composed.subject)
        mailers["default"].send_messages([composed])
    received = smtp.wait_for(len(rows))
    assert len(received) == len(rows) == len(Message.Kind.values)
    for mail, subject in zip(received, sent, strict=True):
        headers = mail.headers
        assert headers["Auto-Submitted"] == "auto-generated"
        assert headers["Precedence"] == "bulk" and headers["X-Auto-Response-Suppress"] == "All"
        assert headers["List-Unsubscribe-Post"] == ONE_CLICK
        link = link_of(headers["List-Unsubscribe"])
        assert link.startswith(f"{django_settings.SITE_URL}/posta/meno/")
        assert link in mail.text, mail.text[-600:]
        assert link in mail.html.replace("&amp;", "&"), mail.html[-900:]  # the footer's link is the same page
        assert mail.subject == subject and "  " not in mail.subject and "\n" not in mail.subject, repr(mail.raw_subject)


def test_the_one_click_post_switches_to_the_digest_and_the_next_run_keeps_to_it(world: World, smtp: Sink) -> None:
    rows = one_of_each_kind(world)
    mail = compose([Message.objects.select_related("recipient", "organization").get(pk=rows[0].pk)], NOW)
    mailers["default"].send_messages([mail])
    [received] = smtp.wait_for(1)
    path = urlsplit(link_of(received.headers["List-Unsubscribe"])).path
    opened = Client().get(path)  # a link scanner, or Diana reading first: nothing changes
    assert opened.status_code == 200 and "un solo riepilogo al giorno" in opened.content.decode()
    assert not Preference.objects.filter(user=world.diana).exists()
    answer = Client().post(path, ONE_CLICK, content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 200
    assert Preference.objects.get(user=world.diana).delivery == Preference.Delivery.DAILY

    smtp.reset()
    Message.objects.filter(status=Message.Status.PENDING).exclude(recipient=world.diana).delete()
    answers = Message.objects.filter(recipient=world.diana, kind__in=ANSWERS).count()
    assert answers > 0
    with time_machine.travel(dt.datetime(2026, 5, 18, 7, 0, tzinfo=ROME), tick=False):  # Monday
        # Before the digest hour only the answers to what she asked go out (as for every digest reader).
        assert dispatch().messages == answers
    with time_machine.travel(dt.datetime(2026, 5, 18, 12, 0, tzinfo=ROME), tick=False):
        assert dispatch().mails == 0  # one mail a day: the rest waits for tomorrow's digest
    with time_machine.travel(dt.datetime(2026, 5, 19, 8, 0, tzinfo=ROME), tick=False):
        assert dispatch().mails == 1  # the rest: one digest
    first, digest = smtp.wait_for(2)
    assert len(first.message_ids) == answers and digest.message_ids  # the rest still current, in one mail
    assert not Message.objects.filter(recipient=world.diana, status=Message.Status.PENDING).exists()


def test_a_tampered_or_expired_link_changes_nothing(world: World) -> None:
    token = less_mail_token(world.diana)
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    refused = Client().post(f"/posta/meno/{tampered}/", ONE_CLICK, content_type="application/x-www-form-urlencoded")
    assert refused.status_code == 400 and "non è valido" in refused.content.decode()
    forged = signing.dumps(world.diana.pk, salt=SALT, key="not-the-site-key")  # signed by someone else
    assert Client().post(f"/posta/meno/{forged}/").status_code == 400
    later = dt.datetime.now(tz=ROME) + dt.timedelta(days=django_settings.UNSUBSCRIBE_LINK_MAX_AGE_DAYS + 1)
    with time_machine.travel(later, tick=False):
        expired = Client().post(f"/posta/meno/{token}/", ONE_CLICK, content_type="application/x-www-form-urlencoded")
    assert expired.status_code == 410 and "scaduto" in expired.content.decode()
    assert not Preference.objects.filter(user__in=[world.diana, world.sara]).exists()


def test_a_link_for_an_old_address_or_a_switched_off_account_changes_nothing(world: World) -> None:
    token = less_mail_token(world.sara)
    world.sara.email = "sara.nuova@aurelia.example"
    world.sara.save(update_fields=["email"])
    changed = Client().post(f"/posta/meno/{token}/", ONE_CLICK, content_type="application/x-www-form-urlencoded")
    assert changed.status_code == 410 and "non ha più" in changed.content.decode()
    token = less_mail_token(world.sara)
    world.sara.is_active = False
    world.sara.save(update_fields=["is_active"])
    switched_off = Client().post(f"/posta/meno/{token}/")
    assert switched_off.status_code == 403 and "non è più attivo" in switched_off.content.decode()
    assert not Preference.objects.filter(user=world.sara).exists()


def test_someone_already_on_the_digest_is_told_so_not_that_something_changed(world: World) -> None:
    Preference.objects.create(user=world.diana, delivery=Preference.Delivery.DAILY)
    answer = Client().post(
        f"/posta/meno/{less_mail_token(world.diana)}/", ONE_CLICK, content_type="application/x-www-form-urlencoded"
    )
    page = answer.content.decode()
    assert answer.status_code == 200 and "ricevi già un solo riepilogo al giorno" in page and "Fatto" not in page


def test_over_plain_http_the_mail_offers_the_page_but_no_one_click(world: World, settings: Settings) -> None:
    settings.SITE_URL = "http://traguardi.intranet.example"
    rows = one_of_each_kind(world)
    mail = compose([Message.objects.select_related("recipient", "organization").get(pk=rows[0].pk)], NOW)
    raw = mail.message().as_bytes().decode("ascii")
    assert "List-Unsubscribe: <http://traguardi.intranet.example/posta/meno/" in raw
    assert "List-Unsubscribe-Post" not in raw and "Auto-Submitted: auto-generated" in raw


def test_the_parts_keep_short_encoded_lines_and_the_headers_are_not_folded(world: World) -> None:
    rows = one_of_each_kind(world)
    mail = compose(
        list(Message.objects.select_related("recipient", "organization").filter(pk__in=[r.pk for r in rows])), NOW
    )
    raw = mail.message().as_bytes()
    head, _blank, body = raw.partition(b"\n\n")
    assert all(len(line) <= 998 for line in head.split(b"\n"))
    assert b"\n " not in head.split(b"\nList-Unsubscribe:")[0].split(b"Subject:")[-1]  # the subject: one line
    assert max(len(line) for line in body.split(b"\n")) <= 78  # quoted-printable or base64, as RFC 2045 wants
