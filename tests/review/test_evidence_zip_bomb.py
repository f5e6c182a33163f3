"""Review of issue 15: an OpenDocument evidence file whose `mimetype` entry is a zip bomb.

workflow/services/evidence.py `_opendocument` calls `archive.read("mimetype")`, which inflates the whole entry
into memory. A 10 MB upload (EVIDENCE_MAX_BYTES) deflating at ~1000:1 becomes ~10 GB in the web worker before the
file is refused. The check should read a bounded prefix (the real entry is 39-46 bytes)."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

from tests.consuntivo.files import upload
from workflow.services.evidence import check_files

INFLATED = 64 * 1024 * 1024  # 64 MB of zeros, about 64 KB deflated


def bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("mimetype", "w", force_zip64=True) as entry:
            chunk = bytes(1024 * 1024)
            for _ in range(INFLATED // len(chunk)):
                entry.write(chunk)
        archive.writestr("content.xml", b"<office/>")
    return buffer.getvalue()


def test_an_ods_zip_bomb_is_refused_without_inflating_it() -> None:
    content = bomb()
    assert len(content) < 1024 * 1024  # a small upload, well under EVIDENCE_MAX_BYTES
    tracemalloc.start()
    try:
        kept, problems = check_files([upload("dati.ods", content)])
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert kept == [] and problems  # refused: not an OpenDocument spreadsheet
    # Today the whole 64 MB entry is inflated into one bytes object (peak > 64 MB): amplification ~1000x.
    assert peak < 8 * 1024 * 1024, f"checking a {len(content)} byte upload allocated {peak} bytes"
