"""Run every benchmark in turn, each in its own process: `python -m bench.run [--quick] [NAME ...]`."""

from __future__ import annotations

import argparse
import subprocess
import sys

from bench.common import BENCH_DATABASE_URL, REPO, bench_env
from bench.lock import hold

# In order: the data generator first, since the scan, dashboard and page benchmarks read what it loads (the page
# sweep starts at 10,000 activities, where the dashboard leaves the dataset).
BENCHMARKS = (
    "bench.bench_scan",
    "bench.bench_dashboard",
    "bench.bench_pages",
    "bench.bench_scores",
    "bench.bench_pairs",
    "bench.bench_http",
    "bench.bench_delivery",
    "bench.bench_import",
    "bench.bench_relazione",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, a few minutes in all")
    parser.add_argument("names", nargs="*", help="only these, e.g. bench_scan")
    options = parser.parse_args()
    chosen = [name for name in BENCHMARKS if not options.names or name.split(".")[-1] in options.names]
    hold(BENCH_DATABASE_URL)  # for the whole run: its benchmarks inherit it (bench.lock)
    failed = []
    for module in chosen:
        print(f"# {module}", file=sys.stderr, flush=True)
        env = bench_env(BENCH_QUICK="1" if options.quick else "0")
        if subprocess.run([sys.executable, "-m", module], cwd=REPO, env=env, check=False).returncode != 0:
            failed.append(module)
    if failed:
        print(f"# failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
