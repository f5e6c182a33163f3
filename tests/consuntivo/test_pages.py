"""The consuntivo's pages with the test client: recording a value with files, downloading them, confirming, the
objective's report, a motivation and the Relazione's chapters; each text's history as the page shows it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import DjangoAssertNumQueries, Settings

from plans.models import IndicatorMotivation, Measurement, MeasurementEvidence, ObjectiveReport
from reports.models import RelazioneChapter
from tests.consuntivo.files import EXECUTABLE, PDF, upload
from tests.web.helpers import database_state, indicator_values
from tests.web.html import page_text, tables
from tests.workflow.world import World
from workflow.models import AuditEntry, SeparationPolicy
from workflow.services.measurements import measurement_confirm, measurement_record

pytestmark = pytest.mark.django_db


def as_(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def indicator_url(world: World, suffix: str = "") -> str:
    return f"/indicatori/{world.indicator.pk}/{suffix}"


def value_form(**files: object) -> dict[str, object]:
    return {"year": "2026", "value": "85", "measured_on": "2026-05-10", "note": "Dal registro"} | files


def test_staff_record_a_value_with_a_file_from_the_indicators_page(client: Client, world: World) -> None:
    page = as_(client, world.sara).get(indicator_url(world))
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()
    answer = client.post(indicator_url(world, "valori/"), value_form(evidence=[upload("Registro maggio.pdf", PDF)]))
    assert answer.status_code == 302 and answer["Location"] == indicator_url(world)

    measurement = Measurement.objects.get()
    assert (measurement.raw, measurement.recorded_by, measurement.note) == ("85", world.sara, "Dal registro")
    assert [e.name for e in measurement.evidence.all()] == ["Registro maggio.pdf"]
    text = page_text(client.get(indicator_url(world)))
    assert "Valore registrato: 85 per il 2026, con 1 file di documentazione." in text
    assert re.search(r"2026 85 10/05/2026 Sara, 15/05/2026 \d\d:\d\d Dal registro Registro maggio\.pdf", text)
    # Reached from the objective's and the activity's pages.
    for url in (f"/obiettivi/{world.objective.pk}/", f"/attivita/{world.activity.pk}/"):
        assert f'href="{indicator_url(world)}"' in client.get(url).content.decode()


def test_a_wrong_file_is_refused_on_the_page_naming_it_and_nothing_is_kept(client: Client, world: World) -> None:
    before = database_state()
    answer = as_(client, world.sara).post(
        indicator_url(world, "valori/"), value_form(evidence=[upload("verbale.pdf", EXECUTABLE)])
    )
    assert answer.status_code == 400
    text = page_text(answer)
    assert "Il valore non è stato registrato: correggi i campi indicati." in text
    assert "«verbale.pdf» non è un file PDF: il contenuto non corrisponde all'estensione." in text
    assert database_state() == before


def test_a_file_over_the_body_limit_of_other_pages_is_taken_here(
    client: Client, world: World, settings: Settings
) -> None:
    big = PDF + bytes(3 * 1024 * 1024)  # over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), under EVIDENCE_MAX_BYTES
    answer = as_(client, world.sara).post(indicator_url(world, "valori/"), value_form(evidence=[upload("a.pdf", big)]))
    assert answer.status_code == 302
    assert MeasurementEvidence.objects.get().size == len(big)
    elsewhere = client.post(f"/attivita/{world.activity.pk}/transizioni/", {"comment": "x" * len(big)})
    assert elsewhere.status_code == 413
    settings.EVIDENCE_MAX_BYTES = 256 * 1024  # the body may then be 2.75 MB: refused unread
    settings.EVIDENCE_MAX_FILES = 1
    too_big = client.post(indicator_url(world, "valori/"), value_form(evidence=[upload("b.pdf", big)]))
    assert too_big.status_code == 413
    assert "I file inviati superano 2,8 MB in tutto: al massimo 1 file di 256,0 KB ciascuno." in page_text(too_big)
    assert Measurement.objects.count() == 1


def test_evidence_is_downloaded_as_an_attachment_by_those_who_see_the_indicator(
    client: Client, world: World, media_root: Path
) -> None:
    measurement_record(
        actor=world.sara, indicator=world.indicator, year=2026, value="85", files=[upload("Verbale n. 3.pdf", PDF)]
    )
    evidence = MeasurementEvidence.objects.get()
    url = f"/documentazione/{evidence.pk}/"
    for person in ("sara", "anna", "diana", "otto"):
        answer = as_(Client(), world.users[person]).get(url)
        assert answer.status_code == 200, person
        assert answer["Content-Type"] == "application/pdf"
        assert answer["Content-Disposition"] == 'attachment; filename="Verbale n. 3.pdf"'
        assert b"".join(answer.streaming_content) == PDF  # type: ignore[attr-defined]
    for outsider in ("erica", "bruno", "tommaso"):
        assert as_(Client(), world.users[outsider]).get(url).status_code == 404, outsider
    assert Client().get(url).status_code == 302  # to the login


def test_the_indicator_page_is_404_for_outsiders(client: Client, world: World) -> None:
    for outsider in ("erica", "bruno", "tommaso"):
        assert as_(Client(), world.users[outsider]).get(indicator_url(world)).status_code == 404
    before = database_state()
    answer = as_(client, world.erica).post(indicator_url(world, "valori/"), value_form())
    assert answer.status_code == 404
    assert database_state() == before


def test_the_auditor_reads_the_page_without_forms(client: Client, world: World) -> None:
    indicator_values(world.indicator, 2026, expected="100", actual="60")
    page = as_(client, world.otto).get(indicator_url(world)).content.decode()
    assert "Registra un valore" not in page and "Salva la motivazione" not in page
    assert as_(client, world.otto).post(indicator_url(world, "valori/"), value_form()).status_code == 403


def test_a_value_waits_for_confirmation_and_the_area_head_confirms_it(client: Client, world: World) -> None:
    SeparationPolicy.objects.create(organization=world.aurelia, measurements_need_confirmation=True)
    indicator_values(world.indicator, 2026, expected="100")
    measurement = measurement_record(actor=world.sara, indicator=world.indicator, year=2026, value="85")
    own_page = page_text(as_(Client(), world.sara).get(indicator_url(world)))
    assert "da confermare" in own_page and "Conferma 85" not in own_page
    # Not scored until confirmed.
    assert "Ultimo valore confermato: — (ci sono valori da confermare)" in own_page
    assert "Raggiunto" not in own_page
    head = as_(client, world.anna)
    assert "Conferma 85" in page_text(head.get(indicator_url(world)))
    answer = head.post(f"/valori/{measurement.pk}/conferma/")
    assert answer.status_code == 302
    text = page_text(head.get(indicator_url(world)))
    assert "Valore confermato: 85." in text
    assert re.search(r"confermato da Anna, 15/05/2026 \d\d:\d\d", text) and "da confermare" not in text
    assert "Ultimo valore confermato: 85 · Raggiunto: 85,0% (valore atteso non raggiunto)" in text
    assert Measurement.objects.get().confirmed_by == world.anna
    assert as_(Client(), world.erica).post(f"/valori/{measurement.pk}/conferma/").status_code == 404


def test_the_area_head_writes_a_motivation_and_its_history_shows(client: Client, world: World) -> None:
    indicator_values(world.indicator, 2026, expected="100", actual="60")
    head = as_(client, world.anna)
    assert "60,0% (valore atteso non raggiunto)" in page_text(head.get(indicator_url(world)))
    for text in ("Sedi chiuse.", "Due sedi chiuse da marzo a maggio."):
        answer = head.post(indicator_url(world, "motivazioni/2026/"), {"motivazione-2026-text": text})
        assert answer.status_code == 302
    assert IndicatorMotivation.objects.get().text == "Due sedi chiuse da marzo a maggio."
    text = page_text(head.get(indicator_url(world)))
    history = text[text.index("Storia delle motivazioni") :]
    newest, oldest = r"2026 ?: modificata da Anna Due sedi chiuse da marzo a maggio\.", r"2026 ?: scritta da Anna Sedi"
    assert re.search(f"{newest}.*{oldest}", history)
    refused = head.post(indicator_url(world, "motivazioni/2026/"), {"motivazione-2026-text": " "})
    assert refused.status_code == 400
    assert "Il testo è vuoto: scrivi la motivazione prima di salvare." in page_text(refused)
    assert IndicatorMotivation.objects.get().text == "Due sedi chiuse da marzo a maggio."
    assert as_(Client(), world.sara).post(indicator_url(world, "motivazioni/2026/"), {}).status_code == 403


@pytest.mark.parametrize(
    ("expected", "actual", "shown"),
    [
        ("<= 5", "3", "Raggiunto: 166,7% Come è calcolato: valore 3 ≤ 5 atteso: raggiunto;"),
        (
            "> 95%",
            "95%",
            "Raggiunto: 99,9% (valore atteso non raggiunto) "
            "Come è calcolato: valore 95% non > 95% atteso: non raggiunto;",
        ),
    ],
)
def test_the_indicator_page_scores_by_the_targets_operator_and_says_how(
    client: Client, world: World, expected: str, actual: str, shown: str
) -> None:
    indicator_values(world.indicator, 2026, expected=expected, actual=actual)
    assert shown in page_text(as_(client, world.anna).get(indicator_url(world)))


def test_the_area_head_writes_the_objectives_report_on_its_page(client: Client, world: World) -> None:
    url = f"/obiettivi/{world.objective.pk}/"
    head = as_(client, world.anna)
    page = head.get(url).content.decode()
    assert 'name="relazione-date" value="2026-12-31"' in page
    for text in ("Prima stesura.", "Sportello unico aperto in tre sedi."):
        answer = head.post(f"{url}relazione/", {"relazione-date": "2026-12-31", "relazione-text": text})
        assert answer.status_code == 302
    assert list(ObjectiveReport.objects.values_list("text", flat=True)) == ["Sportello unico aperto in tre sedi."]
    text = page_text(head.get(url))
    assert "Report al 31/12/2026 Sportello unico aperto in tre sedi." in text
    history = text[text.index("Storia della relazione") :]
    newest, oldest = r"Report al 31/12/2026 ?: modificata da Anna Sportello", r"Report al 31/12/2026 ?: scritta da Anna"
    assert re.search(f"{newest}.*{oldest}", history)
    # Who changed it, as the trail says.
    actors = AuditEntry.objects.filter(subject="plans.objectivereport").values_list("actor__username", "source")
    assert set(actors) == {("anna", "web")}
    refused = head.post(f"{url}relazione/", {"relazione-date": "2026-12-31", "relazione-text": "  "})
    assert refused.status_code == 400
    assert "Il testo è vuoto: scrivi la relazione prima di salvare." in page_text(refused)
    assert list(ObjectiveReport.objects.values_list("text", flat=True)) == ["Sportello unico aperto in tre sedi."]
    staff = as_(Client(), world.sara)
    assert "Salva la relazione" not in staff.get(url).content.decode()
    assert staff.post(f"{url}relazione/", {"relazione-date": "2026-12-31", "relazione-text": "x"}).status_code == 403
    assert as_(Client(), world.erica).post(f"{url}relazione/", {}).status_code == 404


def test_the_director_writes_the_chapters_and_others_read_them(client: Client, world: World) -> None:
    url = f"/piani/{world.plan.pk}/relazione/2026/capitoli/"
    director = as_(client, world.diana)
    assert f'href="{url}"' in director.get(f"/piani/{world.plan.pk}/").content.decode()
    for text in ("Bozza.", "Il 2026 è stato l'anno dello sportello unico."):
        answer = director.post(f"{url}presentation/", {"presentation-text": text})
        assert answer.status_code == 302
    chapter = RelazioneChapter.objects.get()
    presentation = "Il 2026 è stato l'anno dello sportello unico."
    assert (chapter.kind, chapter.year, chapter.text) == ("presentation", 2026, presentation)
    text = page_text(director.get(url))
    assert re.search(r"Presentazione ?: modificato da Diana Il 2026 .*Presentazione ?: scritto da Diana Bozza\.", text)

    head = as_(Client(), world.anna)
    read = page_text(head.get(url))
    assert "I capitoli li scrive il direttore" in read and "Il 2026 è stato l'anno dello sportello unico." in read
    assert head.post(f"{url}context/", {"context-text": "Contesto."}).status_code == 403
    assert as_(Client(), world.erica).get(url).status_code == 404
    assert director.get(f"/piani/{world.plan.pk}/relazione/2031/capitoli/").status_code == 404
    assert director.post(f"{url}epilogo/", {"epilogo-text": "x"}).status_code == 404
    assert RelazioneChapter.objects.count() == 1


def test_the_indicator_page_reads_a_fixed_number_of_queries(
    client: Client, world: World, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    indicator_values(world.indicator, 2026, expected="100")
    for number in range(30):
        measurement_record(
            actor=world.sara,
            indicator=world.indicator,
            year=2026,
            value=str(number),
            measured_on=dt.date(2026, 5, 1),
            files=[upload(f"{number}.pdf", PDF)],
        )
    as_(client, world.anna)
    client.get(indicator_url(world))  # the session and the roles, once
    with django_assert_max_num_queries(20):
        page = client.get(indicator_url(world))
    assert page.content.decode().count("/documentazione/") == 20  # a page of values
    assert "Pagina 1 di 2" in page_text(page)


def test_the_dashboards_indicators_score_only_confirmed_values_where_the_body_confirms(
    client: Client, world: World
) -> None:
    SeparationPolicy.objects.create(organization=world.aurelia, measurements_need_confirmation=True)
    indicator_values(world.indicator, 2026, expected="100")
    first = measurement_record(actor=world.sara, indicator=world.indicator, year=2026, value="40")
    measurement_record(actor=world.sara, indicator=world.indicator, year=2026, value="85")

    def row() -> list[str]:
        [found] = [
            cells for table in tables(client.get("/scadenze/indicatori/")) for cells in table.rows if "SOC-1" in cells
        ]
        return found

    as_(client, world.diana)
    assert row()[3:5] == ["100", "—"]  # nothing confirmed yet: nothing scored
    measurement_confirm(actor=world.anna, measurement=first)
    assert row()[3:6] == ["100", "40", "40,0%"]  # the confirmed one, not the later 85 still to confirm
