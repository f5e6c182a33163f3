"""The evidence pack of a validated year (README, "The evidence pack of a validated year"): pack.py builds it,
verify.py checks it from the pack alone, signing.py holds the installation's key, trail.py the audit trail's
segment and its recomputation."""
