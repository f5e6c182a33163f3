"""The downloadable XLSX template: every sheet with its headers, a note under each saying what the column takes, a
list on every coded column and at least one example row."""

from __future__ import annotations

from functools import cache
from typing import Any

from plans.importing.workbook import write_workbook

EXAMPLE: dict[str, Any] = {
    "format": "traguardi-plan/1",
    "organization": {
        "slug": "comune-esempio",
        "name": "Comune di Esempio",
        "kind": "comune",
        "patron_saint_day": "06-24",
    },
    "plan": {
        "code": "PEG-2026",
        "kind": "peg",
        "title": "Piano esecutivo di gestione 2026",
        "year_start": 2026,
        "year_end": 2026,
        "adoption_act": "Delibera di Giunta n. 1 del 15/01/2026",
    },
    "areas": [{"code": "SOC", "name": "Area Servizi Sociali", "kind": "Area", "head_name": "Maria Rossi"}],
    "objectives": [
        {
            "code": "PEG26-SOC-1",
            "areas": ["SOC"],
            "number": 1,
            "title": "Cartella sociale informatizzata",
            "description": "Completare l'informatizzazione delle cartelle sociali.",
            "peg_project": "Servizio sociale",
            "budget_income": "0,00",
            "budget_expense": "12.500,00",
            "activities": [
                {"code": "1.a", "description": "Analisi delle procedure", "planned": "Marzo", "actual": ""},
                {
                    "code": "1.b",
                    "description": "Formazione degli operatori",
                    "planned": "Maggio-Settembre",
                    "actual": "",
                    "external_bodies": "Ambito territoriale sociale",
                },
            ],
            "indicators": [
                {
                    "name": "Cartelle aggiornate",
                    "description": "cartelle aggiornate / cartelle in carico",
                    "unit": "%",
                    "direction": "increase",
                    "weight": "2",
                    "baseline": {"value": "60%", "year": 2025, "source": "Monitoraggio di dicembre 2025"},
                    "history": [{"year": 2024, "value": "52%", "source": "Relazione sulla performance 2024"}],
                    "targets": [{"year": 2026, "value": "75%", "source": "DGR n. 100/2025, allegato A"}],
                    "measurements": [
                        {"year": 2026, "value": "40%", "date": "2026-06-30", "note": "monitoraggio intermedio"}
                    ],
                },
                {
                    "name": "Giorni medi di presa in carico",
                    "unit": "giorni",
                    "direction": "decrease",
                    "weight": "1",
                    "baseline": {"value": "30", "year": 2025},
                    "targets": [{"year": 2026, "value": "Riduzione del 10% rispetto alla baseline"}],
                },
            ],
            "reports": [{"date": "2026-06-30", "text": "Avviata l'analisi delle procedure."}],
        }
    ],
    "action_sheets": [
        {
            "code": "AZ-1",
            "number": 1,
            "level": "LIVELLI ESSENZIALI GENERALI",
            "area": "SOC",
            "goal": "Rafforzare il segretariato sociale",
            "title": "Sportello unico di accesso",
            "planned_activities": "Apertura di uno sportello in ogni comune dell'ambito.",
            "timing": "Gennaio-Giugno 2026",
            "cost": "15.000,00",
            "indicators": ["Numero di sportelli aperti", "Accessi registrati per mese"],
        }
    ],
}


@cache
def template_workbook() -> bytes:
    """The template, written once per process: it holds no data (openpyxl took 50 ms to write it per download)."""
    return write_workbook(EXAMPLE, title="Modello per importare un piano in Traguardi", author="Traguardi")
