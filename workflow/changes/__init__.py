"""Rimodulazione: what a change request on an objective asks (proposal), how it is written on approval (apply),
and the plan's snapshots and their differences (snapshot)."""
