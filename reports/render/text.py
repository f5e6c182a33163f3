"""Text clean-up shared by the office formats."""

from __future__ import annotations

import re

# Control characters that XML 1.0 (DOCX, XLSX) cannot hold; tab, newline and carriage return are fine.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)
