"""Recording a value with its evidence, and confirming it, through the services, on PostgreSQL. The people are
those of tests/workflow/world.py: Sara (staff) and Anna (head) of the social area, whose objective SOC-1 owns the
indicator; Bruno and Tommaso of the technical area; Diana the director; Otto the OIV; Erica of another body."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from plans.models import Measurement, MeasurementEvidence
from tests.consuntivo.files import CSV, DOCX, EXECUTABLE, ODS, PDF, PLAIN_ZIP, PNG, upload
from tests.web.helpers import database_state
from tests.workflow.world import World
from workflow.errors import Conflict, InvalidInput, NotAllowed, NotVisible
from workflow.models import AuditEntry, SeparationPolicy
from workflow.services.measurements import measurement_confirm, measurement_record, value_that_counts

pytestmark = pytest.mark.django_db


def stored_files(media_root: Path) -> set[Path]:
    return {path for path in media_root.rglob("*") if path.is_file()}


def record(world: World, actor: str = "sara", **kwargs: object) -> Measurement:
    arguments: dict[str, object] = {"year": 2026, "value": "85", "measured_on": dt.date(2026, 5, 10)} | kwargs
    return measurement_record(actor=world.users[actor], indicator=world.indicator, **arguments)  # type: ignore[arg-type]


def test_staff_record_a_value_with_its_evidence_in_one_go(world: World, media_root: Path) -> None:
    before = stored_files(media_root)
    measurement = record(
        world,
        note="Conteggio dal registro degli sportelli",
        files=[upload("Registro maggio.pdf", PDF), upload("conteggio.csv", CSV), upload("foto.png", PNG)],
    )

    saved = Measurement.objects.get()
    assert (saved.raw, saved.kind, saved.value, saved.recorded_by) == ("85", "number", 85, world.sara)
    assert (saved.year, saved.measured_on, saved.note) == (2026, dt.date(2026, 5, 10), measurement.note)
    evidence = list(saved.evidence.order_by("pk"))
    described = [(e.name, e.content_type, e.size, e.uploaded_by) for e in evidence]
    assert described == [
        ("Registro maggio.pdf", "application/pdf", len(PDF), world.sara),
        ("conteggio.csv", "text/csv", len(CSV), world.sara),
        ("foto.png", "image/png", len(PNG), world.sara),
    ]
    # Through the storage, under the body's folder and a random one; the bytes as they were sent.
    assert [str(e.file.name).split("/")[:2] for e in evidence] == [["evidenze", str(world.aurelia.pk)]] * 3
    assert [e.file.read() for e in evidence] == [PDF, CSV, PNG]
    assert len(stored_files(media_root) - before) == 3
    # The value and its files are in the trail.
    subjects = AuditEntry.objects.data_changes().filter(event="created").values_list("subject", flat=True)
    assert list(subjects).count("plans.measurementevidence") == 3
    assert "plans.measurement" in subjects


def test_office_and_opendocument_files_are_accepted_by_their_contents(world: World) -> None:
    record(world, files=[upload("relazione.docx", DOCX), upload("tabella.ods", ODS)])
    types = list(MeasurementEvidence.objects.order_by("pk").values_list("content_type", flat=True))
    assert types == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.oasis.opendocument.spreadsheet",
    ]


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("setup.exe", EXECUTABLE, "«setup.exe»: questo tipo di file non è ammesso"),
        ("verbale.pdf", EXECUTABLE, "«verbale.pdf» non è un file PDF"),
        ("foto.jpg", PDF, "«foto.jpg» non è un file JPG"),
        ("relazione.docx", PLAIN_ZIP, "«relazione.docx» non è un file DOCX"),
        ("tabella.ods", DOCX, "«tabella.ods» non è un file ODS"),
        ("dati.csv", EXECUTABLE, "«dati.csv» non è un file CSV"),
        ("vuoto.pdf", b"", "«vuoto.pdf» è vuoto"),
    ],
)
def test_a_file_of_the_wrong_kind_refuses_the_value_and_keeps_nothing(
    world: World, media_root: Path, name: str, content: bytes, said: str
) -> None:
    before, files = database_state(), stored_files(media_root)
    with pytest.raises(InvalidInput) as refused:
        record(world, files=[upload("buono.pdf", PDF), upload(name, content)])
    [problem] = refused.value.fields["evidence"]
    assert problem.startswith(said)
    assert database_state() == before
    assert stored_files(media_root) == files


def test_a_file_over_the_limit_is_refused_naming_it_and_the_limit(
    world: World, settings: Settings, media_root: Path
) -> None:
    settings.EVIDENCE_MAX_BYTES = 1024
    before, files = database_state(), stored_files(media_root)
    with pytest.raises(InvalidInput) as refused:
        record(world, files=[upload("grande.pdf", PDF + bytes(2200))])
    assert refused.value.fields["evidence"] == [
        "«grande.pdf» pesa 2,2\xa0KB: il massimo è 1,0\xa0KB. Riducilo (ad esempio un PDF compresso) e riprova."
    ]
    assert database_state() == before
    assert stored_files(media_root) == files


def test_too_many_files_are_refused(world: World, settings: Settings) -> None:
    settings.EVIDENCE_MAX_FILES = 2
    with pytest.raises(InvalidInput) as refused:
        record(world, files=[upload(f"{n}.pdf", PDF) for n in range(3)])
    assert refused.value.fields["evidence"] == ["Hai scelto 3 file: al massimo 2 per ogni valore."]
    assert not Measurement.objects.exists()


def test_a_bad_value_keeps_the_files_out_too(world: World, media_root: Path) -> None:
    files = stored_files(media_root)
    with pytest.raises(InvalidInput) as refused:
        record(world, value="  ", measured_on=dt.date(2026, 6, 1), files=[upload("buono.pdf", PDF)])
    assert set(refused.value.fields) == {"value", "measured_on"}
    assert not Measurement.objects.exists() and not MeasurementEvidence.objects.exists()
    assert stored_files(media_root) == files


def test_who_may_record_a_value(world: World) -> None:
    with pytest.raises(NotVisible):
        record(world, "erica")  # another body's director: as if it did not exist
    with pytest.raises(NotVisible):
        record(world, "tommaso")  # staff of another area
    with pytest.raises(NotAllowed):
        record(world, "otto")  # the OIV reads, records nothing
    for person in ("sara", "anna", "diana"):
        record(world, person)
    recorders = Measurement.objects.order_by("pk").values_list("recorded_by__username", flat=True)
    assert list(recorders) == ["sara", "anna", "diana"]


def test_values_are_history_a_new_value_is_a_new_row(world: World) -> None:
    first = record(world, value="40")
    second = record(world, value="85")
    assert list(Measurement.objects.order_by("pk").values_list("pk", "raw")) == [(first.pk, "40"), (second.pk, "85")]


# Confirmation.


@pytest.fixture
def confirming(world: World) -> SeparationPolicy:
    return SeparationPolicy.objects.create(organization=world.aurelia, measurements_need_confirmation=True)


def test_the_area_head_confirms_a_value_of_her_staff(world: World, confirming: SeparationPolicy) -> None:
    measurement = record(world, "sara")
    confirmed = measurement_confirm(actor=world.anna, measurement=measurement)
    saved = Measurement.objects.get()
    assert (saved.confirmed_by, saved.confirmed_at) == (world.anna, confirmed.confirmed_at)
    assert saved.confirmed_at is not None
    with pytest.raises(Conflict):
        measurement_confirm(actor=world.diana, measurement=measurement)  # once is enough
    assert Measurement.objects.get().confirmed_by == world.anna


def test_nobody_confirms_a_value_they_recorded(world: World, confirming: SeparationPolicy) -> None:
    own = record(world, "anna")
    with pytest.raises(NotAllowed) as refused:
        measurement_confirm(actor=world.anna, measurement=own)
    assert refused.value.code == "sod_own_request"
    assert Measurement.objects.get().confirmed_at is None
    measurement_confirm(actor=world.diana, measurement=own)  # the director confirms the area head's value
    assert Measurement.objects.get().confirmed_by == world.diana


def test_only_the_area_head_or_the_director_confirm(world: World, confirming: SeparationPolicy) -> None:
    measurement = record(world, "diana")
    with pytest.raises(NotAllowed):
        measurement_confirm(actor=world.sara, measurement=measurement)
    with pytest.raises(NotAllowed):
        measurement_confirm(actor=world.otto, measurement=measurement)
    for outsider in ("bruno", "erica"):  # head of another area, another body
        with pytest.raises(NotVisible):
            measurement_confirm(actor=world.users[outsider], measurement=measurement)
    assert Measurement.objects.get().confirmed_at is None


def test_nothing_to_confirm_where_the_body_does_not_ask_for_it(world: World) -> None:
    measurement = record(world, "sara")
    with pytest.raises(Conflict):
        measurement_confirm(actor=world.anna, measurement=measurement)
    assert Measurement.objects.get().confirmed_at is None


def test_where_values_are_confirmed_the_latest_confirmed_one_counts(world: World, confirming: SeparationPolicy) -> None:
    first, second = record(world, "sara", value="40"), record(world, "sara", value="85")
    values = [first, second]
    assert value_that_counts(values, confirms=False) == second
    assert value_that_counts(values, confirms=True) is None
    measurement_confirm(actor=world.anna, measurement=first)
    values = list(Measurement.objects.order_by("pk"))
    assert value_that_counts(values, confirms=True) == first  # 85 is still to confirm
    assert value_that_counts(values, confirms=False) == second
