"""Each malformed file is refused with its location and what to do, and nothing is written."""

from __future__ import annotations

import copy
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from plans.importing.documents import SourceMap
from plans.importing.errors import DocPath, format_path
from plans.importing.schema_check import compiled_check, schema_errors
from plans.importing.service import load_document
from plans.importing.validation import plan_check, plan_validator
from plans.models import Activity, Objective, Organization, Plan
from tests.plans.test_import_plan import run_import, small_plan, write

pytestmark = pytest.mark.django_db


def refused(path: Path) -> str:
    """Import `path`, expect a refusal, check that nothing was written, return the message."""
    before = [model.objects.count() for model in (Organization, Plan, Objective, Activity)]
    with pytest.raises(CommandError) as refusal:
        call_command("import_plan", str(path))
    assert [model.objects.count() for model in (Organization, Plan, Objective, Activity)] == before
    message = str(refusal.value)
    assert message.startswith("Il file non è stato importato")
    return message


def edited(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    document = small_plan()
    change(document)
    return document


def test_wrong_type_names_line_column_field_and_expectation(tmp_path: Path) -> None:
    document = edited(lambda d: d["plan"].__setitem__("year_start", "duemilaventisei"))
    message = refused(write(tmp_path, document))
    assert "piano.yaml, riga" in message and "(plan.year_start)" in message
    assert "atteso un numero intero, trovato un testo ('duemilaventisei')" in message


def test_unknown_area_says_which_areas_exist(tmp_path: Path) -> None:
    message = refused(write(tmp_path, edited(lambda d: d["objectives"][0]["areas"].append("XYZ"))))
    assert "(objectives[1].areas[3])" in message
    assert "area sconosciuta «XYZ»" in message and "(FIN, SOC)" in message


def test_impossible_date_is_refused_with_the_format_to_use(tmp_path: Path) -> None:
    document = edited(lambda d: d["objectives"][0]["reports"][0].__setitem__("date", "2026-02-30"))
    message = refused(write(tmp_path, document))
    assert "(objectives[1].reports[1].date)" in message
    assert "«2026-02-30» non è una data valida" in message and "AAAA-MM-GG" in message


def test_duplicate_objective_code_points_at_both_rows(tmp_path: Path) -> None:
    def duplicate(document: dict[str, Any]) -> None:
        document["objectives"].append(dict(document["objectives"][0], title="Un altro"))

    message = refused(write(tmp_path, edited(duplicate)))
    assert "(objectives[2].code)" in message
    assert "Il codice obiettivo «OB-1» è ripetuto (già usato all'elemento 1)" in message


def test_missing_xlsx_column_names_sheet_and_header(tmp_path: Path) -> None:
    path = write(tmp_path, small_plan(), ".xlsx")
    book = load_workbook(path)
    book["Attività"].delete_cols(2)  # the "Attività" (description) column
    book.save(path)
    message = refused(path)
    assert "piano.xlsx, foglio «Attività», riga 1: manca la colonna «Attività»" in message


def test_missing_yaml_field_says_which(tmp_path: Path) -> None:
    message = refused(write(tmp_path, edited(lambda d: d["objectives"][0].pop("title"))))
    assert "(objectives[1])" in message and "manca il campo obbligatorio «title»" in message


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".xlsx"])
def test_truncated_file_is_refused(tmp_path: Path, suffix: str) -> None:
    path = write(tmp_path, small_plan(), suffix)
    content = path.read_bytes()
    path.write_bytes(content[: len(content) * 2 // 3])
    message = refused(path)
    assert "troncato" in message


def test_truncated_yaml_reports_the_line(tmp_path: Path) -> None:
    path = tmp_path / "piano.yaml"
    path.write_text(yaml.safe_dump(small_plan(), sort_keys=False) + "objectives:\n  - code: 'OB-2\n", encoding="utf-8")
    assert "piano.yaml, riga" in refused(path)


def test_xlsx_cell_errors_name_sheet_row_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, small_plan(), ".xlsx")
    book = load_workbook(path)
    book["Valori"]["D2"] = "anno?"
    book.save(path)
    message = refused(path)
    assert "foglio «Valori», riga 2, colonna D «Anno»" in message
    assert "atteso un numero intero" in message


def test_xlsx_row_of_an_unknown_objective_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, small_plan(), ".xlsx")
    book = load_workbook(path)
    book["Attività"]["A3"] = "OB-99"
    book.save(path)
    message = refused(path)
    assert "foglio «Attività», riga 3, colonna A «Obiettivo»: obiettivo sconosciuto" in message


def test_unknown_owner_is_refused(tmp_path: Path) -> None:
    document = edited(lambda d: d["objectives"][0]["activities"][0].__setitem__("owner", "nessuno"))
    message = refused(write(tmp_path, document))
    assert "(objectives[1].activities[1].owner)" in message and "utente «nessuno» inesistente" in message


def test_unreadable_amount_is_refused(tmp_path: Path) -> None:
    message = refused(write(tmp_path, edited(lambda d: d["objectives"][0].__setitem__("budget_income", "12,3,4"))))
    assert "(objectives[1].budget_income)" in message and "6.195.143,71" in message


def test_unknown_extension_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "piano.odt"
    path.write_text("x", encoding="utf-8")
    assert "Usa un file .yaml, .yml, .json, .xlsx o un documento Word .docx" in refused(path)


def test_a_refused_update_leaves_the_previous_import_intact(tmp_path: Path) -> None:
    run_import(write(tmp_path, small_plan()))
    broken = small_plan()
    broken["objectives"][0]["title"] = "Titolo nuovo"
    broken["objectives"][0]["activities"][0]["owner"] = "nessuno"
    refused(write(tmp_path, broken))
    assert Objective.objects.get(code="OB-1").title == "Cartella sociale informatizzata"


