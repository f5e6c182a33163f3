"""The document of a Piano di Zona: its action sheets (schede), as plain data for the pages and the renderers.

A sheet is laid out as in the source document (seed 004): the level of services it belongs to ("LIVELLI
ESSENZIALI GENERALI"), its number and goal, then one labelled part per field, in the seed's order and with its
labels, and the indicators named by its evaluation methods. The imported texts keep their paragraphs (blank
lines) and their lists (lines starting with "- "); `blocks` splits them so that every format can show a list
as a list. Read in two queries (the sheets with their area, their indicators) whatever the plan's size.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from plans.models import ActionSheet, ActionSheetIndicator, Plan

TITLE = _("Piano di Zona: schede di azione")
SHEET = _("Scheda")
GOAL = _("Obiettivo")
ACTION_TITLE = _("Titolo azione")
AREA = _("Struttura responsabile")
INDICATORS = _("Indicatori")
NO_LEVEL = _("Schede senza livello")
PAGE = _("Pagina")
OF = _("di")

# (field, label): the parts of a sheet in the order and with the labels of the source document.
SECTION_FIELDS: tuple[tuple[str, Promise], ...] = (
    ("objectives", _("Obiettivi")),
    ("strategy", _("Strategia")),
    ("planned_activities", _("Attività previste")),
    ("timing", _("Tempistica")),
    ("organisation", _("Strutture organizzative ed operative previste")),
    ("participation", _("Strumenti di partecipazione attiva, comunicazione, informazione")),
    ("subsidiary_actions", _("Azioni sussidiarie")),
    ("evaluation_methods", _("Metodologie di valutazione")),
    ("risks", _("Rischi e criticità")),
    ("management_mode", _("Modalità di gestione dell'azione")),
    ("cost", _("Costo orario del servizio")),
)
EVALUATION_FIELD = "evaluation_methods"  # the indicators are shown after this part
LIST_MARKERS = ("- ", "• ", "□ ")


@dataclass(frozen=True)
class Block:
    """A paragraph (one item) or a bulleted list (one item per entry) of an imported text."""

    items: tuple[str, ...]
    bulleted: bool = False


@dataclass(frozen=True)
class SheetPart:
    field: str
    label: str
    text: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class SheetIndicator:
    position: int
    text: str


@dataclass(frozen=True)
class SheetSection:
    code: str
    number: int | None
    level: str
    goal: str
    title: str
    area_code: str
    area_name: str
    parts: tuple[SheetPart, ...]  # every field of SECTION_FIELDS, empty ones included (text "")
    indicators: tuple[SheetIndicator, ...]

    @property
    def heading(self) -> str:
        """ "Scheda 1 – SEGRETARIATO SOCIALE PROFESSIONALE" (the code when the sheet has no number)."""
        return f"{SHEET} {self.number if self.number is not None else self.code} – {self.title}"


@dataclass(frozen=True)
class LevelGroup:
    level: str  # "" for sheets without a level
    sheets: tuple[SheetSection, ...]


@dataclass(frozen=True)
class ActionSheetsDocument:
    organization_slug: str
    organization_name: str
    plan_code: str
    plan_title: str
    year_start: int
    year_end: int
    levels: tuple[LevelGroup, ...]

    @property
    def sheets(self) -> tuple[SheetSection, ...]:
        return tuple(sheet for group in self.levels for sheet in group.sheets)

    @property
    def period(self) -> str:
        if self.year_start == self.year_end:
            return str(self.year_start)
        return f"{self.year_start}–{self.year_end}"


def plan_sheets(plan: Plan) -> QuerySet[ActionSheet]:
    """The sheets of `plan` in the document's order, with what a page or a renderer shows of them."""
    return (
        ActionSheet.objects.filter(plan=plan)
        .select_related("area")
        .prefetch_related(Prefetch("indicators", queryset=ActionSheetIndicator.objects.order_by("position")))
        .order_by("number", "code")
    )


def shows_action_sheets(plan: Plan) -> bool:
    """Whether the plan's Relazione URLs give its action sheets: it has sheets and no objectives. A plan with
    both keeps its Relazione (its objectives are what a Relazione sulla Performance reports on)."""
    return plan.action_sheets.exists() and not plan.objectives.exists()


def build_action_sheets(*, plan: Plan) -> ActionSheetsDocument:
    """The document of the plan's sheets, grouped by level in order of first appearance."""
    sections = [sheet_section(sheet) for sheet in plan_sheets(plan)]
    levels: dict[str, list[SheetSection]] = {}
    for section in sections:
        levels.setdefault(section.level, []).append(section)
    return ActionSheetsDocument(
        organization_slug=plan.organization.slug,
        organization_name=plan.organization.name,
        plan_code=plan.code,
        plan_title=plan.title,
        year_start=plan.year_start,
        year_end=plan.year_end,
        levels=tuple(LevelGroup(level=level, sheets=tuple(group)) for level, group in levels.items()),
    )


def sheet_section(sheet: ActionSheet) -> SheetSection:
    """One sheet as data; its indicators must have been prefetched (see `plan_sheets`)."""
    parts = []
    for field, label in SECTION_FIELDS:
        text = getattr(sheet, field).strip()
        parts.append(SheetPart(field=field, label=str(label), text=text, blocks=blocks(text)))
    return SheetSection(
        code=sheet.code,
        number=sheet.number,
        level=sheet.level.strip(),
        goal=sheet.goal.strip(),
        title=sheet.title.strip(),
        area_code=sheet.area.code if sheet.area else "",
        area_name=sheet.area.name if sheet.area else "",
        parts=tuple(parts),
        indicators=tuple(SheetIndicator(position=i.position, text=i.text) for i in sheet.indicators.all()),
    )


def blocks(text: str) -> tuple[Block, ...]:
    """Paragraphs split on blank lines; a paragraph whose lines all start with a list marker is a list."""
    result = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith(LIST_MARKERS) for line in lines):
            result.append(Block(items=tuple(_unmarked(lines)), bulleted=True))
        else:
            result.append(Block(items=("\n".join(lines),)))
    return tuple(result)


def _unmarked(lines: Iterable[str]) -> Iterable[str]:
    for line in lines:
        yield line[2:].strip()
