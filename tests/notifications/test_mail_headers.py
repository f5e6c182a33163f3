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
    found = re.fullmatch(r"<(https?://[^>]+)>", header)
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
    token = less_mail_token(world.diana.pk)
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