# --- where an error is, and which errors there are, whatever shortcut the importer takes ------------------


def pyyaml_positions(text: str) -> dict[DocPath, tuple[int, int]]:
    """The reference: the line and column of every value as PyYAML's own (pure Python) composer marks it."""
    positions: dict[DocPath, tuple[int, int]] = {}
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    assert root is not None
    stack: list[tuple[yaml.Node, DocPath]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            stack += [(value, (*path, str(key.value))) for key, value in node.value]
        elif isinstance(node, yaml.SequenceNode):
            stack += [(child, (*path, index)) for index, child in enumerate(node.value)]
    return positions


def reference_where(name: str, positions: dict[DocPath, tuple[int, int]], doc_path: DocPath) -> str:
    probe = doc_path
    while probe not in positions and probe:
        probe = probe[:-1]
    line, column = positions[probe]
    where = f"{name}, riga {line}, colonna {column}"
    return f"{where} ({format_path(doc_path)})" if doc_path else where


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_every_location_is_the_line_and_column_yaml_marks(tmp_path: Path, suffix: str) -> None:
    document = small_plan()
    # Characters of every width and YAML's rarer line breaks, before values on the same line.
    document["objectives"][0]["title"] = "Città – “qualità” 𝄞 € \u2028 ok"
    document["objectives"][0]["activities"][0]["description"] = "Verifica\x85 dell'attività 𝄞"
    path = write(tmp_path, document, suffix)
    positions = pyyaml_positions(path.read_text(encoding="utf-8"))
    _document, locate = load_document(path)
    paths = [*positions, ("objectives", 0, "manca"), ("objectives", 7), ("areas", 1, "code", "oltre")]
    for doc_path in paths:
        assert locate(doc_path) == reference_where(path.name, positions, doc_path)


def test_a_valid_file_never_builds_the_source_map(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: SourceMap) -> None:
        raise AssertionError("the source map was built for a valid file")

    monkeypatch.setattr(SourceMap, "_build", refuse)
    run_import(write(tmp_path, small_plan(), ".json"))
    assert Objective.objects.filter(code="OB-1").exists()


def test_many_errors_build_the_source_map_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    builds = []
    build = SourceMap._build

    def counted(self: SourceMap) -> Any:
        builds.append(self)
        return build(self)

    monkeypatch.setattr(SourceMap, "_build", counted)
    document = small_plan()
    document["objectives"][0]["areas"] += ["XYZ", "QQQ"]
    document["objectives"][0]["indicators"][0]["targets"].append({"year": 2031, "value": "80%"})
    message = refused(write(tmp_path, document, ".json"))
    assert message.count("piano.json, riga") == 3
    assert len(builds) == 1


def test_a_file_changed_after_reading_is_located_by_path_only(tmp_path: Path) -> None:
    path = write(tmp_path, small_plan(), ".json")
    _document, locate = load_document(path)
    path.write_text(path.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    assert locate(("objectives", 0, "title")) == "piano.json (objectives[1].title)"


VALUES: list[Any] = [None, True, False, 0, 1, 1.0, 1.5, -1, 1989, 2101, "", " x", "x", "a" * 301, "2026-02-30"]
VALUES += ["20261231", [], {}, ["x"], {"a": 1}, "piao", "traguardi-plan/1", "comune", "12-31"]


def mutants(count: int, seed: int) -> Iterator[dict[str, Any]]:
    """Copies of a plan with one to three values replaced, removed or added, anywhere."""
    base = small_plan()
    base["objectives"].append(dict(copy.deepcopy(base["objectives"][0]), code="OB-2", parent="OB-1"))
    base["action_sheets"] = [{"code": "S-1", "title": "Scheda", "indicators": ["Utenti"], "area": "SOC"}]
    paths: list[DocPath] = []
    stack: list[tuple[Any, DocPath]] = [(base, ())]
    while stack:
        node, path = stack.pop()
        paths.append(path)
        children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
        stack += [(child, (*path, key)) for key, child in children]
    chosen = random.Random(seed)
    for _ in range(count):
        document = copy.deepcopy(base)
        for _change in range(chosen.randint(1, 3)):
            *parents, last = chosen.choice(paths[1:])
            try:
                holder: Any = document
                for part in parents:
                    holder = holder[part]
                if chosen.random() < 0.7:
                    holder[last] = copy.deepcopy(chosen.choice(VALUES))
                elif isinstance(holder, dict):
                    holder.pop(last, None)
                    holder["extra"] = 1 if chosen.random() < 0.3 else holder.get("extra")
            except (KeyError, IndexError, TypeError):
                continue  # an earlier change removed or replaced the way there
        yield document


def described(errors: list[jsonschema.ValidationError]) -> list[tuple[Any, ...]]:
    ordered = sorted(errors, key=lambda error: [str(part) for part in error.absolute_path])
    return [(list(e.absolute_path), e.validator, e.validator_value, repr(e.instance), e.message) for e in ordered]


def test_the_compiled_check_and_the_pruned_errors_agree_with_jsonschema() -> None:
    validator, check = plan_validator(), plan_check()
    assert check is not None
    refused_documents = 0
    for document in mutants(600, seed=6):
        errors = list(validator.iter_errors(document))
        assert check(document) is (not errors)
        assert described(schema_errors(validator, document)) == described(errors)
        refused_documents += bool(errors)
    assert refused_documents > 300  # the mutations do break documents, in many ways


def test_a_schema_with_other_keywords_is_left_to_jsonschema() -> None:
    assert compiled_check({"oneOf": [{"type": "string"}]}, jsonschema.FormatChecker()) is None
    assert compiled_check({"enum": [1, "a"]}, jsonschema.FormatChecker()) is None
