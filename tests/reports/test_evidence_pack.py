"""The evidence pack of a validated year: the demo's 2021 plan, validated by the OIV, packed and verified by
`manage.py verify_evidence`; a byte changed in any file of the pack, an audit row altered in the database before
packing, or a signature by another key, each named by the verification; and who may download the pack.

The demo is loaded and committed once for the module (rows are sealed into the chain at commit) and flushed at
its end; each test runs in its own transaction on top, so what a test alters is rolled back."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from docx import Document
from pypdf import PdfReader
from pytest_django import DjangoDbBlocker
from pytest_django.fixtures import Settings

from plans.demo import load_demo
from plans.models import Area, Organization, OrganizationRole, Plan
from plans.models.states import PlanState
from reports import exports
from reports.evidence_pack import signing
from reports.evidence_pack.errors import NotValidated
from reports.evidence_pack.pack import MANIFEST, PUBLIC_KEY, SIGNATURE, TRAIL, EvidencePack, build_evidence_pack
from reports.exports import PACK_FORMAT
from reports.models import ReportExport
from tests.conftest import REPO
from workflow.models import AuditEntry
from workflow.models.validation import Outcome
from workflow.services.plan_lifecycle import plan_adopt, plan_close, plan_start
from workflow.services.validation import CheckInput, validation_open, validation_record

DEMO_ORGANIZATION = "consorzio-inrete"
DEMO_PLAN = "RP-2021"
VALIDATION_PDF = re.compile(r"validazione-RP-2021-2021-\d{8}\.pdf")
VALIDATION_DOCX = re.compile(r"validazione-RP-2021-2021-\d{8}\.docx")


@pytest.fixture(scope="module")
def validated_plan_id(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[int]:
    """The demo loaded and committed, its 2021 plan adopted, executed, closed and validated by the OIV."""
    with django_db_blocker.unblock():
        load_demo(reference_date=dt.date(2021, 12, 31))
        director, auditor = User.objects.get(username="direttore"), User.objects.get(username="oiv")
        plan = Plan.objects.get(organization__slug=DEMO_ORGANIZATION, code=DEMO_PLAN)
        if plan.state == PlanState.DRAFT:
            plan = plan_adopt(
                actor=director, plan=plan, act="Delibera di Assemblea n. 3", adopted_on=dt.date(2021, 2, 1)
            )
        if plan.state == PlanState.ADOPTED:
            plan = plan_start(actor=director, plan=plan)
        plan = plan_close(actor=director, plan=plan)
        # The OIV validates through its recorded validation (every criterion met, with observations), so that the
        # validation document is one of the pack's files.
        draft = validation_open(actor=auditor, plan=plan)
        checks = {check.pk: CheckInput(result="met") for check in draft.checks.all()}
        validation_record(
            actor=auditor,
            plan=plan,
            outcome=Outcome.WITH_OBSERVATIONS,
            checks=checks,
            observations="Motivare meglio gli scostamenti dell'area Inclusione.",
        )
        plan.refresh_from_db()
        try:
            yield plan.pk
        finally:
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def plan(validated_plan_id: int, db: None) -> Plan:
    return Plan.objects.select_related("organization").get(pk=validated_plan_id)


@pytest.fixture(scope="module")
def signing_key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("evidence-key") / "key.pem"


@pytest.fixture(autouse=True)
def _signing_key_of_the_test(settings: Settings, signing_key_file: Path) -> None:
    # One key for the module's installation, never the checkout's var/.
    settings.EVIDENCE_SIGNING_KEY_FILE = signing_key_file


def _write(tmp_path: Path, content: bytes, name: str = "pacchetto.zip") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _verify(path: Path, *extra: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("verify_evidence", str(path), *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _refused(path: Path) -> str:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="NON verificato"):
        call_command("verify_evidence", str(path), stdout=out, stderr=err)
    return err.getvalue()


def _members(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _rezip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def sealed(validated_plan_id: int, django_db_blocker: DjangoDbBlocker, signing_key_file: Path) -> EvidencePack:
    """The pack, built once for the module (rendering the PDF/A takes seconds)."""
    with django_db_blocker.unblock(), override_settings(EVIDENCE_SIGNING_KEY_FILE=signing_key_file):
        started = time.perf_counter()
        built = build_evidence_pack(plan=Plan.objects.get(pk=validated_plan_id), year=2021)
        print(f"evidence pack of the demo year: {len(built.content)} bytes in {time.perf_counter() - started:.2f} s")
        return built


@pytest.fixture
def pack(sealed: EvidencePack) -> bytes:
    return sealed.content


def test_the_pack_of_the_validated_demo_year_holds_every_file_and_verifies(
    plan: Plan, sealed: EvidencePack, tmp_path: Path
) -> None:
    built = sealed
    members = _members(built.content)
    assert built.filename == "pacchetto-probatorio-RP-2021-2021.zip"
    validation_files = sorted(name for name in members if name.startswith("validazione-"))
    assert len(validation_files) == 2 and VALIDATION_DOCX.fullmatch(validation_files[0])
    assert VALIDATION_PDF.fullmatch(validation_files[1])
    validation_text = "\n".join(p.text for p in Document(io.BytesIO(members[validation_files[0]])).paragraphs)
    assert "validata con osservazioni" in validation_text and "scostamenti dell'area Inclusione" in validation_text
    assert set(members) == {
        *validation_files,
        "relazione-RP-2021-2021.pdf",
        "dati-aperti-RP-2021-2021.json",
        "dati-aperti-RP-2021-2021.csv",
        "dati-aperti-RP-2021-2021.it.csv",
        TRAIL,
        PUBLIC_KEY,
        "LEGGIMI.txt",
        MANIFEST,
        SIGNATURE,
    }
    pdf = members["relazione-RP-2021-2021.pdf"]
    # PDF/A-3a claims itself in the XMP metadata, with the sRGB output intent (/GTS_PDFA1), and stays tagged.
    reader = PdfReader(io.BytesIO(pdf))
    catalog: Any = reader.trailer["/Root"]
    xmp = reader.xmp_metadata
    assert xmp is not None
    claim = xmp.stream.get_data().decode()
    assert re.search(r"pdfaid:part(>|=\")3", claim) and re.search(r"pdfaid:conformance(>|=\")A", claim), claim
    assert catalog["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"].value is True
    data = json.loads(members["dati-aperti-RP-2021-2021.json"])
    assert data["plan"]["code"] == DEMO_PLAN and data["year"] == 2021
    manifest = json.loads(members[MANIFEST])
    assert [entry["name"] for entry in manifest["files"]] == [
        name for name in members if name not in {MANIFEST, SIGNATURE}
    ]
    assert manifest["plan"]["state"] == PlanState.VALIDATED
    key = signing.installation_public_key()
    assert key is not None and manifest["signature"]["fingerprint"] == key.fingerprint
    trail = json.loads(members[TRAIL])
    first_plan_row = AuditEntry.objects.get(subject="plans.plan", subject_id=plan.pk, event="created")
    last = AuditEntry.objects.filter(organization=plan.organization).order_by("-seq").first()
    assert last is not None and last.seq is not None and first_plan_row.seq is not None
    assert trail["rows"][0]["seq"] == first_plan_row.seq and trail["rows"][0]["content"]["id"] == str(first_plan_row.pk)
    assert trail["rows"][-1]["hash"] == last.hash == manifest["audit_trail"]["last_hash"]
    assert [row["seq"] for row in trail["rows"]] == list(range(first_plan_row.seq, last.seq + 1))
    # The validation itself is the pack's newest row: the plan's state changed to validated.
    assert '"validated"' in (trail["rows"][-1]["content"]["after"] or "")

    out, err = _verify(_write(tmp_path, built.content))
    assert err == ""
    assert "Pacchetto pacchetto.zip verificato" in out
    assert "La chiave è quella di questa installazione." in out
    assert f"Catena del registro integra: {len(trail['rows'])} voci" in out


def test_the_command_exits_zero_on_the_pack_and_one_on_a_changed_one(pack: bytes, tmp_path: Path) -> None:
    """`manage.py verify_evidence` as anyone runs it: its own process, with nothing but the archive."""
    settings_env = {k: v for k, v in os.environ.items() if k != "EVIDENCE_SIGNING_KEY_FILE"}
    env = {**settings_env, "EVIDENCE_SIGNING_KEY_FILE": str(tmp_path / "another-installation.pem")}
    good = subprocess.run(
        [sys.executable, str(REPO / "manage.py"), "verify_evidence", str(_write(tmp_path, pack))],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert good.returncode == 0, good.stderr
    assert "verificato: ogni file, la firma e la catena corrispondono" in good.stdout
    assert "non ha ancora una chiave di firma" in good.stdout  # another machine: it cannot tell whose key
    members = _members(pack)
    trail = json.loads(members[TRAIL])
    trail["rows"][0]["content"]["source"] = "admin"  # the plan was created by the import: says now the admin
    members[TRAIL] = json.dumps(trail).encode()
    bad = subprocess.run(
        [sys.executable, str(REPO / "manage.py"), "verify_evidence", str(_write(tmp_path, _rezip(members), "b.zip"))],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert bad.returncode == 1
    assert f"Il file {TRAIL} è stato modificato" in bad.stderr and "Traceback" not in bad.stderr


def test_one_byte_changed_in_any_file_of_the_pack_fails_naming_that_file(pack: bytes, tmp_path: Path) -> None:
    members = _members(pack)
    assert len(members) == 11
    for name, data in members.items():
        changed = dict(members)
        middle = len(data) // 2
        changed[name] = data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]
        err = _refused(_write(tmp_path, _rezip(changed), "alterato.zip"))
        assert name in err, f"{name} not named: {err}"
        if name in (SIGNATURE, MANIFEST):
            assert f"La firma in {SIGNATURE} non corrisponde al contenuto di {MANIFEST}" in err
        else:
            assert f"Il file {name} è stato modificato" in err


def test_a_byte_changed_in_the_archive_itself_names_the_damaged_file(pack: bytes, tmp_path: Path) -> None:
    """Not through zipfile: the stored bytes of a member flipped on disk, as a copy damaged in transit."""
    with zipfile.ZipFile(io.BytesIO(pack)) as archive:
        info = archive.getinfo(TRAIL)
    offset = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + info.compress_size // 2
    damaged = bytearray(pack)
    damaged[offset] ^= 0xFF
    err = _refused(_write(tmp_path, bytes(damaged)))
    assert TRAIL in err


def test_an_audit_row_altered_in_the_database_before_packing_is_named(plan: Plan, tmp_path: Path) -> None:
    validation = (
        AuditEntry.objects.filter(subject="plans.plan", subject_id=plan.pk, event="changed").order_by("-seq").first()
    )
    assert validation is not None and validation.seq is not None
    with connection.cursor() as cursor:  # the owner of the tables, around the append-only trigger
        cursor.execute("ALTER TABLE workflow_auditentry DISABLE TRIGGER traguardi_audit_protect")
        cursor.execute(
            "UPDATE workflow_auditentry SET comment = 'Validato senza osservazioni' WHERE id = %s", [validation.pk]
        )
        cursor.execute("ALTER TABLE workflow_auditentry ENABLE TRIGGER traguardi_audit_protect")
    packed = build_evidence_pack(plan=plan, year=2021).content

    err = _refused(_write(tmp_path, packed))
    assert f"voce n. {validation.seq} (id {validation.pk}, tabella workflow_auditentry, del " in err
    assert f"plans.plan {plan.pk}): il contenuto non corrisponde alla sua impronta" in err
    assert err.count("tabella workflow_auditentry") == 1  # only that row: the next one still links to its hash
    assert "Il file" not in err  # every file matches the manifest: it is the row that does not hold


def test_a_pack_signed_by_another_key_fails_and_says_the_key_is_not_this_installations(
    pack: bytes, tmp_path: Path
) -> None:
    members = _members(pack)
    other = signing.Ed25519PrivateKey.generate()
    members[SIGNATURE] = other.sign(members[MANIFEST])  # a signature by a key the pack does not carry
    err = _refused(_write(tmp_path, _rezip(members)))
    assert f"La firma in {SIGNATURE} non corrisponde al contenuto di {MANIFEST}" in err


def test_a_pack_re_signed_whole_by_another_key_verifies_only_as_someone_elses(pack: bytes, tmp_path: Path) -> None:
    """Who rewrites the manifest and signs it with a key of their own makes a consistent pack: the verification
    says it is not this installation's key, and refuses it when asked to require this installation's."""
    members = _members(pack)
    other = signing.Ed25519PrivateKey.generate()
    public = signing.PublicKey(
        other.public_key().public_bytes(signing.serialization.Encoding.Raw, signing.serialization.PublicFormat.Raw)
    )
    members[PUBLIC_KEY] = public.pem()
    manifest = json.loads(members[MANIFEST])
    manifest["signature"]["public_key"], manifest["signature"]["fingerprint"] = public.base64, public.fingerprint
    for entry in manifest["files"]:
        if entry["name"] == PUBLIC_KEY:
            entry["sha256"] = hashlib.sha256(members[PUBLIC_KEY]).hexdigest()
    members[MANIFEST] = json.dumps(manifest).encode()
    members[SIGNATURE] = other.sign(members[MANIFEST])
    path = _write(tmp_path, _rezip(members))
    shown, _err = _verify(path)
    assert "La chiave NON è quella di questa installazione" in shown
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_evidence", str(path), "--require-installation-key", stdout=out, stderr=err)
    assert "non è firmato con la chiave di questa installazione" in err.getvalue()


def test_a_missing_file_an_added_file_and_a_file_that_is_not_a_zip_are_named(pack: bytes, tmp_path: Path) -> None:
    members = _members(pack)
    del members["dati-aperti-RP-2021-2021.csv"]
    members["nota.txt"] = b"aggiunto dopo"
    err = _refused(_write(tmp_path, _rezip(members)))
    assert "Il file dati-aperti-RP-2021-2021.csv è nel manifesto ma manca nell'archivio" in err
    assert "Il file nota.txt è nell'archivio ma non nel manifesto" in err
    err = _refused(_write(tmp_path, b"not a zip at all"))
    assert "non è un archivio ZIP leggibile" in err
    with pytest.raises(CommandError, match="Non riesco a leggere"):
        call_command("verify_evidence", str(tmp_path / "nessuno.zip"), stdout=io.StringIO(), stderr=io.StringIO())


# Who may take the pack, on the pages.


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _area_head(plan: Plan) -> User:
    area = Area.objects.filter(organization=plan.organization, head__isnull=False).order_by("code").first()
    assert area is not None and area.head is not None
    return area.head


def test_the_director_asks_for_the_pack_a_worker_seals_it_and_the_oiv_downloads_it(plan: Plan, tmp_path: Path) -> None:
    director, auditor = User.objects.get(username="direttore"), User.objects.get(username="oiv")
    page_url = reverse("reports:evidence_pack", args=[plan.pk, 2021])
    plan_page = _client(director).get(reverse("web:plan", args=[plan.pk])).content.decode()
    assert f'href="{page_url}"' in plan_page and "pacchetto probatorio 2021" in plan_page
    asked = _client(director).post(page_url, follow=True)
    assert "Pacchetto probatorio in preparazione." in asked.content.decode()
    [job] = ReportExport.objects.filter(plan=plan, fmt=PACK_FORMAT)
    assert exports.prepare(job.pk) == "ready"  # what the worker runs
    job.refresh_from_db()
    assert job.filename == "pacchetto-probatorio-RP-2021-2021.zip"

    page = _client(auditor).get(page_url).content.decode()
    download_url = reverse("reports:evidence_pack_download", args=[plan.pk, job.pk])
    assert download_url in page
    response = _client(auditor).get(download_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="pacchetto-probatorio-RP-2021-2021.zip"'
    out, _err = _verify(_write(tmp_path, response.content))
    assert "verificato" in out
    # The Relazione's documents page neither lists the pack nor serves it to whoever sees the plan.
    documents = _client(_area_head(plan)).get(reverse("reports:documents", args=[plan.pk, 2021])).content.decode()
    assert "pacchetto-probatorio" not in documents
    served = _client(_area_head(plan)).get(reverse("reports:document_download", args=[plan.pk, job.pk]))
    assert served.status_code == 404


def test_an_area_head_sees_no_link_and_is_told_who_takes_the_pack(plan: Plan) -> None:
    head = _area_head(plan)
    ready = ReportExport.objects.create(
        plan=plan,
        year=2021,
        fmt=PACK_FORMAT,
        status="ready",
        content=b"PK",
        filename="p.zip",
        size=2,
        requested_by=_director(),
    )
    assert "pacchetto probatorio" not in _client(head).get(reverse("web:plan", args=[plan.pk])).content.decode()
    for url in (
        reverse("reports:evidence_pack", args=[plan.pk, 2021]),
        reverse("reports:evidence_pack_download", args=[plan.pk, ready.pk]),
    ):
        response = _client(head).get(url)
        assert response.status_code == 403
        assert "lo preparano e lo scaricano il direttore dell&#x27;ente e l&#x27;OIV" in response.content.decode()
    assert _client(head).post(reverse("reports:evidence_pack", args=[plan.pk, 2021])).status_code == 403
    assert ReportExport.objects.filter(fmt=PACK_FORMAT).count() == 1


def test_another_bodys_director_and_a_plan_not_validated_get_404(plan: Plan) -> None:
    erica = User.objects.create_user("erica", "erica@borgo.example", "segreta")
    borgo = Organization.objects.create(slug="borgo", name="Comune di Borgo")
    OrganizationRole.objects.create(organization=borgo, user=erica, role=OrganizationRole.Role.DIRECTOR)
    ready = ReportExport.objects.create(
        plan=plan,
        year=2021,
        fmt=PACK_FORMAT,
        status="ready",
        content=b"PK",
        filename="p.zip",
        size=2,
        requested_by=_director(),
    )
    assert _client(erica).get(reverse("reports:evidence_pack", args=[plan.pk, 2021])).status_code == 404
    assert _client(erica).get(reverse("reports:evidence_pack_download", args=[plan.pk, ready.pk])).status_code == 404
    director = User.objects.get(username="direttore")
    draft = Plan.objects.exclude(pk=plan.pk).exclude(state=PlanState.VALIDATED).first()
    assert draft is not None
    response = _client(director).get(reverse("reports:evidence_pack", args=[draft.pk, draft.year_start]))
    assert response.status_code == 404
    assert "esiste solo per un piano validato dall&#x27;OIV" in response.content.decode()
    assert (
        f'pacchetto-probatorio/{draft.year_start}/"'
        not in _client(director).get(reverse("web:plan", args=[draft.pk])).content.decode()
    )
    outside = _client(director).get(reverse("reports:evidence_pack", args=[plan.pk, 2030]))
    assert outside.status_code == 404
    with pytest.raises(NotValidated):
        build_evidence_pack(plan=draft, year=draft.year_start)


def _director() -> User:
    return User.objects.get(username="direttore")
