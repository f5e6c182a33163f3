"""The monitoring report from the plan's page: the date and format chosen, bad input explained, outsiders kept out."""

from __future__ import annotations

import datetime as dt
import html
import io

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from tests.reports import as_of_story as story
from tests.reports.as_of_story import Story

pytestmark = pytest.mark.django_db
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def told(db: None) -> Story:
    return story.tell()


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def get(told: Story, user: User, **query: str) -> object:
    return client_for(user).get(reverse("reports:monitoring", args=[told.world.plan.pk]), query)


def page_text(response: object) -> str:
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


def test_the_director_downloads_the_pdf_as_at_today(told: Story) -> None:
    response = get(told, told.world.diana, al=told.today.isoformat(), formato="pdf")
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"  # type: ignore[index]
    name = f"monitoraggio-PEG-2026-{told.today:%Y-%m-%d}.pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'  # type: ignore[index]
    reader = PdfReader(io.BytesIO(response.content))  # type: ignore[attr-defined]
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert f"Monitoraggio intermedio al {told.today:%d/%m/%Y}" in text
    assert "Concluso" in text and story.SECOND_NOTE in text


def test_the_area_head_downloads_the_docx_in_the_italian_date_form(told: Story) -> None:
    response = get(told, told.world.anna, al=f"{told.today:%d/%m/%Y}", formato="docx")
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response["Content-Type"] == DOCX  # type: ignore[index]
    document = Document(io.BytesIO(response.content))  # type: ignore[attr-defined]
    assert document.paragraphs[0].text == f"Monitoraggio intermedio al {told.today:%d/%m/%Y}"


def test_a_date_before_the_plans_objectives_existed_gives_a_report_that_says_so(told: Story) -> None:
    yesterday = told.today - dt.timedelta(days=1)
    response = get(told, told.world.diana, al=yesterday.isoformat(), formato="docx")
    assert response.status_code == 200  # type: ignore[attr-defined]
    text = " ".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)  # type: ignore[attr-defined]
    expected = f"non aveva ancora obiettivi in Traguardi: il primo è stato inserito il {told.today:%d/%m/%Y}"
    assert expected in text


def test_a_user_of_another_organization_gets_the_same_404_as_a_missing_plan(told: Story) -> None:
    response = get(told, told.world.erica, al=told.today.isoformat())
    assert response.status_code == 404  # type: ignore[attr-defined]
    text = page_text(response)
    assert "Il piano richiesto non esiste o non è tra quelli che puoi consultare." in text
    assert "PEG-2026" not in text
    missing = client_for(told.world.diana).get(reverse("reports:monitoring", args=[999_999]), {"al": "2026-06-30"})
    assert missing.status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(told: Story) -> None:
    response = Client().get(reverse("reports:monitoring", args=[told.world.plan.pk]), {"al": "2026-06-30"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "Indica la data del monitoraggio, ad es. 2026-06-30 o 30/06/2026."),
        ("30 giugno", "La data «30 giugno» non è valida: scrivila come AAAA-MM-GG (ad es. 2026-06-30) o GG/MM/AAAA."),
        ("2026-02-30", "La data «2026-02-30» non è valida"),
        ("tomorrow", "è nel futuro: il monitoraggio descrive ciò che è già accaduto. Scegli una data fino a oggi"),
        ("before the plan", "non cade negli anni del piano PEG-2026: scegli una data tra il 01/01/"),
    ],
)
def test_a_bad_or_future_date_or_one_outside_the_plan_is_explained(told: Story, value: str, expected: str) -> None:
    if value == "tomorrow":
        value = (told.today + dt.timedelta(days=1)).isoformat()
    elif value == "before the plan":
        value = f"31/12/{told.today.year - 2}"
    response = get(told, told.world.diana, al=value, formato="pdf")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert expected in page_text(response)


def test_an_unknown_format_is_explained(told: Story) -> None:
    response = get(told, told.world.diana, al=told.today.isoformat(), formato="xlsx")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "Il formato «xlsx» non è disponibile. Formati disponibili: pdf, docx." in page_text(response)


def test_the_plan_page_offers_the_form_with_the_latest_checkpoint_and_today_as_the_limit(told: Story) -> None:
    response = client_for(told.world.anna).get(reverse("web:plan", args=[told.world.plan.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'action="{reverse("reports:monitoring", args=[told.world.plan.pk])}"' in page
    assert f'max="{told.today:%Y-%m-%d}"' in page
    assert f'min="{told.today.year - 1}-01-01"' in page
    checkpoints = [dt.date(year, month, 30) for year in (told.today.year - 1, told.today.year) for month in (6, 9)]
    suggested = max(day for day in checkpoints if day <= told.today)
    assert f'value="{suggested:%Y-%m-%d}"' in page
    assert '<option value="docx">DOCX</option>' in page
