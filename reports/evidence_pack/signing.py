"""The installation's signing key for evidence packs: Ed25519, kept in a PEM file (EVIDENCE_SIGNING_KEY_FILE).

Where no file exists yet the first pack creates one (the embedded default under var/, for the demo and a first
run). In production the file is the installation's identity: keep it on a volume that survives an upgrade, back
it up with the database, and publish its fingerprint (`manage.py verify_evidence` says whether a pack was signed
with this installation's key or another one).
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

ALGORITHM = "Ed25519"


@dataclass(frozen=True)
class PublicKey:
    """A public key as the pack carries it: raw bytes, and their SHA-256 as the fingerprint people compare."""

    raw: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.raw)

    @property
    def base64(self) -> str:
        return base64.b64encode(self.raw).decode("ascii")

    def pem(self) -> bytes:
        return Ed25519PublicKey.from_public_bytes(self.raw).public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def fingerprint(raw: bytes) -> str:
    """ "SHA256:ab12…": the hex SHA-256 of the raw 32-byte key, what people compare to tell two keys apart."""
    return "SHA256:" + hashlib.sha256(raw).hexdigest()


def key_path() -> Path:
    return Path(settings.EVIDENCE_SIGNING_KEY_FILE)


def _raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _create(path: Path) -> None:
    """Write a new key, readable by its owner only; a key another process wrote first is kept (O_EXCL)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)


class SigningKeyError(Exception):
    """The key file is there but is not an Ed25519 private key: the message says which file and what to do."""


def installation_key(*, create: bool = True) -> Ed25519PrivateKey | None:
    """The installation's private key; created on first use when `create`, else None when there is none."""
    path = key_path()
    if not path.exists():
        if not create:
            return None
        _create(path)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as error:
        raise SigningKeyError(
            f"Il file della chiave di firma {path} (EVIDENCE_SIGNING_KEY_FILE) non contiene una chiave privata "
            f"Ed25519 in formato PEM senza password: {error}"
        ) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(
            f"La chiave in {path} (EVIDENCE_SIGNING_KEY_FILE) non è Ed25519: generane una con "
            "`openssl genpkey -algorithm ed25519 -out chiave.pem`."
        )
    return key


def installation_public_key(*, create: bool = False) -> PublicKey | None:
    """This installation's public key; None when it has none yet and `create` is off."""
    key = installation_key(create=create)
    return PublicKey(_raw_public(key)) if key is not None else None


def sign(data: bytes) -> tuple[bytes, PublicKey]:
    """The signature of `data` with the installation's key (created on first use), and the public key."""
    key = installation_key()
    assert key is not None  # created above when missing
    return key.sign(data), PublicKey(_raw_public(key))


def load_public_pem(pem: bytes) -> PublicKey | None:
    """The Ed25519 public key of a PEM file, or None when it is not one."""
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError):
        return None
    if not isinstance(key, Ed25519PublicKey):
        return None
    return PublicKey(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def signature_holds(public: PublicKey, signature: bytes, data: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public.raw).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True
