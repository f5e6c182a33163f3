"""What an import reports when the input is wrong: where, what, and how to fix it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

DocPath = tuple[str | int, ...]
Locator = Callable[[DocPath], str]


def format_path(path: DocPath) -> str:
    """`("objectives", 3, "activities", 0, "planned")` → `objectives[4].activities[1].planned` (1-based)."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += f".{part}" if text else part
    return text or "(documento)"


@dataclass(frozen=True)
class Problem:
    where: str
    what: str
    fix: str = ""

    def __str__(self) -> str:
        message = f"{self.where}: {self.what}"
        return f"{message}. {self.fix}" if self.fix else message


class PlanImportError(Exception):
    """The file was refused; nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))
