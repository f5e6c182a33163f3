"""The review's tests reuse the report tests' demo plan (seed 002, loaded once per module)."""

from tests.reports.conftest import demo_plan

__all__ = ["demo_plan"]
