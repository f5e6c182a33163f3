"""Downloads: the director gets every format; other organizations and strangers get nothing."""

from __future__ import annotations

import html

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from plans.models import Area, Plan

pytestmark = pytest.mark.django_db

CONTENT_TYPES = {
    ("relazione", "pdf"): "application/pdf",
    ("relazione", "docx"): "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ("relazione", "xlsx"): "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ("opendata", "csv"): "text/csv; charset=utf-8",
    ("opendata", "it.csv"): "text/csv; charset=utf-8",
    ("opendata", "json"): "application/json",
}
MAGIC = {
    "pdf": b"%PDF-",
    "docx": b"PK\x03\x04",
    "xlsx": b"PK\x03\x04",
    "csv": b"organization,plan",
    "it.csv": b"\xef\xbb\xbfEnte;Codice piano",
    "json": b"{",
}


def url(name: str, plan: Plan, fmt: str, year: int = 2021) -> str:
    return reverse(f"reports:{name}", kwargs={"plan_id": plan.pk, "year": year, "fmt": fmt})


def page_text(content: bytes) -> str:
    return html.unescape(content.decode())


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(("name", "fmt"), list(CONTENT_TYPES))
def test_the_director_downloads_every_format(demo_plan: Plan, director: User, name: str, fmt: str) -> None:
    response = client_for(director).get(url(name, demo_plan, fmt))
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[(name, fmt)]
    kind = "relazione" if name == "relazione" else "dati-aperti"
    assert response["Content-Disposition"] == f'attachment; filename="{kind}-RP-2021-2021.{fmt}"'
    assert response.getvalue().startswith(MAGIC[fmt])


def test_area_staff_of_the_organization_may_download_too(demo_plan: Plan) -> None:
    staff = Area.objects.get(organization=demo_plan.organization, code="FIN").members.first()
    assert staff is not None
    response = client_for(staff).get(url("opendata", demo_plan, "json"))
    assert response.status_code == 200


@pytest.mark.parametrize(("name", "fmt"), [("relazione", "docx"), ("opendata", "csv")])
def test_a_user_of_another_organization_gets_404(demo_plan: Plan, outsider: User, name: str, fmt: str) -> None:
    response = client_for(outsider).get(url(name, demo_plan, fmt))
    assert response.status_code == 404
    assert "Il piano richiesto non esiste o non è tra quelli che puoi consultare." in page_text(response.content)
    assert "RP-2021" not in page_text(response.content)


def test_a_plan_that_does_not_exist_gets_the_same_404(director: User) -> None:
    response = client_for(director).get(reverse("reports:relazione", args=[999_999, 2021, "pdf"]))
    assert response.status_code == 404
    assert "Il piano richiesto non esiste" in page_text(response.content)


@pytest.mark.parametrize(("name", "fmt"), [("relazione", "pdf"), ("opendata", "json")])
def test_anonymous_visitors_are_sent_to_the_login_page(demo_plan: Plan, name: str, fmt: str) -> None:
    target = url(name, demo_plan, fmt)
    response = Client().get(target)
    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next={target}"


@pytest.mark.parametrize(
    ("name", "fmt", "message"),
    [
        ("relazione", "odt", "Il formato «odt» non è disponibile. Formati disponibili: pdf, docx, xlsx."),
        ("relazione", "csv", "Il formato «csv» non è disponibile. Formati disponibili: pdf, docx, xlsx."),
        ("opendata", "pdf", "Il formato «pdf» non è disponibile. Formati disponibili: csv, it.csv, json."),
    ],
)
def test_an_unknown_format_gets_a_clear_404(demo_plan: Plan, director: User, name: str, fmt: str, message: str) -> None:
    response = client_for(director).get(url(name, demo_plan, fmt))
    assert response.status_code == 404
    assert message in page_text(response.content)


def test_a_year_outside_the_plan_gets_a_clear_404(demo_plan: Plan, director: User) -> None:
    response = client_for(director).get(url("relazione", demo_plan, "pdf", year=2030))
    assert response.status_code == 404
    assert "L'anno 2030 non è un anno del piano: scegli un anno tra 2021 e 2021." in page_text(response.content)


def test_downloads_answer_only_reads(demo_plan: Plan, director: User) -> None:
    response = client_for(director).post(url("opendata", demo_plan, "csv"))
    assert response.status_code == 405
