"""The production settings (from the environment, as `bench.common.bench_env()` sets it) with the bench-only
views added to the URLs: what gunicorn runs in bench_http."""

from __future__ import annotations

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls_bench"
