"""Single sign-on end to end, against a real OpenID Connect provider (django-oidc-provider) started on loopback in
a second process: the browser's way is followed hop by hop (Traguardi → provider's login → provider's authorize →
Traguardi's callback), and Traguardi exchanges the code with the provider and checks the signed ID token itself.

People of the provider:
- Anna Rossi, whose fiscal code Traguardi has recorded (her mail at the provider differs from Traguardi's);
- Bruno Bianchi, known to Traguardi by his e-mail address only;
- Carla, whose e-mail address two people of Traguardi share;
- Dora Verdi, whose e-mail address belongs to a person of Traguardi with another fiscal code;
- Ignazio, whom Traguardi does not know;
- Bruno again, under an account whose provider does not say it verified his address;
- Ettore's identity (his fiscal code) under his successor's address, after Ettore was deactivated."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings

from accounts.models import FiscalCode
from plans.models import Organization, OrganizationRole
from tests.accounts.provider import Provider, running_provider

CALLBACK = "http://testserver/accesso/sso/ritorno/"
ANNA_CODE = "RSSNNA80A41H501L"
VERIFIED = {"email_verified": True}
PEOPLE = [
    {"username": "anna", "password": "pw-anna-2026",
     "claims": {"email": "a.rossi@idp.example", **VERIFIED, "fiscal_number": f"TINIT-{ANNA_CODE}"}},
    {"username": "bruno", "password": "pw-bruno-2026",
     "claims": {"email": "Bruno.Bianchi@Aurelia.example", **VERIFIED}},
    {"username": "carla", "password": "pw-carla-2026", "claims": {"email": "ufficio@aurelia.example", **VERIFIED}},
    {"username": "dora", "password": "pw-dora-2026",
     "claims": {"email": "dora@aurelia.example", **VERIFIED, "fiscal_number": "TINIT-VRDDRA70E55L219X"}},
    {"username": "ignazio", "password": "pw-ignazio-2026", "claims": {"email": "ignazio@altrove.example", **VERIFIED}},
    {"username": "bruno-unverified", "password": "pw-bruno-2026",
     "claims": {"email": "bruno.bianchi@aurelia.example", "email_verified": False}},
    {"username": "ex", "password": "pw-ex-2026",
     "claims": {"email": "nuovo@aurelia.example", **VERIFIED, "fiscal_number": "TINIT-RSSMRA80A01H501U"}},
]  # fmt: skip


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    with running_provider(tmp_path_factory.mktemp("oidc-provider"), PEOPLE, CALLBACK) as running:
        yield running


@pytest.fixture
def sso(provider: Provider, settings: Settings) -> Provider:
    for name, value in provider.settings.items():
        setattr(settings, name, value)
    return provider


@pytest.fixture
def people(db: None) -> dict[str, User]:
    aurelia = Organization.objects.create(slug="aurelia", name="Comune di Aurelia", kind=Organization.Kind.COMUNE)
    anna = User.objects.create_user("anna.rossi", "anna@aurelia.example", "x", first_name="Anna")
    FiscalCode.objects.create(user=anna, code=ANNA_CODE)
    OrganizationRole.objects.create(organization=aurelia, user=anna, role=OrganizationRole.Role.DIRECTOR)
    bruno = User.objects.create_user("bruno.bianchi", "bruno.bianchi@aurelia.example", "x")
    first = User.objects.create_user("protocollo1", "ufficio@aurelia.example", "x")
    second = User.objects.create_user("protocollo2", "UFFICIO@aurelia.example", "x")
    dora = User.objects.create_user("dora.neri", "dora@aurelia.example", "x")
    FiscalCode.objects.create(user=dora, code="BNCBRN75C12F205S")
    # Ettore left (deactivated) and his address went to his successor, who has no code recorded: Ettore's code opens
    # nothing, not even the successor's account.
    gone = User.objects.create_user("ettore", "ettore@aurelia.example", "x", is_active=False)
    FiscalCode.objects.create(user=gone, code="RSSMRA80A01H501U")
    User.objects.create_user("nuovo", "nuovo@aurelia.example", "x")
    return {"anna": anna, "bruno": bruno, "first": first, "second": second, "dora": dora}


def sign_in_at_provider(client: Client, username: str, password: str, next_page: str = "/profilo/") -> str:
    """Traguardi's button, then the provider's login form as a browser would fill it: the callback address with
    the provider's code, which the browser would open next."""
    start = client.get("/accesso/sso/", {"next": next_page})
    assert start.status_code == 302
    authorize = start["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    browser = requests.Session()
    login_page = browser.get(authorize, timeout=10)  # the provider asks who you are
    assert login_page.status_code == 200, login_page.text[:500]
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text)
    assert csrf is not None
    answer = browser.post(
        login_page.url,
        data={"csrfmiddlewaretoken": csrf.group(1), "username": username, "password": password,
              "next": parse_qs(urlsplit(login_page.url).query)["next"][0]},
        allow_redirects=False,
        timeout=10,
    )  # fmt: skip
    assert answer.status_code == 302
    back = browser.get(urljoin(login_page.url, answer.headers["Location"]), allow_redirects=False, timeout=10)
    assert back.status_code == 302 and back.headers["Location"].startswith(CALLBACK), back.text[:500]
    return back.headers["Location"]


