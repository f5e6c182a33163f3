"""The request type and htmx check of the pages, which live in config.http so that every package's views
can use them without importing web."""

from __future__ import annotations

from config.http import AuthenticatedRequest, is_htmx

__all__ = ["AuthenticatedRequest", "is_htmx"]
