"""The evidence files of a measurement: which files are accepted, and how they are stored.

A file is accepted when its extension is on the allow-list AND its first bytes are what that kind of file starts
with: a renamed executable, a script saved as `.pdf` or a random archive called `.docx` is refused, naming the file.
The type recorded is the one the extension stands for, never what the browser claimed. Office and OpenDocument
files are ZIP archives: their table of contents (read, never extracted) must hold the parts of their kind.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from plans.models import Measurement, MeasurementEvidence

HEAD_BYTES = 8192  # enough for every signature below, and to tell a text from a binary file
NAME_CHARS = 200  # MeasurementEvidence.name
STORED_NAME_CHARS = 100  # the stored file's own name: its folder takes the rest of the field's 300

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the legacy .doc, .xls and .ppt
ZIP = b"PK\x03\x04"
TEXT_CONTROLS = frozenset(b"\t\n\r\f")


def _starts(*signatures: bytes) -> Callable[[bytes, IO[bytes]], bool]:
    return lambda head, _file: head.startswith(signatures)


def _webp(head: bytes, _file: IO[bytes]) -> bool:
    return head.startswith(b"RIFF") and head[8:12] == b"WEBP"


def _text(head: bytes, _file: IO[bytes]) -> bool:
    """No NUL and no control character but tabs and line ends: text, in whatever 8-bit encoding Excel chose."""
    return all(byte >= 0x20 or byte in TEXT_CONTROLS for byte in head)


def _zip_with(check: Callable[[zipfile.ZipFile], bool]) -> Callable[[bytes, IO[bytes]], bool]:
    def test(head: bytes, file: IO[bytes]) -> bool:
        if not head.startswith(ZIP):
            return False
        try:
            with zipfile.ZipFile(file) as archive:  # reads the central directory only
                return check(archive)
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
            return False  # not a readable archive: not the kind its name says
        finally:
            file.seek(0)

    return test


def _ooxml(folder: str) -> Callable[[bytes, IO[bytes]], bool]:
    def parts(archive: zipfile.ZipFile) -> bool:
        names = archive.namelist()
        return "[Content_Types].xml" in names and any(name.startswith(folder) for name in names)

    return _zip_with(parts)


def _opendocument(mimetype: str) -> Callable[[bytes, IO[bytes]], bool]:
    expected = mimetype.encode()

    def parts(archive: zipfile.ZipFile) -> bool:
        try:
            entry = archive.getinfo("mimetype")
        except KeyError:
            return False
        # The standard stores the entry first and uncompressed; whatever it claims, read no more than its name's
        # length: a compressed "mimetype" of gigabytes (a zip bomb) is never inflated, an encrypted one never read.
        if entry.flag_bits & 0x1 or entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            return False
        with archive.open(entry) as stream:
            return stream.read(len(expected) + 2).strip() == expected

    return _zip_with(parts)


@dataclass(frozen=True)
class Kind:
    content_type: str
    matches: Callable[[bytes, IO[bytes]], bool]


_PDF = Kind("application/pdf", _starts(b"%PDF-"))
_JPEG = Kind("image/jpeg", _starts(b"\xff\xd8\xff"))
_ODF = "application/vnd.oasis.opendocument."
_OOXML = "application/vnd.openxmlformats-officedocument."
KINDS: dict[str, Kind] = {
    ".pdf": _PDF,
    ".png": Kind("image/png", _starts(b"\x89PNG\r\n\x1a\n")),
    ".jpg": _JPEG,
    ".jpeg": _JPEG,
    ".gif": Kind("image/gif", _starts(b"GIF87a", b"GIF89a")),
    ".webp": Kind("image/webp", _webp),
    ".tif": Kind("image/tiff", _starts(b"II*\x00", b"MM\x00*")),
    ".tiff": Kind("image/tiff", _starts(b"II*\x00", b"MM\x00*")),
    ".doc": Kind("application/msword", _starts(OLE2)),
    ".xls": Kind("application/vnd.ms-excel", _starts(OLE2)),
    ".ppt": Kind("application/vnd.ms-powerpoint", _starts(OLE2)),
    ".docx": Kind(_OOXML + "wordprocessingml.document", _ooxml("word/")),
    ".xlsx": Kind(_OOXML + "spreadsheetml.sheet", _ooxml("xl/")),
    ".pptx": Kind(_OOXML + "presentationml.presentation", _ooxml("ppt/")),
    ".odt": Kind(_ODF + "text", _opendocument(_ODF + "text")),
    ".ods": Kind(_ODF + "spreadsheet", _opendocument(_ODF + "spreadsheet")),
    ".odp": Kind(_ODF + "presentation", _opendocument(_ODF + "presentation")),
    ".csv": Kind("text/csv", _text),
    ".txt": Kind("text/plain", _text),
}


def accepted_extensions() -> str:
    return ", ".join(sorted(KINDS))


@dataclass(frozen=True)
class CheckedFile:
    file: UploadedFile
    name: str
    content_type: str


def _problem(upload: UploadedFile) -> str | None:
    name = upload.name or ""
    extension = PurePath(name).suffix.lower()
    kind = KINDS.get(extension)
    if kind is None:
        return _("«%(name)s»: questo tipo di file non è ammesso. Sono ammessi: %(accepted)s.") % {
            "name": name,
            "accepted": accepted_extensions(),
        }
    if upload.size is None or upload.size > settings.EVIDENCE_MAX_BYTES:
        return _(
            "«%(name)s» pesa %(size)s: il massimo è %(limit)s. Riducilo (ad esempio un PDF compresso) e riprova."
        ) % {
            "name": name,
            "size": filesizeformat(upload.size or 0),
            "limit": filesizeformat(settings.EVIDENCE_MAX_BYTES),
        }
    if upload.size == 0:
        return _("«%(name)s» è vuoto: scegli il file giusto.") % {"name": name}
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if not kind.matches(head, upload):
        return _(
            "«%(name)s» non è un file %(extension)s: il contenuto non corrisponde all'estensione. Salvalo di nuovo "
            "nel formato giusto e riprova."
        ) % {"name": name, "extension": extension.lstrip(".").upper()}
    return None


def check_files(uploads: Iterable[UploadedFile]) -> tuple[list[CheckedFile], list[str]]:
    """The files that may be kept, and a message for each one refused (naming it)."""
    uploads = list(uploads)
    problems: list[str] = []
    if len(uploads) > settings.EVIDENCE_MAX_FILES:
        problems.append(
            _("Hai scelto %(count)d file: al massimo %(limit)d per ogni valore.")
            % {"count": len(uploads), "limit": settings.EVIDENCE_MAX_FILES}
        )
    checked = []
    for upload in uploads:
        problem = _problem(upload)
        if problem:
            problems.append(problem)
        else:
            extension = PurePath(upload.name or "").suffix.lower()
            checked.append(CheckedFile(upload, (upload.name or "")[-NAME_CHARS:], KINDS[extension].content_type))
    return checked, problems


def stored_name(name: str) -> str:
    """A safe, short name for the storage (the original stays in `name`)."""
    path = PurePath(name)
    try:
        stem = get_valid_filename(path.stem)
    except SuspiciousFileOperation:  # nothing left of it ("???")
        stem = "file"
    return f"{stem[: STORED_NAME_CHARS - len(path.suffix)]}{path.suffix.lower()}"


def store_evidence(measurement: Measurement, files: list[CheckedFile], actor: Any) -> list[MeasurementEvidence]:
    """Keep the files through the storage API. On a failure the files already written are removed again."""
    kept: list[MeasurementEvidence] = []
    try:
        for checked in files:
            evidence = MeasurementEvidence(
                measurement=measurement,
                name=checked.name,
                content_type=checked.content_type,
                size=checked.file.size or 0,
                uploaded_by=actor,
            )
            evidence.file.save(stored_name(checked.name), checked.file, save=False)
            kept.append(evidence)
            evidence.save()
    except BaseException:
        discard_files(kept)
        raise
    return kept


def discard_files(evidence: Iterable[MeasurementEvidence]) -> None:
    for item in evidence:
        if item.file.name:
            item.file.storage.delete(item.file.name)
