"""The body's and the areas' scores of a plan's year from its daily snapshot (evaluation.refresh), where the
snapshot still holds what evaluation.scores.plan_scores would give now.

A plan's body and areas are the mean of every objective, so computing them reads the whole plan (every indicator,
target and measurement: most of a large plan's page). The snapshot stores them with the place in the
organization's audit chain up to which the changes were read (`trail_seq`); every change a score depends on
(a measurement, a target, an objective, an activity, an area link, the plan, the measurement system, the
separation policy) adds a row to that chain, sealed into it at commit. So while the chain's head is still there
and no row waits to be sealed (the request's own transaction), nothing the scores depend on has changed and the
stored ones are the running ones. Any row of the organization since then, of whatever kind,
and the pages compute instead: an answer is never older than the data.

Two more conditions keep the page what it would be:
- the explanations are stored in the words of the language the daily task runs in (the installation's): a page in
  another language computes its own;
- scores are stored with two decimals and shown with one: a stored hundredths digit of 5 could come from either
  side of the shown figure (86.7451 and 86.7549 both store 86.75). The stored explanation ends with the figure as
  it was shown (" = 86,7%"): the score is taken a thousandth to that side; without it, the page computes.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import translation

from evaluation.models import ScoreSnapshot
from evaluation.scores import AreaScore, Rollup
from plans.models import Plan
from plans.scoring import percent_text


def stored_rollups(plan: Plan, year: int) -> tuple[Rollup, dict[int, AreaScore]] | None:
    """The body's rollup and the areas' scores (in the order plan_scores gives them) of the plan's year, or None
    when its snapshot is missing, older than the organization's last change, or not exact enough to show. One
    query, served by the chain's unique (organization, seq) index and the snapshot's (plan, year)."""
    from workflow.models import AuditEntry

    chain = AuditEntry.objects.filter(organization_id=OuterRef("plan__organization_id"))
    row = (
        ScoreSnapshot.objects.filter(plan=plan, year=year)
        .annotate(
            head=Coalesce(Subquery(chain.filter(seq__isnull=False).order_by("-seq").values("seq")[:1]), 0),
            # Rows not sealed yet: this transaction's own changes (the commit seals them, workflow.trail.chain).
            unsealed=Exists(chain.filter(seq__isnull=True)),
        )
        .values("trail_seq", "head", "unsealed", "data__body", "data__areas")
        .first()
    )
    if row is None or row["trail_seq"] is None or row["trail_seq"] != row["head"] or row["unsealed"]:
        return None
    if not row["data__body"]:
        return None
    if translation.get_language() != settings.LANGUAGE_CODE:
        return None
    try:
        body = _rollup(row["data__body"])
        areas = {
            item["area"]: AreaScore(item["area"], item["name"], _rollup(item)) for item in row["data__areas"] or []
        }
    except _Inexact:
        return None
    return body, areas


class _Inexact(Exception):
    """A stored score whose shown figure cannot be told from the stored one."""


_SHOWN = re.compile(r" = (\d+,\d%)")
_THOUSANDTH = Decimal("0.001")


def _score(item: dict[str, Any]) -> Decimal | None:
    raw = item.get("score")
    if raw is None:
        return None
    stored = Decimal(raw)
    if not str(raw).endswith("5"):
        return stored
    shown = _SHOWN.findall(item.get("explanation", ""))
    for candidate in (stored - _THOUSANDTH, stored + _THOUSANDTH):
        if shown == [percent_text(candidate)]:
            return candidate
    raise _Inexact


def _rollup(item: dict[str, Any]) -> Rollup:
    return Rollup(_score(item), item["level"], item.get("basis", ""), item.get("explanation", ""))
