"""Checks on the demo plan files in plans/demo/.

The YAML files are conversions of the three seed documents in ``<repo>/../shared/seeds/``.
These tests need no database and no Django settings (run with ``-p no:django``).

* every file validates against ``plans/schema/plan.schema.json``;
* structure, counts and explicit spot values are checked on the YAML alone;
* when the seeds are available, a small independent parser re-reads them and checks that every
  activity row, indicator row and report of the seed is in the YAML, in order.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator, FormatChecker

from tests.parsing.seeds import SEEDS_DIR

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "plans" / "demo"
SCHEMA = REPO / "plans" / "schema" / "plan.schema.json"
SEEDS = SEEDS_DIR

FILES = ["relazione-2021.yaml", "peg-2019.yaml", "piano-di-zona.yaml"]
SEED_002 = "002_65db54c7f61cb771.txt"
SEED_001 = "001_c71833301f1f6255.txt"
SEED_004 = "004_be9a6b5a6f2512fd.txt"

TAG = re.compile(r"<[^>]+>")


def load(name: str) -> dict:
    with (DEMO / name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def seed(name: str) -> str:
    path = SEEDS / name
    if not path.is_file():
        pytest.skip(f"seed document not available: {path} (the shared seeds folder is missing)")
    return path.read_text(encoding="utf-8")


def norm(text: str) -> str:
    """Remove HTML tags and collapse whitespace."""
    return re.sub(r"\s+", " ", TAG.sub(" ", text)).strip()


def words(text: str) -> list[str]:
    return re.findall(r"\w+", TAG.sub(" ", text))


def tab_cells(line: str) -> list[str]:
    return [TAG.sub("", c).strip() for c in line.split("\t")]


# --------------------------------------------------------------------------- all files


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


@pytest.mark.parametrize("name", FILES)
def test_file_validates_against_schema(name: str, validator: Draft202012Validator) -> None:
    doc = load(name)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


@pytest.mark.parametrize("name", FILES)
def test_file_is_utf8_and_starts_with_format(name: str) -> None:
    text = (DEMO / name).read_text(encoding="utf-8")
    first = next(ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))
    assert first == "format: traguardi-plan/1"
    assert next(iter(load(name))) == "format"


@pytest.mark.parametrize("name", FILES)
def test_references_are_consistent(name: str) -> None:
    doc = load(name)
    area_codes = [a["code"] for a in doc.get("areas", [])]
    assert len(area_codes) == len(set(area_codes))
    for a in doc.get("areas", []):
        if "parent" in a:
            assert a["parent"] in area_codes
    obj_codes = [o["code"] for o in doc.get("objectives", [])]
    assert len(obj_codes) == len(set(obj_codes))
    for o in doc.get("objectives", []):
        assert set(o["areas"]) <= set(area_codes)
        if "parent" in o:
            assert o["parent"] in obj_codes
    for s in doc.get("action_sheets", []):
        assert s["area"] in area_codes


def _all_strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from _all_strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _all_strings(v)


@pytest.mark.parametrize("name", FILES)
def test_no_html_left_and_values_are_text(name: str) -> None:
    doc = load(name)
    for s in _all_strings(doc):
        assert not TAG.search(s), s[:80]
        assert "\u25a1" not in s
        assert s == s.strip(), repr(s[:80])
    # raw values are kept as text (no YAML booleans / numbers sneaking in)
    for o in doc.get("objectives", []):
        for a in o.get("activities", []):
            assert isinstance(a.get("planned", ""), str) and isinstance(a.get("actual", ""), str)
        for i in o.get("indicators", []):
            for t in i.get("targets", []) + i.get("measurements", []):
                assert isinstance(t["value"], str), (o["code"], i["name"], t)
        for k in ("budget_income", "budget_expense"):
            if k in o:
                assert isinstance(o[k], str)


# --------------------------------------------------------------------------- seed 002


@pytest.fixture(scope="module")
def rel() -> dict:
    return load("relazione-2021.yaml")


def _obj(rel: dict, code: str) -> dict:
    return next(o for o in rel["objectives"] if o["code"] == code)


def _act(obj: dict, startswith: str) -> dict:
    matches = [a for a in obj["activities"] if a["description"].startswith(startswith)]
    assert len(matches) == 1, (obj["code"], startswith, matches)
    return matches[0]


def _ind(obj: dict, name: str, index: int = 0) -> dict:
    return [i for i in obj["indicators"] if i["name"] == name][index]


def test_relazione_structure(rel: dict) -> None:
    assert rel["organization"] == {
        "slug": "consorzio-inrete",
        "name": "Consorzio IN.RE.TE.",
        "kind": "consorzio",
    }
    plan = rel["plan"]
    assert (plan["code"], plan["kind"], plan["year_start"], plan["year_end"]) == (
        "RP-2021",
        "relazione",
        2021,
        2021,
    )
    assert plan["title"] == "Relazione sulla Performance 2021"
    assert [(a["code"], a["name"]) for a in rel["areas"]] == [
        ("DIR", "Area Direzione"),
        ("AMM", "Area Amministrativa"),
        ("FIN", "Area Finanziaria"),
        ("MIN", "Area Minori e Famiglie - Adulti"),
        ("DIS", "Area Disabili - Anziani"),
        ("INC", "Area Inclusione e Reti Territoriali"),
    ]
    assert {a["kind"] for a in rel["areas"]} == {"Centro di responsabilità"}
    objs = rel["objectives"]
    assert len(objs) == 18
    per_area = [sum(1 for o in objs if o["areas"] == [a["code"]]) for a in rel["areas"]]
    assert per_area == [3, 1, 2, 3, 5, 4]
    assert [o["code"] for o in objs] == [
        "RP21-DIR-1",
        "RP21-DIR-2",
        "RP21-DIR-3",
        "RP21-AMM-1",
        "RP21-FIN-1",
        "RP21-FIN-2",
        "RP21-MIN-1",
        "RP21-MIN-2",
        "RP21-MIN-3",
        "RP21-DIS-D1",
        "RP21-DIS-D2",
        "RP21-DIS-D3",
        "RP21-DIS-A1",
        "RP21-DIS-A2",
        "RP21-INC-1",
        "RP21-INC-2",
        "RP21-INC-3",
        "RP21-INC-4",
    ]
    assert [(o.get("programme"), o["number"]) for o in objs if o["areas"] == ["DIS"]] == [
        ("Disabili", 1),
        ("Disabili", 2),
        ("Disabili", 3),
        ("Anziani", 1),
        ("Anziani", 2),
    ]
    assert all("programme" not in o for o in objs if o["areas"] != ["DIS"])
    for o in objs:
        assert o["title"] and o["description"] and o["activities"] and o["indicators"]
        assert o["strategic_area"] and o["operational_objective"] and o["peg_project"]
        assert [r["date"] for r in o["reports"]] == ["2021-12-31"]
        for i in o["indicators"]:
            assert [t["year"] for t in i.get("targets", [])] == [2021]
            assert [(m["year"], m["date"]) for m in i.get("measurements", [])] == [(2021, "2021-12-31")]
    assert sum(len(o["activities"]) for o in objs) == 93
    assert sum(len(o["indicators"]) for o in objs) == 53


def test_relazione_spot_values(rel: dict) -> None:
    dir1 = _obj(rel, "RP21-DIR-1")
    a = _act(dir1, "Condivisione in sede di Assemblea consortile")
    assert (a["planned"], a["actual"]) == ("Dicembre", "Febbraio 2022")
    assert dir1["title"].startswith("Avviare il percorso di revisione e rinnovo dell'Accordo di Programma")
    assert (
        dir1["networks"] == 'vedi punto 2.5.7 "Relazioni con i soggetti del territorio" del Piano Programma 2021/2023'
    )
    assert _ind(dir1, "Atti/documenti")["measurements"][0]["value"] == "83"

    a = _act(_obj(rel, "RP21-DIR-2"), "Riorganizzazione di un archivio cartaceo e digitale")
    assert (a["planned"], a["actual"]) == ("Luglio", "avviato Luglio")
    ind = _ind(_obj(rel, "RP21-DIR-2"), "Documenti", 0)
    assert (ind["unit"], ind["targets"][0]["value"], ind["measurements"][0]["value"]) == ("%", "70", "60")

    fin1 = _obj(rel, "RP21-FIN-1")
    a = _act(fin1, "Monitoraggio e verifica dell'andamento dell'obiettivo")
    assert (a["planned"], a["actual"]) == ("Giugno/Ottobre", "Luglio/Novembre")
    a = _act(fin1, "Garantire la partecipazione a momenti formativi")
    assert (a["planned"], a["actual"]) == ("Annuale", "Annuale")
    assert "networks" not in fin1 or fin1["networks"] == ""

    assert (
        _obj(rel, "RP21-FIN-2")["title"] == "Riorganizzazione/ ridefinizione del funzionamento del Servizio Finanziario"
    )
    assert _obj(rel, "RP21-AMM-1")["services"] == "Attività amministrative di supporto"

    a = _act(_obj(rel, "RP21-DIS-D1"), "Mappatura e stato dell'arte")
    assert (a["planned"], a["actual"]) == ("Maggio", "Maggio-Settembre")

    d2 = _obj(rel, "RP21-DIS-D2")
    a = _act(d2, "Condivisione di un documento elaborato congiuntamente")
    assert (a["planned"], a["actual"]) == ("Dicembre", "Attivo il Tavolo di lavoro ASL TO4/EE.GG.")
    a = _act(d2, "Partecipazione del Responsabile Area Disabili")
    assert a["actual"] == "Aprile-Dicembre"
    ind = _ind(d2, "progetti rivalutati")
    assert (ind["unit"], ind["targets"][0]["value"], ind["measurements"][0]["value"]) == ("%", "60%", "60%")

    a1 = _obj(rel, "RP21-DIS-A1")
    assert a1["peg_project"] == "Domiciliarità anziani"
    a = _act(a1, "Costituzione e avvio del tavolo di co-progettazione.")
    assert (a["planned"], a["actual"]) == (
        "Ottobre",
        "Dicembre (si rileva la necessità di attivare un percorso di co-programmazione)",
    )
    a = _act(a1, "Partecipazione al tavolo di co progettazione")
    assert (a["planned"], a["actual"]) == ("Dicembre", "2022")
    ind = _ind(a1, "progetti")
    assert ind["unit"] == "n"
    assert ind["targets"][0]["value"] == ind["measurements"][0]["value"] == "tutti i progetti attivi"

    a2 = _obj(rel, "RP21-DIS-A2")
    assert (a2["strategic_area"], a2["peg_project"]) == ("ANZIANI", "Servizio sociale anziani")
    assert a2["services"] == "Servizio sociale professionale e segretariato sociale"
    assert a2["end_users"] == "Persone che accedono ai servizi consortili dell'Area strategica anziani"

    inc1 = _obj(rel, "RP21-INC-1")
    assert _act(inc1, "Applicazione sperimentale degli elementi informativi")["actual"] == "No"
    inc2 = _obj(rel, "RP21-INC-2")
    a = _act(inc2, "Adeguamento delle procedure consortili")
    assert (a["planned"], a["actual"]) == ("dicembre", "No")
    ind = _ind(inc2, "Atti di Assemblea")
    assert (ind["unit"], ind["targets"][0]["value"], ind["measurements"][0]["value"]) == ("si/no", "si", "no")
    ind = _ind(inc2, "Grado di diffusione")
    assert (ind["unit"], ind["targets"][0]["value"], ind["measurements"][0]["value"]) == ("%", "100%", "50%")
    inc4 = _obj(rel, "RP21-INC-4")
    assert [a["actual"] for a in inc4["activities"]] == ["no", "no", "no", "no"]
    assert [a["planned"] for a in inc4["activities"]] == ["Settembre", "Ottobre", "Ottobre", "Dicembre"]

    min3 = _obj(rel, "RP21-MIN-3")
    ind = _ind(min3, "Cartelle caricate")
    assert (ind["unit"], ind["targets"][0]["value"], ind["measurements"][0]["value"]) == ("%", "95%", "90%")
    assert "<p>" not in min3["reports"][0]["text"]
    assert min3["reports"][0]["text"].count("\n\n") == 3


def test_relazione_cartella_sociale_kept_separately(rel: dict) -> None:
    codes = ["RP21-MIN-3", "RP21-DIS-D3", "RP21-DIS-A2", "RP21-INC-3"]
    objs = [_obj(rel, c) for c in codes]
    for o in objs:
        assert o["title"].startswith("Garantire il costante presidio del sistema informativo")
        assert len(o["activities"]) == 6 and len(o["indicators"]) == 3
    # the small textual differences of each section are kept
    assert objs[1]["title"].endswith("nuovi elementi.") and not objs[0]["title"].endswith(".")
    assert "che qualificano maggiormente" in objs[2]["description"]
    assert "che qualifichino maggiormente" in objs[3]["description"]
    assert "con la spiegazione sintetica" in objs[2]["reports"][0]["text"]
    assert "stabilita dall'obbiettivo" in objs[1]["reports"][0]["text"]
    assert objs[1]["activities"][3]["description"].endswith("omogeneo e corretto .")
    assert objs[0]["peg_project"] == "Servizio Sociale Minori e Famiglie"
    assert objs[3]["end_users"].endswith("inclusione e reti territoriali")


def _seed_002_blocks(text: str) -> list[list[str]]:
    lines = text.split("\n")
    starts = [i for i, ln in enumerate(lines) if ln.startswith("CENTRO DI RESPONSABILITA")]
    return [lines[s : (starts[k + 1] if k + 1 < len(starts) else len(lines))] for k, s in enumerate(starts)]


def _between(block: list[str], start: str, stop: str) -> list[str]:
    out, inside = [], False
    for ln in block:
        if ln.startswith(start):
            inside = True
            continue
        if ln.startswith(stop):
            inside = False
        if inside:
            out.append(ln)
    return out


def test_relazione_matches_seed_tables(rel: dict) -> None:
    blocks = _seed_002_blocks(seed(SEED_002))
    objs = rel["objectives"]
    assert len(blocks) == len(objs) == 18
    for block, obj in zip(blocks, objs, strict=True):
        # activities: every tab line with a Tempi and a Consuntivo, header excluded
        rows = []
        for ln in _between(block, "Modalità di attuazione", "Indicatori di risultato"):
            c = [x for x in tab_cells(ln) if x]
            if not c or c[0].lower() == "attività":
                continue
            assert len(c) == 3, (obj["code"], ln)
            rows.append(tuple(c))
        got = [(a["description"], a["planned"], a["actual"]) for a in obj["activities"]]
        assert got == rows, obj["code"]
        # indicators: name, description, unit, atteso, consuntivo
        indicator_rows: list[tuple[str, ...]] = []
        for ln in _between(block, "Indicatori di risultato", "Report al"):
            c = tab_cells(ln)
            if not any(c) or c[0] == "Indicatore" or c[0] == "":
                continue
            indicator_rows.append(tuple(c[:5]))
        got_indicators = [
            (
                i["name"],
                i["description"],
                i["unit"],
                i["targets"][0]["value"] if i.get("targets") else "",
                i["measurements"][0]["value"] if i.get("measurements") else "",
            )
            for i in obj["indicators"]
        ]
        assert got_indicators == indicator_rows, obj["code"]


def test_relazione_matches_seed_texts(rel: dict) -> None:
    blocks = _seed_002_blocks(seed(SEED_002))
    for block, obj in zip(blocks, rel["objectives"], strict=True):
        whole = norm("\n".join(block))
        assert norm(obj["title"]) in whole, obj["code"]
        for key in (
            "strategic_area",
            "operational_objective",
            "peg_project",
            "services",
            "end_users",
            "networks",
        ):
            if obj.get(key):
                assert norm(obj[key]) in whole, (obj["code"], key)
        desc = norm("\n".join(_between(block, "Descrizione obiettivo", "Modalità di attuazione")))
        assert desc and desc in norm(obj["description"]), obj["code"]
        report = norm("\n".join(_between(block, "Report al 31/12/2021", "CENTRO DI RESPONSABILITA")))
        assert report, obj["code"]
        assert norm(obj["reports"][0]["text"]) == report, obj["code"]


# --------------------------------------------------------------------------- seed 001

PEG_TARGETS = [  # (Tipo, 2019, 2020, 2021) in document order; None = empty cell
    ("PERFORMANCE", "150/1600", "150/1600", "150/1600"),
    ("PERFORMANCE", "=>4", "=>4", "=>4"),
    ("RISULTATO", "24000", "24000", "24000"),
    ("PERFORMANCE", "300/75", "300/75", "300/75"),
    ("PERFORMANCE", "75/94", "75/94", "75/94"),
    ("RISULTATO", "1100", "1100", "1100"),
    ("PERFORMANCE", "2", "2", "2"),
    ("PERFORMANCE", "55/55", "55/55", "55/55"),
    ("RISULTATO", "72", "72", "72"),
    ("RISULTATO", "520/520", "520/520", "520/520"),
    ("PERFORMANCE", "200/200", "200/200", "200/200"),
    ("PERFORMANCE", "4", "4", "4"),
    ("RISULTATO", "1,00", "1,00", "1,00"),
    ("RISULTATO", "31/12/2019", None, None),
    ("PERFORMANCE", "6/6", "6/6", "6/6"),
    ("PERFORMANCE", "75%", "75%", "75%"),
    ("PERFORMANCE", "26", "26", "26"),
    ("PERFORMANCE", "=>8", "=>8", "=>8"),
    ("RISULTATO", "4/4", "4/4", "4/4"),
    ("RISULTATO", "4/4", None, None),
    ("RISULTATO", "18/18", "18/18", "18/18"),
    ("RISULTATO", "4/4", "4/4", "4/4"),
    ("PERFORMANCE", "31/12/2019", None, None),
    ("RISULTATO", "3/3", "3/3", "3/3"),
    ("RISULTATO", "4/4", "4/4", "4/4"),
]

PEG_LINKED = {
    "2019_DN08": ("2019_ZN08", "Interventi sociali territoriali", "6.195.143,71", "7.107.237,18"),
    "2019_DN08_01": (
        "2019_DN08",
        "Interventi a tutela dei diritti dei minori, in collaborazione con l'Autorità Giudiziaria, "
        "a sostegno della genitorialità e della famiglia ed anche attraverso l'affidamento e l'adozione.",
        "298.395,00",
        "701.058,36",
    ),
    "2019_DN08_02": ("2019_DN08", "Marginalità e immigrazione", "805.084,97", "1.963.975,99"),
    "2019_DN08_03": (
        "2019_DN08",
        "Attività di Osservatorio Sociale e supporto al Sistema Informativo DSS",
        "0,00",
        "42.829,14",
    ),
    "2019_DN08_04": (
        "2019_DN08",
        "Interventi di inclusione sociale a favore di Adulti fragili e Famiglie in condizione di svantaggio.",
        "0,00",
        "0,00",
    ),
    "2019_DN08_05": (
        "2019_DN08",
        "Attività professionale del servizio sociale area Anziani e Disabili",
        "0,00",
        "0,00",
    ),
}


@pytest.fixture(scope="module")
def peg() -> dict:
    return load("peg-2019.yaml")


def test_peg_structure(peg: dict) -> None:
    assert peg["organization"]["slug"] == "comune-peg-2019"
    assert peg["organization"]["kind"] == "comune"
    plan = peg["plan"]
    assert (plan["code"], plan["kind"], plan["year_start"], plan["year_end"]) == (
        "PEG-2019",
        "peg",
        2019,
        2021,
    )
    assert peg["areas"] == [
        {"code": "DSS", "name": "Servizi Sociali", "kind": "Direzione", "head_name": "CAVALLERI VINCENZO"},
        {
            "code": "SSP",
            "name": "Servizio Sociale Professionale",
            "kind": "Servizio",
            "parent": "DSS",
            "head_name": "LICITRA ALESSANDRO",
        },
    ]
    zn = peg["objectives"][0]
    assert zn["code"] == "2019_ZN08"
    assert zn["title"] == "Obiettivo di sintesi Servizio Sociale Professionale"
    assert (zn["typology"], zn["classification"], zn["areas"]) == ("SINTESI", "DIREZIONALE", ["SSP"])
    assert zn["strategic_area"] == "2019_IND_STRATEG_08 LA PERSONA AL CENTRO"
    assert zn["description"].startswith("Obiettivo generale del Servizio Sociale Professionale è costituito")
    assert zn["description"].endswith("con funzione di controllo sulla gestione amministrativa e contabile.")
    assert zn["description"].count("\n\n") == 2


def test_peg_indicators_and_targets(peg: dict) -> None:
    inds = peg["objectives"][0]["indicators"]
    assert len(inds) == 25
    got = []
    for i in inds:
        by_year = {t["year"]: t["value"] for t in i.get("targets", [])}
        assert set(by_year) <= {2019, 2020, 2021}
        got.append((i["type"], by_year.get(2019), by_year.get(2020), by_year.get(2021)))
        assert "note" not in i  # the Note column is empty in the sheet
    assert got == PEG_TARGETS
    assert inds[0]["name"].startswith('Applicazione nuovo strumento per minori "Progetto Quadro"')
    assert inds[12]["name"].startswith("Raccolta dati e compilazione, nel software telematico dell'ISTAT")
    assert "n° riunioni di coordinamento" in inds[14]["name"]
    assert "gruppo \u2013 lotto C" in inds[16]["name"]
    assert inds[19]["name"].endswith("effettuati/incontri programmati.")
    assert 'progetto "Si Può Fare"' in inds[23]["name"]


def test_peg_linked_objectives(peg: dict) -> None:
    linked = peg["objectives"][1:]
    assert [o["code"] for o in linked] == list(PEG_LINKED)
    for o in linked:
        parent, title, income, expense = PEG_LINKED[o["code"]]
        assert (o["parent"], o["title"], o["budget_income"], o["budget_expense"]) == (
            parent,
            title,
            income,
            expense,
        )
        assert (o["typology"], o["areas"]) == ("COLLEGATO", ["SSP"])


def test_peg_matches_seed(peg: dict) -> None:
    text = seed(SEED_001)
    rows = []
    for ln in text.split("\n"):
        c = [x.strip() for x in ln.split("\t")]
        if len(c) == 6 and c[1] in ("PERFORMANCE", "RISULTATO"):
            rows.append(tuple(c))
    inds = peg["objectives"][0]["indicators"]
    assert len(rows) == len(inds) == 25
    for row, ind in zip(rows, inds, strict=True):
        by_year = {t["year"]: t["value"] for t in ind.get("targets", [])}
        assert (ind["name"], ind["type"]) == row[:2]
        assert [by_year.get(y, "") for y in (2019, 2020, 2021)] == list(row[2:5])
        assert ind.get("note", "") == row[5]
    linked = {}
    for ln in text.split("\n"):
        c = [x.strip() for x in ln.split("\t")]
        if len(c) == 4 and c[0].startswith("2019_DN08"):
            linked[c[0]] = tuple(c[1:])
    assert linked == {o["code"]: (o["title"], o["budget_income"], o["budget_expense"]) for o in peg["objectives"][1:]}
    assert norm(peg["objectives"][0]["description"]) in norm(text)


# --------------------------------------------------------------------------- seed 004

SHEET_FIELDS = [
    "goal",
    "title",
    "objectives",
    "strategy",
    "planned_activities",
    "timing",
    "organisation",
    "participation",
    "subsidiary_actions",
    "evaluation_methods",
    "risks",
    "management_mode",
    "cost",
]


@pytest.fixture(scope="module")
def pdz() -> dict:
    return load("piano-di-zona.yaml")


def test_piano_di_zona_sheet(pdz: dict) -> None:
    plan = pdz["plan"]
    assert (plan["code"], plan["kind"], plan["year_start"], plan["year_end"]) == (
        "PSZ",
        "piano_di_zona",
        2011,
        2013,
    )
    assert "2011-2013" in plan["source"]
    assert pdz["organization"]["kind"] == "ambito"
    assert pdz["areas"] == [{"code": "US", "name": "Ufficio Sociale"}]
    assert "objectives" not in pdz or pdz["objectives"] == []
    [sheet] = pdz["action_sheets"]
    assert (sheet["code"], sheet["number"], sheet["level"], sheet["area"]) == (
        "LIVEAS-1",
        1,
        "LIVELLI ESSENZIALI GENERALI",
        "US",
    )
    for f in SHEET_FIELDS:
        assert isinstance(sheet[f], str) and sheet[f].strip(), f
    assert sheet["title"] == "SEGRETARIATO SOCIALE PROFESSIONALE"
    assert sheet["goal"].startswith("LIVEAS \u2013 gestione associata dei Servizi e degli Interventi")
    phrases = {
        "objectives": [
            "(PSR 2011-2013)",
            "- individuare nell'arco del triennio un Assistente Sociale Coordinatore",
            "- partecipare all'Ufficio di Piano",
        ],
        "strategy": ["punti di forza:", "- decentramento del servizio nei quartieri;"],
        "planned_activities": [
            "Il Servizio sociale professionale:",
            "- cura i rapporti con l'Autorità giudiziaria;",
            "d'intesa con il Consultorio familiare ed i Distretti sanitari di base;",
            "- cura gli incontri di formazione e sensibilizzazione",
        ],
        "timing": ["tutto l'arco di vigenza del Piano"],
        "organisation": ["- Coordinatore del Servizio ( referente Ufficio Sociale)", "Prefettura, Questura."],
        "participation": ["Carta per la Cittadinanza Sociale", "- riunione settimanale di equipe"],
        "subsidiary_actions": ["non si rilevano azioni sussidiarie"],
        "evaluation_methods": ["tramite questionari", "indicatori di impatto regionali"],
        "risks": ["Eccessivo carico di lavoro per gli operatori", "elevato numero di immigrati"],
        "management_mode": ["gara pubblica a cooperative o consorzi sociali"],
        "cost": ["Contratti collettivi nazionali di lavoro"],
    }
    for field, items in phrases.items():
        for p in items:
            assert p in sheet[field], (field, p)
    assert "- -" not in sheet["objectives"] and "\u25a1" not in sheet["planned_activities"]
    assert sheet["planned_activities"].count("\n- ") == 18
    assert sheet["indicators"] == [
        "Raggiungimento dell'obiettivo regionale al termine del triennio 1 assistente sociale ogni 12.000 abitanti",
        "Percentuale di progetti personalizzati redatti sul totale degli utenti",
        "Incremento percentuale annuo degli utenti",
    ]


def test_piano_di_zona_keeps_every_word(pdz: dict) -> None:
    text = seed(SEED_004)
    cells: dict[str, str] = {}
    last = ""
    for ln in text.split("\n"):
        if "\t" not in ln:
            continue
        key, val = ln.split("\t", 1)
        key = TAG.sub("", key).strip()
        if not key:
            cells[last] += " " + val  # continuation after a page break
            continue
        cells[key] = val
        last = key
    [sheet] = pdz["action_sheets"]
    mapping = {
        "goal": "Obiettivo",
        "title": "TITOLO AZIONE",
        "objectives": "OBIETTIVI",
        "strategy": "STRATEGIA",
        "planned_activities": "ATTIVITA' PREVISTE",
        "timing": "TEMPISTICA",
        "organisation": "STRUTTURE ORGANIZZATIVE ED OPERATIVE PREVISTE",
        "participation": "STRUMENTI DI PARTECIPAZIONE ATTIVA, COMUNICAZIONE, INFORMAZIONE",
        "subsidiary_actions": "AZIONI SUSSIDIARIE",
        "evaluation_methods": "METODOLOGIE DI VALUTAZIONE",
        "risks": "RISCHI E CRITICITA'",
        "management_mode": "MODALITA' DI GESTIONE DELL'AZIONE",
        "cost": "COSTO ORARIO DEL SERVIZIO",
    }
    for field, key in mapping.items():
        assert words(sheet[field]) == words(cells[key]), field
    for ind in sheet["indicators"]:
        assert ind in TAG.sub("", cells["METODOLOGIE DI VALUTAZIONE"])
