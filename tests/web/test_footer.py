"""Every page's footer links the body's accessibility statement and its feedback channel (AgID's guidelines for
public bodies' sites) when the installation sets their addresses, and nothing when it does not."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from tests.web.html import page_text

pytestmark = pytest.mark.django_db
STATEMENT = "https://form.agid.gov.it/view/00000000-0000-0000-0000-000000000000"


def test_the_footer_links_the_statement_and_the_feedback_channel(client: Client, settings: Settings) -> None:
    settings.ACCESSIBILITY_STATEMENT_URL = STATEMENT
    settings.FEEDBACK_URL = "mailto:urp@ente.example.it"
    html = client.get("/accounts/login/").content.decode()
    assert f'<a href="{STATEMENT}">Dichiarazione di accessibilità</a>' in html
    assert '<a href="mailto:urp@ente.example.it">Segnala un problema o un suggerimento</a>' in html


def test_without_addresses_the_footer_names_neither(client: Client, settings: Settings) -> None:
    settings.ACCESSIBILITY_STATEMENT_URL = settings.FEEDBACK_URL = ""
    text = page_text(client.get("/accounts/login/"))
    assert "Dichiarazione di accessibilità" not in text and "Segnala un problema" not in text
