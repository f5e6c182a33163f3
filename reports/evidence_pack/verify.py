"""Verifying an evidence pack from the pack alone: every file against the manifest's SHA-256, the manifest's
signature against the public key the pack carries (and whether that key is this installation's), and the audit
trail's chain recomputed row by row. Every finding is a sentence in Italian that names the file or the row."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

from reports.evidence_pack import signing, trail
from reports.evidence_pack.pack import MANIFEST, PUBLIC_KEY, SIGNATURE, TRAIL


@dataclass
class Outcome:
    problems: list[str] = field(default_factory=list)  # what does not match: the pack fails
    notes: list[str] = field(default_factory=list)  # what was checked and holds, and what to know
    key: signing.PublicKey | None = None  # the key the pack carries, if it carries one

    def signed_by(self, installation: signing.PublicKey | None) -> bool:
        return installation is not None and self.key is not None and self.key.raw == installation.raw

    @property
    def intact(self) -> bool:
        return not self.problems


def _mapping(value: Any) -> dict[str, Any]:
    """A part of an altered manifest may be of any JSON shape: read as empty, so that the check names it."""
    return value if isinstance(value, dict) else {}


def _members(data: bytes, outcome: Outcome) -> dict[str, bytes] | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        outcome.problems.append(
            "Il file non è un archivio ZIP leggibile: non è un pacchetto probatorio o è danneggiato."
        )
        return None
    members: dict[str, bytes] = {}
    with archive:
        for info in archive.infolist():
            try:
                members[info.filename] = archive.read(info)
            except (zipfile.BadZipFile, OSError, ValueError) as error:
                outcome.problems.append(
                    f"Il file {info.filename} è danneggiato nell'archivio e non si legge ({error})."
                )
    return members


def _manifest(members: dict[str, bytes], outcome: Outcome) -> dict[str, Any] | None:
    raw = members.get(MANIFEST)
    if raw is None:
        outcome.problems.append(f"Manca {MANIFEST}, l'elenco firmato dei file: il pacchetto non si può verificare.")
        return None
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        outcome.problems.append(f"{MANIFEST} non è un JSON leggibile: il manifesto è stato alterato.")
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        outcome.problems.append(f"{MANIFEST} non ha l'elenco dei file: il manifesto è stato alterato.")
        return None
    return manifest


def _check_signature(members: dict[str, bytes], installation: signing.PublicKey | None, outcome: Outcome) -> None:
    """The signature over the manifest's bytes as they are, with the key the pack carries: checked before the
    manifest is read, so that a manifest changed into something unreadable is still named with its signature."""
    key = signing.load_public_pem(members.get(PUBLIC_KEY, b""))
    if key is None:
        outcome.problems.append(f"{PUBLIC_KEY} manca o non è una chiave Ed25519: la firma non si può verificare.")
        return
    outcome.key = key
    if not signing.signature_holds(key, members.get(SIGNATURE, b""), members.get(MANIFEST, b"")):
        outcome.problems.append(
            f"La firma in {SIGNATURE} non corrisponde al contenuto di {MANIFEST}: il manifesto o la firma sono stati "
            "alterati dopo la firma."
        )
    else:
        outcome.notes.append(f"Firma di {MANIFEST} valida (Ed25519, chiave {key.fingerprint}).")
    if installation is None:
        outcome.notes.append("Questa installazione non ha ancora una chiave di firma: non si può dire se è la sua.")
    elif installation.raw == key.raw:
        outcome.notes.append("La chiave è quella di questa installazione.")
    else:
        outcome.notes.append(
            f"La chiave NON è quella di questa installazione ({installation.fingerprint}): confrontala con quella che "
            "l'ente pubblica."
        )


def _check_stated_key(manifest: dict[str, Any], outcome: Outcome) -> None:
    stated = _mapping(manifest.get("signature")).get("public_key", "")
    if outcome.key is not None and outcome.key.base64 != stated:
        outcome.problems.append(f"La chiave in {PUBLIC_KEY} non è quella in {MANIFEST}: una è stata sostituita.")


def _check_files(members: dict[str, bytes], manifest: dict[str, Any], outcome: Outcome) -> None:
    listed, before = set(), len(outcome.problems)
    for entry in manifest["files"]:
        name = str(entry.get("name", "")) if isinstance(entry, dict) else ""
        listed.add(name)
        data = members.get(name)
        if data is None:
            outcome.problems.append(f"Il file {name} è nel manifesto ma manca nell'archivio.")
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest != entry.get("sha256"):
            outcome.problems.append(
                f"Il file {name} è stato modificato: la sua impronta SHA-256 è {digest}, il manifesto indica "
                f"{entry.get('sha256')}."
            )
    for name in sorted(set(members) - listed - {MANIFEST, SIGNATURE}):
        outcome.problems.append(f"Il file {name} è nell'archivio ma non nel manifesto: è stato aggiunto dopo la firma.")
    if len(outcome.problems) == before:
        outcome.notes.append(f"Impronte SHA-256 dei {len(listed)} file corrispondenti al manifesto.")


def _check_chain(members: dict[str, bytes], manifest: dict[str, Any], outcome: Outcome) -> None:
    stated = _mapping(manifest.get("audit_trail"))
    name = str(stated.get("file") or TRAIL)
    raw = members.get(name)
    if raw is None:
        outcome.problems.append(f"Manca {name}, il registro delle operazioni: la catena non si può ricalcolare.")
        return
    try:
        document = json.loads(raw.decode("utf-8"))
        rows = document["rows"]
        assert isinstance(rows, list) and all(isinstance(row, dict) for row in rows)
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AssertionError):
        outcome.problems.append(f"{name} non è un registro leggibile: la catena non si può ricalcolare.")
        return
    summary = {
        "first_seq": rows[0].get("seq") if rows else None,
        "first_prev_hash": rows[0].get("prev_hash") if rows else "",
        "last_seq": rows[-1].get("seq") if rows else None,
        "last_hash": rows[-1].get("hash") if rows else "",
        "row_count": len(rows),
    }
    different = [key for key, value in summary.items() if stated.get(key) != value]
    if different:
        outcome.problems.append(
            f"Il registro {name} non è quello descritto nel manifesto ({', '.join(different)} diversi): "
            "sono state tolte, aggiunte o cambiate voci."
        )
    broken = trail.check_rows(rows, str(stated.get("first_prev_hash") or ""))
    outcome.problems.extend(f"Registro {name}: {problem.describe()}." for problem in broken)
    if not broken and rows:
        outcome.notes.append(
            f"Catena del registro integra: {len(rows)} voci, dalla n. {summary['first_seq']} alla n. "
            f"{summary['last_seq']}, ultima impronta {summary['last_hash']}."
        )
    elif not rows:
        outcome.problems.append(f"Il registro {name} è vuoto: il pacchetto non contiene la catena delle impronte.")


def verify_pack(data: bytes, *, installation: signing.PublicKey | None) -> Outcome:
    outcome = Outcome()
    members = _members(data, outcome)
    if members is None:
        return outcome
    _check_signature(members, installation, outcome)
    manifest = _manifest(members, outcome)
    if manifest is None:
        return outcome
    _check_stated_key(manifest, outcome)
    _check_files(members, manifest, outcome)
    _check_chain(members, manifest, outcome)
    return outcome
