from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from plans.importing import PlanImportError, import_plan_file
from plans.importing.word import Identity

PROGRESS_THRESHOLD = 200  # objectives: below this a file imports in a blink and needs no bar


class ProgressBar:
    """A one-line progress bar on standard error, drawn only for large files."""

    def __init__(self, stream: OutputWrapper, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        if total < PROGRESS_THRESHOLD:
            return
        percent = done * 100 // total
        if percent == self.last:
            return
        self.last = percent
        filled = self.width * done // total
        bar = "#" * filled + "." * (self.width - filled)
        ending = "\n" if done == total else ""
        self.stream.write(f"\rImportazione [{bar}] {percent:3d}% ({done}/{total} obiettivi)", ending=ending)
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Importa un piano da un file YAML, JSON o XLSX (formato traguardi-plan/1) o da un documento Word (.docx) "
        "con le schede degli obiettivi in tabelle, tutto o niente."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="Il file da importare (.yaml, .yml, .json, .xlsx, .docx).")
        parser.add_argument(
            "--organization", metavar="SLUG", help="Importa nell'ente indicato invece che in quello del file."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Controlla e mostra cosa cambierebbe, senza scrivere."
        )
        parser.add_argument(
            "--reference-date",
            metavar="AAAA-MM-GG",
            type=dt.date.fromisoformat,
            help="La data a cui leggere il consuntivo per lo stato iniziale delle nuove attività (predefinita: oggi).",
        )

        parser.add_argument(
            "--as",
            dest="actor",
            metavar="UTENTE",
            help="Per un piano adottato o in esecuzione: chi propone la rimodulazione che il file diventa.",
        )
        parser.add_argument("--motivation", default="", help="La motivazione della rimodulazione (piano adottato).")
        parser.add_argument(
            "--act", default="", help="L'atto che approva la rimodulazione, se la propone il direttore."
        )
        parser.add_argument("--act-date", metavar="AAAA-MM-GG", type=dt.date.fromisoformat, help="La data dell'atto.")
        parser.add_argument(
            "--strict",
            action="store_true",
            help=(
                "Rifiuta il file se un tempo o un valore non è interpretato, o se una cella di una scheda di un "
                "documento Word non è collocata (senza, è conservato com'è ed elencato)."
            ),
        )
        word = parser.add_argument_group("documento Word (.docx): ciò che il documento di un ente non dice")
        word.add_argument("--plan-code", default="", metavar="CODICE", help="Il codice del piano.")
        word.add_argument("--plan-title", default="", metavar="TITOLO", help="Il titolo del piano.")
        word.add_argument("--year", type=int, metavar="AAAA", help="L'anno del piano.")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = None
        if options["actor"]:
            actor = get_user_model().objects.filter(username=options["actor"], is_active=True).first()
            if actor is None:
                raise CommandError(f"L'utente «{options['actor']}» non esiste o non è attivo: controlla --as.")
        try:
            result = import_plan_file(
                options["path"],
                organization_slug=options["organization"],
                dry_run=options["dry_run"],
                reference_date=options["reference_date"],
                progress=ProgressBar(self.stderr),
                actor=actor,
                motivation=options["motivation"],
                act=options["act"],
                act_date=options["act_date"],
                strict=options["strict"],
                identity=Identity(options["plan_code"].strip(), options["plan_title"].strip(), options["year"]),
            )
        except PlanImportError as error:
            lines = [f"Il file non è stato importato: {len(error.problems)} problema/i, nulla è stato scritto."]
            lines += [f"- {problem}" for problem in error.problems]
            raise CommandError("\n".join(lines)) from None
        self.stdout.write(result.summary())
