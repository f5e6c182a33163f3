"""English is available: the en catalogue translates every Italian msgid, it is compiled, and models and
pages switch language with the request (LocaleMiddleware) or translation.override."""

from __future__ import annotations

import ast
import gettext
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from plans.models import Activity
from plans.models.states import WorkState

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"
HOME_SENTENCE_IT = "Il ciclo della performance: obiettivi, attività, indicatori, approvazioni e scadenze."
HOME_SENTENCE_EN = "The performance cycle: objectives, activities, indicators, approvals and deadlines."


@dataclass
class PoEntry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # index 0 for a singular entry


def read_po(path: Path) -> list[PoEntry]:
    """A small .po reader: entries separated by blank lines, `#,` flags, keywords followed by one or more
    C-quoted strings that are concatenated. Obsolete (`#~`) entries are skipped."""
    entries: list[PoEntry] = []
    entry: PoEntry | None = None
    current: tuple[str, int] | None = None  # the keyword the next continuation string belongs to

    def append(keyword: str, index: int, text: str) -> None:
        assert entry is not None
        if keyword == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + text
        elif keyword == "msgid":
            entry.msgid += text
        elif keyword == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + text
        else:
            entry.msgstr[index] = entry.msgstr.get(index, "") + text

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line and entry is not None and entry.msgstr:
                entries.append(entry)
                entry, current = None, None
            continue
        if line.startswith("#"):
            if entry is not None and entry.msgstr:  # a comment after a complete entry opens the next one
                entries.append(entry)
                entry, current = None, None
            if entry is None:
                entry = PoEntry(line=number)
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith('"'):
            assert current is not None, f"{path}:{number}: a string outside any keyword"
            append(*current, ast.literal_eval(line))
            continue
        keyword, _, rest = line.partition(" ")
        index = 0
        if keyword.startswith("msgstr["):
            index, keyword = int(keyword[len("msgstr[") : -1]), "msgstr"
        assert keyword in {"msgctxt", "msgid", "msgid_plural", "msgstr"}, f"{path}:{number}: {line!r}"
        if keyword in {"msgctxt", "msgid"} and entry is not None and entry.msgstr:
            entries.append(entry)
            entry = None
        if entry is None:
            entry = PoEntry(line=number)
        current = (keyword, index)
        append(keyword, index, ast.literal_eval(rest))
    if entry is not None and entry.msgstr:
        entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[PoEntry]:
    entries = read_po(PO_FILE)
    assert entries and entries[0].msgid == "", "the catalogue starts with its header"
    return entries


def test_every_english_entry_is_translated(po_entries: list[PoEntry]) -> None:
    messages = po_entries[1:]
    assert len(messages) > 100
    untranslated = [entry.msgid for entry in messages if not all(text.strip() for text in entry.msgstr.values())]
    assert untranslated == []
    assert all(0 in entry.msgstr for entry in messages)


def test_no_entry_is_fuzzy(po_entries: list[PoEntry]) -> None:
    # gettext ignores fuzzy translations, and a fuzzy header would be ignored too.
    assert [entry.msgid for entry in po_entries if "fuzzy" in entry.flags] == []


def test_header_declares_english_utf8(po_entries: list[PoEntry]) -> None:
    header = po_entries[0].msgstr[0]
    assert "Language: en\n" in header
    assert "charset=UTF-8" in header


def test_python_format_placeholders_are_kept(po_entries: list[PoEntry]) -> None:
    for entry in po_entries[1:]:
        if "python-format" in entry.flags or "python-brace-format" in entry.flags:
            for text in entry.msgstr.values():
                for placeholder in ("%s", "%d", "%(", "{"):
                    assert entry.msgid.count(placeholder) == text.count(placeholder), entry.msgid


def test_compiled_catalogue_matches_the_po_file(po_entries: list[PoEntry]) -> None:
    # The .mo is what Django reads: it must exist and carry every translation of the .po.
    assert MO_FILE.is_file(), "run: manage.py compilemessages -l en"
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in po_entries[1:]:
        if entry.msgctxt is None and entry.msgid_plural is None:
            assert compiled.gettext(entry.msgid) == entry.msgstr[0], entry.msgid


def test_django_serves_every_english_translation(po_entries: list[PoEntry]) -> None:
    with translation.override("en"):
        for entry in po_entries[1:]:
            if entry.msgctxt is None and entry.msgid_plural is None:
                assert translation.gettext(entry.msgid) == entry.msgstr[0], entry.msgid


@pytest.mark.parametrize(
    ("msgid", "english"),
    [
        ("scadenza prevista", "planned deadline"),
        ("valore atteso", "expected value"),
        ("valore consuntivo", "actual value"),
        ("ente", "organization"),
        ("referente", "owner"),
        ("Organismo di valutazione (OIV)", "Independent evaluation body (OIV)"),
    ],
)
def test_a_handful_of_domain_terms(msgid: str, english: str) -> None:
    with translation.override("en"):
        assert translation.gettext(msgid) == english
    with translation.override("it"):
        assert translation.gettext(msgid) == msgid


def test_model_labels_follow_the_active_language() -> None:
    field_label = Activity._meta.get_field("planned_end").verbose_name
    with translation.override("en"):
        assert str(field_label) == "planned deadline"
        assert str(Activity._meta.verbose_name) == "activity"
        assert WorkState.CONCLUSO.label == "Completed"
        assert [str(label) for _, label in WorkState.choices] == ["Planned", "Started", "Completed", "Postponed"]
    with translation.override("it"):
        assert str(field_label) == "scadenza prevista"
        assert str(Activity._meta.verbose_name) == "attività"
        assert WorkState.CONCLUSO.label == "Concluso"
        assert [str(label) for _, label in WorkState.choices] == ["Programmato", "Avviato", "Concluso", "Rinviato"]


@pytest.mark.django_db
def test_home_page_in_english_for_an_english_browser(client: Client) -> None:
    response = client.get("/", headers={"accept-language": "en"})
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    page = response.content.decode()
    assert '<html lang="en"' in page
    assert HOME_SENTENCE_EN in page
    assert HOME_SENTENCE_IT not in page
    assert "Administration" in page


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{"accept-language": "it"}, {}], ids=["it", "no-header"])
def test_home_page_in_italian_otherwise(client: Client, headers: dict[str, str]) -> None:
    response = client.get("/", headers=headers)
    assert response.status_code == 200
    assert response["Content-Language"] == "it"
    page = response.content.decode()
    assert '<html lang="it"' in page
    assert HOME_SENTENCE_IT in page
    assert HOME_SENTENCE_EN not in page
    assert "Amministrazione" in page
