"""Benchmarks: `make bench` (full) and `make bench-quick`. Not part of the tests; see BENCHMARKS.md."""
