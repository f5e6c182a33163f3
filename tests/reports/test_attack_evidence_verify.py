"""Attacks on `verify_evidence`: a manifest or a trail altered into other JSON shapes (a string where an object
is, a list where a mapping is) is named as altered, never a traceback."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from reports.evidence_pack.verify import MANIFEST, TRAIL, verify_pack


def _pack(manifest: Any, trail: Any = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(MANIFEST, json.dumps(manifest))
        if trail is not None:
            archive.writestr(TRAIL, json.dumps(trail))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("manifest", "trail"),
    [
        ({"files": [], "signature": "x"}, None),
        ({"files": [], "signature": ["x"]}, None),
        ({"files": [], "audit_trail": ["x"]}, None),
        ({"files": [], "audit_trail": "x"}, None),
        ({"files": [{"name": ["a"], "sha256": 1}, None, 5]}, None),
        ({"files": [], "audit_trail": {"file": TRAIL}}, {"rows": [{"seq": 1, "content": ["x"]}]}),
        ({"files": [], "audit_trail": {"file": TRAIL}}, {"rows": [{"seq": 1, "content": "x", "hash": 5}]}),
        ({"files": [], "audit_trail": {"file": TRAIL}}, {"rows": [{"seq": True, "content": {"at": 5, "id": []}}]}),
    ],
)
def test_an_altered_manifest_or_trail_is_named_not_a_traceback(manifest: Any, trail: Any) -> None:
    outcome = verify_pack(_pack(manifest, trail), installation=None)
    assert not outcome.intact
    assert outcome.problems