def signed_in(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def test_a_person_is_recognized_by_the_fiscal_code_and_given_nothing_new(sso: Provider, people: dict[str, User]):
    client = Client()
    before = (User.objects.count(), list(OrganizationRole.objects.values_list("user", "role")))
    callback = sign_in_at_provider(client, "anna", "pw-anna-2026")
    response = client.get(callback)
    assert response.status_code == 302 and response["Location"] == "/profilo/"
    assert signed_in(client) == people["anna"].pk
    anna = User.objects.get(pk=people["anna"].pk)
    assert (anna.email, anna.is_staff, anna.is_superuser) == ("anna@aurelia.example", False, False)
    assert (User.objects.count(), list(OrganizationRole.objects.values_list("user", "role"))) == before
    assert client.get("/profilo/").status_code == 200


def test_a_person_is_recognized_by_the_e_mail_address_whatever_its_case(sso: Provider, people: dict[str, User]):
    client = Client()
    response = client.get(sign_in_at_provider(client, "bruno", "pw-bruno-2026"))
    assert response.status_code == 302
    assert signed_in(client) == people["bruno"].pk


@pytest.mark.parametrize(
    ("username", "password", "says"),
    [
        ("ignazio", "pw-ignazio-2026",
         "Nessuna persona di Traguardi corrisponde all'identità data dal fornitore (ignazio@altrove.example)"),
        ("carla", "pw-carla-2026", "Più persone di Traguardi hanno l'indirizzo ufficio@aurelia.example"),
        ("dora", "pw-dora-2026",
         "L'identità data dal fornitore non corrisponde alla persona con questo indirizzo di posta"),
        ("bruno-unverified", "pw-bruno-2026",
         "Il fornitore d'identità non ha dato né un indirizzo di posta verificato né un codice fiscale"),
        ("ex", "pw-ex-2026", "L'account di Traguardi che corrisponde alla tua identità non è attivo"),
    ],
)  # fmt: skip
def test_an_identity_that_is_nobody_or_ambiguous_is_refused_and_nobody_is_made(
    sso: Provider, people: dict[str, User], username: str, password: str, says: str
):
    client = Client()
    users = User.objects.count()
    response = client.get(sign_in_at_provider(client, username, password), follow=True)
    assert signed_in(client) is None
    assert response.status_code == 200 and response.request["PATH_INFO"] == "/accedi/"
    assert says in response.content.decode().replace("&#x27;", "'")
    assert User.objects.count() == users


def test_a_code_is_used_once_and_only_with_the_session_that_asked_for_it(sso: Provider, people: dict[str, User]):
    client = Client()
    callback = sign_in_at_provider(client, "anna", "pw-anna-2026")
    stranger = Client()  # another browser, with the address copied: its session never asked
    response = stranger.get(callback, follow=True)
    assert signed_in(stranger) is None and "riprova" in response.content.decode()
    assert client.get(callback).status_code == 302 and signed_in(client) == people["anna"].pk
    client.post("/esci/")
    replayed = client.get(callback, follow=True)  # the same address again: its state was spent
    assert signed_in(client) is None and "riprova" in replayed.content.decode()


def test_the_login_page_offers_the_provider_only_when_configured(sso: Provider, settings: Settings, db: None):
    page = Client().get("/accedi/").content.decode()
    assert "Accedi con Identità dell&#x27;ente" in page and 'href="/accesso/sso/"' in page
    settings.OIDC_RP_CLIENT_ID = ""
    assert "/accesso/sso/" not in Client().get("/accedi/").content.decode()
    assert Client().get("/accesso/sso/").status_code == 404


def test_a_provider_that_does_not_answer_is_said_not_to_answer(
    sso: Provider, people: dict[str, User], settings: Settings
):
    client = Client()
    callback = sign_in_at_provider(client, "anna", "pw-anna-2026")
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"  # nothing listens there
    response = client.get(callback, follow=True)
    assert signed_in(client) is None
    assert "non ha risposto" in response.content.decode()


def test_an_operator_signed_in_by_the_provider_still_owes_the_second_factor(
    sso: Provider, people: dict[str, User], settings: Settings
):
    settings.SECOND_FACTOR_REQUIRED_FOR_SUPERUSERS = True
    User.objects.filter(pk=people["bruno"].pk).update(is_superuser=True, is_staff=True)
    client = Client()
    client.get(sign_in_at_provider(client, "bruno", "pw-bruno-2026", next_page="/admin/"))
    assert signed_in(client) == people["bruno"].pk
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accesso/codice/attiva/")


def test_a_deactivated_person_s_single_sign_on_session_ends(sso: Provider, people: dict[str, User]) -> None:
    client = Client()
    client.get(sign_in_at_provider(client, "bruno", "pw-bruno-2026"))
    assert client.get("/profilo/").status_code == 200
    User.objects.filter(pk=people["bruno"].pk).update(is_active=False)
    answer = client.get("/profilo/")
    assert answer.status_code == 302 and answer["Location"].startswith("/accedi/")


def test_refusals_of_the_callback_lock_nobody_out(sso: Provider, people: dict[str, User], settings: Settings) -> None:
    """More refusals from one address than django-axes allows failed logins: password logins from there still work,
    and so does the next person's single sign-on."""
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        client = Client()
        client.get(sign_in_at_provider(client, "ignazio", "pw-ignazio-2026"))
        assert signed_in(client) is None
    by_password = Client().post("/accedi/", {"username": "bruno.bianchi", "password": "x"})
    assert by_password.status_code == 302
    client = Client()
    client.get(sign_in_at_provider(client, "bruno", "pw-bruno-2026"))
    assert signed_in(client) == people["bruno"].pk


def test_a_bare_error_address_signs_nobody_out_and_shows_none_of_its_text(
    sso: Provider, people: dict[str, User]
) -> None:
    client = Client()
    client.force_login(people["bruno"])
    answer = client.get("/accesso/sso/ritorno/", {"error": "<b>Chiama il numero 899…</b>"}, follow=True)
    assert signed_in(client) == people["bruno"].pk
    assert "899" not in answer.content.decode()
