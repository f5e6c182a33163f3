"""Regression tests from the attack on issue 15's change: each showed a defect (a zip bomb inflated, a pending
postponement reported as approved, a past year told with today's facts...) and passes since its fix. They reuse the
report tests' demo plan (seed 002, loaded once per module)."""
