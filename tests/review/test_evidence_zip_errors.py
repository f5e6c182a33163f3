"""Review of issue 15: an evidence archive that zipfile cannot read for a reason other than BadZipFile, OSError or
ValueError is a 500 on the value's form (workflow/services/evidence.py `_zip_with`)."""

from __future__ import annotations

import pytest
from django.test import Client

from plans.models import Measurement
from tests.consuntivo.files import ODS, upload
from tests.workflow.world import World

pytestmark = pytest.mark.django_db


def flagged(archive: bytes, *, flag: int = 0, method: int | None = None) -> bytes:
    """`archive` with its first entry ("mimetype") marked with `flag` and, if given, compression `method`, in its
    local header and in the central directory."""
    data = bytearray(archive)
    assert data[:4] == b"PK\x03\x04"
    central = data.index(b"PK\x01\x02")
    for flags_at in (6, central + 8):
        data[flags_at] |= flag
        if method is not None:
            data[flags_at + 2 : flags_at + 4] = method.to_bytes(2, "little")
    return bytes(data)


@pytest.mark.parametrize(
    ("what", "content"),
    [
        ("encrypted mimetype entry", flagged(ODS, flag=0x01)),  # RuntimeError: password required
        ("Deflate64 mimetype entry", flagged(ODS, method=9)),  # NotImplementedError: method not supported
    ],
)
def test_an_unreadable_opendocument_is_refused_with_a_message_not_a_500(
    client: Client, world: World, what: str, content: bytes
) -> None:
    client.force_login(world.sara)
    client.raise_request_exception = False
    answer = client.post(
        f"/indicatori/{world.indicator.pk}/valori/",
        {"year": "2026", "value": "85", "evidence": [upload("dati.ods", content)]},
    )
    assert answer.status_code == 400, f"{what}: {answer.status_code}"
    assert Measurement.objects.count() == 0
