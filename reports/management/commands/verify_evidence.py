from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.evidence_pack import signing
from reports.evidence_pack.verify import verify_pack


class Command(BaseCommand):
    help = (
        "Verifica un pacchetto probatorio: l'impronta SHA-256 di ogni file, la firma del manifesto e la catena del "
        "registro delle operazioni, dal pacchetto soltanto. Esce con codice 0 solo se tutto corrisponde."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", metavar="ARCHIVIO", help="Il file ZIP del pacchetto probatorio.")
        parser.add_argument(
            "--require-installation-key",
            action="store_true",
            help="Considera non valido un pacchetto firmato con una chiave diversa da quella di questa installazione.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["archive"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Non riesco a leggere {path}: {error.strerror or error}.") from None
        try:
            installation = signing.installation_public_key()
        except signing.SigningKeyError as error:
            self.stderr.write(str(error))
            installation = None
        outcome = verify_pack(data, installation=installation)
        if options["require_installation_key"] and not outcome.signed_by(installation):
            outcome.problems.append("Il pacchetto non è firmato con la chiave di questa installazione.")
        for note in outcome.notes:
            self.stdout.write(note)
        for problem in outcome.problems:
            self.stderr.write(problem)
        if not outcome.intact:
            raise CommandError(
                f"Pacchetto {path.name} NON verificato: {len(outcome.problems)} problema/i, elencati sopra."
            )
        self.stdout.write(f"Pacchetto {path.name} verificato: ogni file, la firma e la catena corrispondono.")
