"""The evidence pack of a validated year: one ZIP with the Relazione (PDF/A), the year's open data (JSON, CSV),
the audit trail with its hash chain, the public key, a note on how to verify it, and a manifest with the SHA-256
of every file, signed with the installation's Ed25519 key (manifest.sig, the raw 64-byte signature).

Every file of the pack but the manifest and its signature is one entry of MEMBERS: adding a document to the
pack is one line there (its name, what it is, the function that writes its bytes, and, for a file that not
every pack has, when it is there). The OIV's validation document (PDF and DOCX) is there when the plan was
validated through a recorded validation (workflow.models.Validation with a positive outcome): the latest one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from plans.freeze import is_frozen
from plans.models import Plan
from reports.evidence_pack import signing, trail
from reports.evidence_pack.errors import NotValidated
from reports.formats import FORMATS
from reports.relazione import build_relazione, plan_years
from reports.render.pdf import render_pdf_a
from reports.render.publication import prepared_now, publication_of
from reports.sections import Relazione
from reports.validation_document import filename as validation_filename
from reports.validation_document import render_validation_document, validation_section
from workflow.models import Validation
from workflow.models.validation import POSITIVE_OUTCOMES

FORMAT_NAME = "traguardi-pacchetto-probatorio"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "chiave-pubblica.pem"
TRAIL = "registro-operazioni.json"
README = "LEGGIMI.txt"
CONTENT_TYPE = "application/zip"
_UNSAFE_IN_FILENAME = re.compile(r"[^\w.-]+")


@dataclass
class PackContext:
    """What the members are written from, read once: the plan, the year's Relazione, the trail's segment."""

    plan: Plan
    year: int
    relazione: Relazione
    prepared_at: dt.datetime
    rows: list[dict[str, Any]]
    public_key: signing.PublicKey
    summary: dict[str, Any] = field(default_factory=dict)
    validation: Validation | None = None


@dataclass(frozen=True)
class Member:
    name: Callable[[PackContext], str]
    description: str
    write: Callable[[PackContext], bytes]
    present: Callable[[PackContext], bool] = lambda context: True


def _relazione_file(extension: str) -> Callable[[PackContext], str]:
    return lambda context: FORMATS[extension].filename(context.relazione)


def _open_data(extension: str) -> Callable[[PackContext], bytes]:
    return lambda context: FORMATS[extension].render(context.relazione)


def _pdf_a(context: PackContext) -> bytes:
    return render_pdf_a(context.relazione, publication_of(context.relazione, prepared_at=context.prepared_at))


def _trail(context: PackContext) -> bytes:
    document = {
        "table": trail.TABLE_NAME,
        "organization": context.relazione.organization_slug,
        "hash": "SHA-256 di: impronta precedente + U+001E + posizione + U+001F + colonne unite da U+001F",
        "null": trail.NULL,
        "columns": list(trail.COLUMN_NAMES),
        **context.summary,
        "rows": context.rows,
    }
    return _json(document)


def _readme(context: PackContext) -> bytes:
    text = render_to_string(
        "reports/evidence_pack_readme.txt",
        {"context": context, "manifest": MANIFEST, "signature": SIGNATURE, "public_key": PUBLIC_KEY, "trail": TRAIL},
    )
    return text.encode("utf-8")


def _validation_file(fmt: str) -> Callable[[PackContext], str]:
    return lambda context: validation_filename(validation_section(context.validation), fmt)


def _validation_document(fmt: str) -> Callable[[PackContext], bytes]:
    return lambda context: render_validation_document(context.validation, fmt)


def _validated_by_record(context: PackContext) -> bool:
    return context.validation is not None


# The files of the pack, in the order of the manifest.
MEMBERS: list[Member] = [
    Member(_relazione_file("pdf"), "Relazione sulla Performance, PDF/A-3a", _pdf_a),
    Member(_relazione_file("json"), "Dati dell'anno (dati aperti), JSON", _open_data("json")),
    Member(_relazione_file("csv"), "Dati dell'anno (dati aperti), CSV", _open_data("csv")),
    Member(_relazione_file("it.csv"), "Dati dell'anno (dati aperti), CSV per Excel in italiano", _open_data("it.csv")),
    Member(
        _validation_file("pdf"),
        "Documento di validazione dell'OIV, PDF",
        _validation_document("pdf"),
        _validated_by_record,
    ),
    Member(
        _validation_file("docx"),
        "Documento di validazione dell'OIV, DOCX",
        _validation_document("docx"),
        _validated_by_record,
    ),
    Member(lambda context: TRAIL, "Registro delle operazioni con la catena delle impronte", _trail),
    Member(
        lambda context: PUBLIC_KEY,
        "Chiave pubblica Ed25519 che verifica la firma del manifesto",
        lambda c: c.public_key.pem(),
    ),
    Member(lambda context: README, "Come verificare il pacchetto", _readme),
]


@dataclass(frozen=True)
class EvidencePack:
    content: bytes
    filename: str
    manifest: dict[str, Any]


def _json(document: Any) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def pack_filename(plan: Plan, year: int) -> str:
    return f"pacchetto-probatorio-{_UNSAFE_IN_FILENAME.sub('-', plan.code)}-{year}.zip"


def _context(plan: Plan, year: int, public_key: signing.PublicKey) -> PackContext:
    # Not one snapshot, and it needs none: a validated plan's rows are read-only (the freeze, in the database too),
    # and the trail only grows; its segment is read in one statement, up to the newest row sealed at that moment.
    first_seq = trail.segment_start(plan.organization_id, plan.pk)
    rows = trail.segment_rows(plan.organization_id, first_seq)
    summary = {
        "first_seq": rows[0]["seq"] if rows else None,
        "first_prev_hash": rows[0]["prev_hash"] if rows else "",
        "last_seq": rows[-1]["seq"] if rows else None,
        "last_hash": rows[-1]["hash"] if rows else "",
        "row_count": len(rows),
    }
    return PackContext(
        plan=plan,
        year=year,
        relazione=build_relazione(plan=plan, year=year),
        prepared_at=prepared_now(),
        rows=rows,
        public_key=public_key,
        summary=summary,
        validation=Validation.objects.filter(plan=plan, outcome__in=POSITIVE_OUTCOMES)
        .select_related("plan__organization", "auditor")
        .order_by("-recorded_at", "-pk")
        .first(),
    )


def _manifest(context: PackContext, files: list[tuple[str, str, bytes]]) -> dict[str, Any]:
    plan = context.plan
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "prepared_at": context.prepared_at.isoformat(timespec="seconds"),
        "organization": {"slug": plan.organization.slug, "name": plan.organization.name},
        "plan": {
            "id": plan.pk,
            "code": plan.code,
            "title": plan.title,
            "state": plan.state,
            "year_start": plan.year_start,
            "year_end": plan.year_end,
        },
        "year": context.year,
        "files": [
            {"name": name, "description": description, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, description, data in files
        ],
        "audit_trail": {"file": TRAIL, "table": trail.TABLE_NAME, **context.summary},
        "signature": {
            "algorithm": signing.ALGORITHM,
            "file": SIGNATURE,
            "signed_file": MANIFEST,
            "public_key_file": PUBLIC_KEY,
            "public_key": context.public_key.base64,
            "fingerprint": context.public_key.fingerprint,
        },
    }


def build_evidence_pack(*, plan: Plan, year: int) -> EvidencePack:
    """The pack of `plan` (validated) for `year`, signed with the installation's key (created on first use)."""
    if not is_frozen(plan):
        raise NotValidated(_("Il pacchetto probatorio si prepara solo per un piano validato dall'OIV."))
    if year not in plan_years(plan):
        raise NotValidated(_("L'anno %(year)d non è un anno del piano.") % {"year": year})
    public_key = signing.installation_public_key(create=True)
    assert public_key is not None
    context = _context(plan, year, public_key)
    files = [
        (member.name(context), member.description, member.write(context))
        for member in MEMBERS
        if member.present(context)
    ]
    manifest_bytes = _json(_manifest(context, files))
    signature, _public = signing.sign(manifest_bytes)
    buffer = io.BytesIO()
    stamp = context.prepared_at.timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        written = [(name, data) for name, _description, data in files]
        for name, data in [*written, (MANIFEST, manifest_bytes), (SIGNATURE, signature)]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return EvidencePack(buffer.getvalue(), pack_filename(plan, year), json.loads(manifest_bytes))
