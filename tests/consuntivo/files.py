"""Small real files of each kind the evidence accepts, and impostors, built in memory."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(13)
CSV = "anno;utenti presi in carico;note\n2026;85;più del previsto\n".encode("cp1252")  # as Italian Excel saves it
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(64)


def archive(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as written:
        for name, content in parts.items():
            written.writestr(name, content)
    return buffer.getvalue()


DOCX = archive({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODS = archive({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<office/>"})
PLAIN_ZIP = archive({"dati.txt": b"not an office document"})


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")
