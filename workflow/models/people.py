from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


def person_field(verbose_name: Any, *, optional: bool = False, indexed: bool = True) -> models.ForeignKey[Any, Any]:
    """Someone who acted, kept as evidence: PROTECT, so people with history are deactivated, not deleted.
    `indexed=False` for a model that indexes the column itself (a partial index, say)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=optional,
        blank=optional,
        related_name="+",
        verbose_name=verbose_name,
        db_index=indexed,
    )
