"""Time run_batch on a built-in case under every format (timings live here, never in tests).

python benchmarks/bench_run_batch.py [CASE] [DRAWS]
"""

from __future__ import annotations

import sys
import time

from accord.scenario import load_scenario
from accord.simulation import run_batch

FORMATS = ("minsk-group", "bilateral", "single-mediator", "inclusive", "majority")


def main() -> None:
    case = sys.argv[1] if len(sys.argv) > 1 else "example"
    draws = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    s = load_scenario(case)
    print(f"{case}: {len(s.actors)} actors, {len(s.issues)} issues, {draws} draws")
    for f in FORMATS:
        t0 = time.perf_counter()
        b = run_batch(s, format=f, draws=draws, seed=0)
        dt = time.perf_counter() - t0
        print(
            f"{f:16s} {dt:7.2f} s  {1e6 * dt / draws:8.1f} µs/draw  "
            f"agreement {b.agreement.mean():.3f}  wars/draw {b.wars.mean():.2f}"
        )


if __name__ == "__main__":
    main()
