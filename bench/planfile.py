"""Generate a plan file in the interchange format (traguardi-plan/1) of any size, deterministically.

The shape follows the demo documents (plans/demo/*.yaml): areas with a head, objectives with the header
fields of a PEG/PIAO sheet, activities with Italian Tempi and Consuntivo ("Marzo", "Dicembre 2026",
"31/12/2026", "avviato Luglio", "non svolta", free text), indicators with a target per year and a measured
value ("75%", "150/1600", "=>4", "si") for most of them, and year-end report texts. The same seed and sizes
always give the same document, byte for byte.

    python -m bench.planfile --activities 100000 --objectives 10000 --output var/bench/plan-100k.json

The suffix picks the format: .json (what the benchmarks import: the importer parses it some fifty times
faster than the same document in YAML) or .yaml. `delete_organizations` removes what a benchmark imported.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

AREAS = (
    ("DIR", "Area Direzione", "ROSSI MARIA"),
    ("AMM", "Area Amministrativa", "BIANCHI GIUSEPPE"),
    ("FIN", "Area Finanziaria", "FERRARI ANNA"),
    ("PER", "Area Personale e Organizzazione", "ESPOSITO LUCA"),
    ("MIN", "Area Minori e Famiglie - Adulti", "ROMANO GIULIA"),
    ("DIS", "Area Disabili - Anziani", "COLOMBO MARCO"),
    ("INC", "Area Inclusione e Reti Territoriali", "RICCI FRANCESCA"),
    ("TEC", "Area Tecnica e Patrimonio", "MARINO PAOLO"),
    ("AMB", "Area Ambiente e Territorio", "GRECO ELENA"),
    ("CUL", "Area Cultura, Scuola e Sport", "BRUNO ANDREA"),
    ("POL", "Polizia Locale", "GALLO STEFANIA"),
    ("SUA", "Sportello Unico Attività Produttive", "CONTI ROBERTO"),
)
PROGRAMMES = {"DIS": ("Disabili", "Anziani"), "MIN": ("Minori e famiglie", "Adulti")}

SUBJECTS = (
    "Il servizio",
    "L'ufficio",
    "Il gruppo di lavoro",
    "Il Consorzio",
    "L'Area",
    "Il personale amministrativo",
    "Il coordinamento tecnico",
    "La direzione",
)
VERBS = (
    "ha avviato",
    "ha completato",
    "ha proseguito",
    "ha definito",
    "ha coordinato",
    "ha curato",
    "ha predisposto",
    "ha realizzato",
    "ha approfondito",
    "ha monitorato",
)
THINGS = (
    "la revisione del regolamento dei servizi",
    "il monitoraggio delle prestazioni erogate",
    "la mappatura dei processi amministrativi",
    "l'aggiornamento della carta dei servizi",
    "la riorganizzazione dell'archivio cartaceo e digitale",
    "la digitalizzazione delle istanze dei cittadini",
    "il percorso di formazione del personale",
    "l'analisi dei bisogni del territorio",
    "la gestione associata del servizio di assistenza scolastica specialistica",
    "il Tavolo di coordinamento con l'ASL e i Comuni consorziati",
    "la rendicontazione economica dei progetti finanziati",
    "la definizione di procedure operative condivise",
    "il piano di comunicazione istituzionale",
    "la verifica della qualità percepita dagli utenti",
    "la predisposizione degli atti di gara",
)
COMPLEMENTS = (
    "in stretta sinergia con l'Area Disabili",
    "nel rispetto della tempistica prevista",
    "con il coinvolgimento dei Comuni consorziati",
    "secondo quanto previsto dal Piano Programma 2026/2028",
    "in collaborazione con il Terzo settore",
    "anche in termini di sostenibilità economica",
    "attraverso incontri periodici in presenza e da remoto",
    "in coerenza con le indicazioni regionali",
    "con particolare attenzione alla continuità educativa",
    "nel quadro della normativa vigente (L.328/2000)",
)

TEMPI = (
    ("Gennaio", 3),
    ("Marzo", 8),
    ("Aprile", 5),
    ("Maggio", 8),
    ("Giugno", 10),
    ("Settembre", 6),
    ("Ottobre", 7),
    ("Dicembre", 14),
    ("Dicembre {year}", 6),
    ("31/12/{year}", 6),
    ("30/06/{year}", 4),
    ("entro il 30/09/{year}", 3),
    ("Maggio-Settembre", 3),
    ("Gennaio-Dicembre", 3),
    ("Annuale", 5),
    ("Settembre {next}", 3),
    ("Marzo {next}", 2),
    ("I semestre", 2),
    ("secondo le esigenze del servizio", 2),
)
CONSUNTIVO = (
    ("", 35),
    ("{planned}", 25),
    ("Ottobre", 6),
    ("Novembre", 4),
    ("15/10/{year}", 4),
    ("avviato Luglio", 6),
    ("avviato Settembre", 3),
    ("in corso", 4),
    ("non svolta", 3),
    ("Maggio {next}", 3),
    ("Attivo il tavolo di lavoro con i Comuni", 2),
)
INDICATOR_NAMES = (
    "Atti/documenti",
    "Elaborati",
    "Incontri",
    "Documenti",
    "Percentuale di pratiche evase entro i termini",
    "Numero progetti quadro eseguiti / numero minori in carico",
    "Valore medio di soddisfazione dei partecipanti (da 1 a 5)",
    "Soggetti utilizzatori dello sportello",
    "Tempo medio di risposta alle istanze (giorni)",
    "Rispetto della scadenza di approvazione",
    "Attivazione del servizio",
)
INDICATOR_TYPES = ("PERFORMANCE", "RISULTATO", "EFFICACIA", "EFFICIENZA", "")
UNITS = ("%", "n.", "gg", "", "rapporto", "data", "sì/no")


@dataclass(frozen=True)
class PlanSize:
    """How big a plan to write. Texts are in characters, on average (each varies from half to one and a half)."""

    activities: int
    objectives: int
    areas: int = 10
    indicators_per_objective: int = 3
    year_start: int = 2026
    year_end: int = 2028
    measured_share: float = 0.7  # indicators with a value measured at the end of the first year
    report_share: float = 0.2  # objectives with a year-end report
    description_chars: int = 700
    report_chars: int = 2500
    activity_chars: int = 140


class PlanGenerator:
    def __init__(self, size: PlanSize, *, slug: str, plan_code: str, seed: int = 6) -> None:
        if not 1 <= size.areas <= len(AREAS):
            raise ValueError(f"areas must be between 1 and {len(AREAS)}")
        self.size = size
        self.slug = slug
        self.plan_code = plan_code
        self.random = random.Random(seed)

    def document(self) -> dict[str, Any]:
        size = self.size
        return {
            "format": "traguardi-plan/1",
            "organization": {"slug": self.slug, "name": f"Ente di prova {self.slug}", "kind": "consorzio"},
            "areas": self._areas(),
            "plan": {
                "code": self.plan_code,
                "kind": "piao",
                "title": f"Piano integrato di attività e organizzazione {size.year_start}-{size.year_end}",
                "year_start": size.year_start,
                "year_end": size.year_end,
                "adoption_act": f"Deliberazione n. 12 del 31/01/{size.year_start}",
                "source": "Generato da bench.planfile per le prove di prestazione.",
            },
            "objectives": self._objectives(),
        }

    def _areas(self) -> list[dict[str, Any]]:
        areas: list[dict[str, Any]] = []
        for index, (code, name, head) in enumerate(AREAS[: self.size.areas]):
            area: dict[str, Any] = {"code": code, "name": name, "kind": "Centro di responsabilità", "head_name": head}
            if index and index % 2 == 0:
                area["parent"] = AREAS[0][0]
            areas.append(area)
        return areas

    def _activity_counts(self) -> list[int]:
        """Between half and one and a half of the average per objective, summing exactly to `activities`."""
        total, count = self.size.activities, self.size.objectives
        counts = [total // count + (1 if index < total % count else 0) for index in range(count)]
        for index in range(0, count - 1, 2):
            spread = min(counts[index], counts[index + 1]) // 2
            shift = self.random.randint(-spread, spread)
            counts[index] += shift
            counts[index + 1] -= shift
        return counts

    def _objectives(self) -> list[dict[str, Any]]:
        codes = [code for code, _name, _head in AREAS[: self.size.areas]]
        numbers = dict.fromkeys(codes, 0)
        first_of_area: dict[str, str] = {}
        objectives = []
        for index, activity_count in enumerate(self._activity_counts()):
            area = codes[index % len(codes)]
            numbers[area] += 1
            code = f"{self.plan_code}-{area}-{numbers[area]:05d}"
            objective = self._objective(code, area, numbers[area], activity_count)
            if area in first_of_area and self.random.random() < 0.1:
                objective["parent"] = first_of_area[area]
            first_of_area.setdefault(area, code)
            if self.random.random() < 0.05 and len(codes) > 1:
                objective["areas"].append(codes[(index + 1) % len(codes)])  # a transversal objective
            objectives.append(objective)
        return objectives

    def _objective(self, code: str, area: str, number: int, activity_count: int) -> dict[str, Any]:
        size, pick = self.size, self.random.choice
        objective: dict[str, Any] = {"code": code, "areas": [area], "number": number}
        if area in PROGRAMMES:
            objective["programme"] = pick(PROGRAMMES[area])
        objective |= {
            "title": self._sentence(self._length(160)).rstrip("."),
            "typology": pick(("PERFORMANCE", "SINTESI", "COLLEGATO")),
            "classification": pick(("DIREZIONALE", "OPERATIVO", "")),
            "description": self._text(self._length(size.description_chars)),
            "strategic_area": pick(("Governance, amministrazione e servizi generali.", "La persona al centro.")),
            "operational_objective": self._text(self._length(300)),
            "peg_project": pick(("Governance interna/esterna ed attività direzionali.", "Tutele", "Servizi")),
            "services": pick(("Pianificazione di sistema e relazioni con il territorio", "Gestione Tutela")),
            "end_users": pick(("Cittadini", "Comuni consorziati", "Minori con disabilità e famiglie")),
            "networks": 'vedi punto 2.5.7 "Relazioni con i soggetti del territorio" del Piano Programma',
            "weight": pick(("10", "12,50", "20", "5")),
        }
        if self.random.random() < 0.3:
            objective["budget_expense"] = f"{self.random.randint(1, 9)}.{self.random.randint(100, 999)}.143,71"
        if self.random.random() < 0.2:
            objective["planned_start"] = f"{size.year_start}-01-01"
            objective["planned_end"] = f"{size.year_start}-12-31"
        objective["activities"] = [self._activity() for _ in range(activity_count)]
        objective["indicators"] = [self._indicator() for _ in range(self._indicator_count())]
        if self.random.random() < size.report_share:
            text = self._text(self._length(size.report_chars))
            objective["reports"] = [{"date": f"{size.year_start}-12-31", "text": text}]
        return objective

    def _indicator_count(self) -> int:
        average = self.size.indicators_per_objective
        return max(1, average + self.random.choice((-1, 0, 0, 1))) if average else 0

    def _activity(self) -> dict[str, Any]:
        year = self.size.year_start
        planned = self._weighted(TEMPI).format(year=year, next=year + 1)
        actual = self._weighted(CONSUNTIVO).format(planned=planned, year=year, next=year + 1)
        description = self._sentence(self._length(self.size.activity_chars))
        activity: dict[str, Any] = {"description": description, "planned": planned}
        if actual:
            activity["actual"] = actual
        return activity

    def _indicator(self) -> dict[str, Any]:
        size, pick = self.size, self.random.choice
        indicator: dict[str, Any] = {"name": pick(INDICATOR_NAMES), "type": pick(INDICATOR_TYPES), "unit": pick(UNITS)}
        if self.random.random() < 0.5:
            indicator["description"] = self._sentence(self._length(120))
        expected_of, measured_of = self._value_pair()
        years = range(size.year_start, size.year_end + 1)
        indicator["targets"] = [{"year": year, "value": expected_of(year)} for year in years]
        if self.random.random() < size.measured_share:
            year = size.year_start
            measurements = [{"year": year, "date": f"{year}-12-31", "value": measured_of()}]
            if self.random.random() < 0.1:  # a mid-year reading before the final one
                measurements.insert(0, {"year": year, "date": f"{year}-06-30", "value": measured_of()})
            indicator["measurements"] = measurements
        return indicator

    def _value_pair(self) -> tuple[Any, Any]:
        """How to write an expected value for a year, and a measured value of the same kind."""
        r = self.random
        kind = r.choice(("percent", "ratio", "threshold", "number", "boolean", "date", "text", "number", "percent"))
        if kind == "percent":
            target = r.choice((75, 80, 90, 95, 100))
            return (lambda year: f"{target}%"), (lambda: f"{r.randint(50, 100)}%")
        if kind == "ratio":
            whole = r.choice((6, 55, 200, 520, 1600))
            part = max(1, whole * r.randint(5, 10) // 10)
            return (lambda year: f"{part}/{whole}"), (lambda: f"{r.randint(part // 2, whole)}/{whole}")
        if kind == "threshold":
            floor = r.choice((4, 8, 10))
            return (lambda year: f"=>{floor}"), (lambda: str(r.randint(floor - 2, floor + 3)))
        if kind == "number":
            amount = r.choice((1, 12, 100, 1100, 24000))
            return (lambda year: str(amount)), (lambda: str(max(0, amount + r.randint(-amount // 4, amount // 4))))
        if kind == "boolean":
            return (lambda year: "si"), (lambda: r.choice(("si", "si", "no")))
        if kind == "date":
            return (lambda year: f"31/12/{year}"), (lambda: f"{r.randint(1, 28):02d}/12/{self.size.year_start}")
        return (lambda year: "tutti i progetti attivi"), (lambda: r.choice(("raggiunto", "in parte", "1,00")))

    def _weighted(self, choices: tuple[tuple[str, int], ...]) -> str:
        return self.random.choices([text for text, _ in choices], weights=[weight for _, weight in choices])[0]

    def _length(self, average: int) -> int:
        return self.random.randint(average // 2, average * 3 // 2)

    def _sentence(self, length: int) -> str:
        pick = self.random.choice
        words = f"{pick(THINGS)} {pick(COMPLEMENTS)}"
        while len(words) < length:
            words += f", {pick(THINGS)} {pick(COMPLEMENTS)}"
        return words[0].upper() + words[1:] + "."

    def _text(self, length: int) -> str:
        """Paragraphs separated by a blank line, a bulleted list now and then, as in the seed documents."""
        pick, written = self.random.choice, 0
        paragraphs: list[str] = []
        while written < length:
            if paragraphs and self.random.random() < 0.15:
                items = self.random.randint(2, 5)
                paragraph = "\n".join(f"- {pick(THINGS)} {pick(COMPLEMENTS)};" for _ in range(items))
            else:
                sentences = [
                    f"{pick(SUBJECTS)} {pick(VERBS)} {pick(THINGS)} {pick(COMPLEMENTS)}."
                    for _ in range(self.random.randint(2, 6))
                ]
                paragraph = " ".join(sentences)
            paragraphs.append(paragraph)
            written += len(paragraph) + 2
        return "\n\n".join(paragraphs)


class PlanDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Multi-line texts as literal blocks, the way the demo documents are written."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)


PlanDumper.add_representer(str, _represent_text)


def write_plan(document: dict[str, Any], path: Path) -> Path:
    """Write `document` as JSON or YAML, by the suffix of `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".json":
        path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    elif path.suffix in {".yaml", ".yml"}:
        text = yaml.dump(document, Dumper=PlanDumper, allow_unicode=True, sort_keys=False, width=120)
        path.write_text(text, encoding="utf-8")
    else:
        raise ValueError(f"unknown plan file suffix {path.suffix!r}: use .json or .yaml")
    return path


def generate_plan_file(path: Path, size: PlanSize, *, slug: str, plan_code: str, seed: int = 6) -> Path:
    return write_plan(PlanGenerator(size, slug=slug, plan_code=plan_code, seed=seed).document(), path)


def delete_organizations(slug_prefix: str) -> None:
    """Delete the organizations whose slug starts with `slug_prefix`, with their plans and their audit trail.
    Plain DELETEs, leaves first: the ORM's cascade loads every activity and takes minutes for a plan of 100,000.

    The trail is append-only and its triggers record every delete under the organization being deleted, which
    the trail's foreign key then refuses: only here, in the benchmarks' own database and as its owner, the
    deletes run with triggers off (session_replication_role = replica), the trail's rows of these organizations
    first. Triggers off, the foreign keys are not checked either: a benchmark that adds rows of other kinds
    (requests, messages) under these organizations deletes them itself."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for statement in _cleanup_statements():
            cursor.execute(statement, [slug_prefix + "%"])


def _cleanup_statements() -> list[str]:
    from evaluation import models as e
    from plans import models as m
    from reports.models import RelazioneChapter, ReportExport
    from workflow.models import AuditEntry

    def table(model: Any) -> str:
        return f'"{model._meta.db_table}"'

    organizations = f"SELECT id FROM {table(m.Organization)} WHERE slug LIKE %s"
    plans = f"SELECT id FROM {table(m.Plan)} WHERE organization_id IN ({organizations})"
    objectives = f"SELECT id FROM {table(m.Objective)} WHERE plan_id IN ({plans})"
    indicators = f"SELECT id FROM {table(m.Indicator)} WHERE objective_id IN ({objectives})"
    sheets = f"SELECT id FROM {table(m.ActionSheet)} WHERE plan_id IN ({plans})"
    measurements = f"SELECT id FROM {table(m.Measurement)} WHERE indicator_id IN ({indicators})"
    evaluations = f"SELECT id FROM {table(e.EvaluationSheet)} WHERE organization_id IN ({organizations})"
    systems = f"SELECT id FROM {table(e.MeasurementSystem)} WHERE organization_id IN ({organizations})"
    deletes = [
        (AuditEntry, "organization_id", organizations),
        (m.MeasurementEvidence, "measurement_id", measurements),
        (m.IndicatorMotivation, "indicator_id", indicators),
        (RelazioneChapter, "plan_id", plans),
        (ReportExport, "plan_id", plans),
        (e.ScoreSnapshot, "plan_id", plans),
        (e.ScoreWatermark, "organization_id", organizations),
        (e.ObjectiveForecast, "objective_id", objectives),
        (e.BehaviourScore, "sheet_id", evaluations),
        (e.EvaluationSheet, "organization_id", organizations),
        (e.Behaviour, "system_id", systems),
        (e.MeasurementSystem, "organization_id", organizations),
        (m.IndicatorBaseline, "indicator_id", indicators),
        (m.Measurement, "indicator_id", indicators),
        (m.IndicatorTarget, "indicator_id", indicators),
        (m.Indicator, "objective_id", objectives),
        (m.ObjectiveReport, "objective_id", objectives),
        (m.Activity, "objective_id", objectives),
        (m.Objective.areas.through, "objective_id", objectives),
        (m.ActionSheetIndicator, "sheet_id", sheets),
        (m.ActionSheet, "plan_id", plans),
    ]
    statements = [f"DELETE FROM {table(model)} WHERE {column} IN ({ids})" for model, column, ids in deletes]
    statements += [
        f"UPDATE {table(m.Objective)} SET parent_id = NULL WHERE plan_id IN ({plans})",
        f"DELETE FROM {table(m.Objective)} WHERE plan_id IN ({plans})",
        f"DELETE FROM {table(m.Plan)} WHERE organization_id IN ({organizations})",
        f"UPDATE {table(m.Area)} SET parent_id = NULL WHERE organization_id IN ({organizations})",
        f"DELETE FROM {table(m.Area)} WHERE organization_id IN ({organizations})",
        f"DELETE FROM {table(m.Organization)} WHERE slug LIKE %s",
    ]
    return statements


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--objectives", type=int, default=10_000)
    parser.add_argument("--areas", type=int, default=10)
    parser.add_argument("--slug", default="ente-di-prova")
    parser.add_argument("--plan-code", default="PIAO-2026")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--output", type=Path, required=True, help="a .json or .yaml file")
    options = parser.parse_args()
    size = PlanSize(activities=options.activities, objectives=options.objectives, areas=options.areas)
    path = generate_plan_file(options.output, size, slug=options.slug, plan_code=options.plan_code, seed=options.seed)
    print(f"{path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
