"""Replays per second and peak memory of each bargaining model, against actors and draws.

Not a test: run by hand, ``python benchmarks/bench_models.py [--quick]``; prints a Markdown
table (paste it into benchmarks/README.md together with the machine it ran on).

* Inputs: the KTAB SOE-reform data (Efird, Lester & Wise 2016; 26 actors, 1 issue, and 13
  actors, 2 issues; KTAB examples, MIT licence), with saliences perturbed per draw (±10 %,
  seeded), and synthetic data (actors with uniform positions, saliences and capabilities on
  2 issues, seeded).
* One replay = one draw: the throughput is draws / wall-clock seconds of one ``forecast`` call.
* Peak memory: ``tracemalloc`` peak during a second call (NumPy reports its buffers to it).
* Cells whose run-time, extrapolated from the smaller cells of the row, exceeds the budget are
  skipped and marked ``–``.
* The EUM fast path against the loop reference (``tests/eum_reference.py``) on the same
  inputs, as a ratio of wall-clock times.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from accord.models import get_model, stances  # noqa: E402
from accord.models.eum import AS_PRINTED, SCHOLZ_CODE, EUMOptions, eum_rounds  # noqa: E402
from accord.scenario.arrays import StanceArrays, stance_arrays  # noqa: E402
from accord.scenario.importers import import_table  # noqa: E402
from eum_reference import reference_eum  # noqa: E402

DATA = ROOT / "tests" / "data"
MODELS = ("compromise", "median", "eum", "eum-scholz", "nash")
# the EUM rows: the printed equations (AS_PRINTED) and Scholz's code (SCHOLZ_CODE, EUMModel's default)
EUM_OPTIONS: dict[str, EUMOptions] = {"eum": AS_PRINTED, "eum-scholz": SCHOLZ_CODE}


def synthetic(actors: int, draws: int, seed: int = 0) -> StanceArrays:
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    c = rng.uniform(0.1, 1.0, (draws, actors))
    x = rng.uniform(0.0, 100.0, (draws, actors, 2))
    s = rng.uniform(0.1, 1.0, (draws, actors, 2))
    sq = rng.uniform(0.0, 100.0, (draws, 2))
    return stances(c, x, s, status_quo=sq)


def ktab(file: str, draws: int, seed: int = 0) -> StanceArrays:
    scenario, _ = import_table(DATA / file, "ktab")
    base = stance_arrays(scenario, draws=1)
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    A, n_issues = base.position.shape[1:]
    s = np.clip(base.salience * rng.uniform(0.9, 1.1, (draws, A, n_issues)), 0.0, 1.0)
    c = np.repeat(base.capability, draws, axis=0)
    x = np.repeat(base.position, draws, axis=0)
    sq = np.full((draws, n_issues), 50.0)  # a disagreement point for Nash (the scale's middle; an assumption)
    return stances(c, x, s, status_quo=sq, actor_ids=base.actor_ids, issue_ids=base.issue_ids)


def run_model(name: str, inputs: StanceArrays) -> None:
    if name in EUM_OPTIONS:
        get_model("eum", rounds=8, options=EUM_OPTIONS[name]).forecast(inputs)
    else:
        get_model(name).forecast(inputs)


def measure(fn: Callable[[], None], with_memory: bool) -> tuple[float, float | None]:
    t0 = time.perf_counter()
    fn()
    seconds = time.perf_counter() - t0
    peak = None
    if with_memory:
        tracemalloc.start()
        fn()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return seconds, peak


def fmt_rate(draws: int, seconds: float) -> str:
    r = draws / seconds
    return f"{r:,.0f}" if r >= 10 else f"{r:.2g}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--budget", type=float, default=40.0, help="skip a cell predicted to take longer (s)")
    ap.add_argument("--quick", action="store_true", help="small grid (a smoke run)")
    ap.add_argument("--models", default=",".join(MODELS), help="comma-separated subset of " + ", ".join(MODELS))
    args = ap.parse_args()
    models = [m.strip() for m in args.models.split(",")]
    unknown = sorted(set(models) - set(MODELS))
    if unknown:
        ap.error(f"--models: unknown {', '.join(unknown)}; expected some of {', '.join(MODELS)}")
    actor_grid = [5, 50] if args.quick else [5, 50, 500]
    draw_grid = [1, 100] if args.quick else [1, 100, 10_000, 100_000]
    print(
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} logical CPUs, "
        f"Python {platform.python_version()}, NumPy {np.__version__}; EUM 8 rounds; Nash 300 gradient steps max.\n"
    )
    print("Replays per second (peak memory, MiB)\n")
    rows = [("synthetic", a, None) for a in actor_grid] + [
        ("KTAB SOE-Policy", 26, "SOE-Policy.csv"),
        ("KTAB SOE-Pol-Comp", 13, "SOE-Pol-Comp.csv"),
    ]
    header = "| data | actors | model | " + " | ".join(f"{d:,} draws" for d in draw_grid) + " |"
    print(header)
    print("|" + "---|" * (3 + len(draw_grid)))
    for label, actors, file in rows:
        for name in models:
            cells: list[str] = []
            last: tuple[int, float] | None = None
            for draws in draw_grid:
                if last is not None and last[1] * draws / last[0] > args.budget:
                    cells.append("–")
                    continue
                inputs = synthetic(actors, draws) if file is None else ktab(file, draws)
                seconds, peak = measure(lambda n=name, i=inputs: run_model(n, i), with_memory=True)
                print(f"  [{label} {actors} {name} {draws}: {seconds:.2f} s]", file=sys.stderr, flush=True)
                last = (draws, seconds)
                cells.append(f"{fmt_rate(draws, seconds)} ({peak:,.0f})")
            print(f"| {label} | {actors} | {name} | " + " | ".join(cells) + " |", flush=True)

    if not any(m in EUM_OPTIONS for m in models):
        return
    print("\nEUM fast path against the loop reference (same inputs, 8 rounds)\n")
    print("| options | actors | draws | loop reference (s) | vectorized (s) | speed-up |")
    print("|---|---|---|---|---|---|")
    for name in (m for m in models if m in EUM_OPTIONS):
        opts = EUM_OPTIONS[name]
        # the loop reference of the global normaliser is A³ per probability table: fewer draws there
        grid = (
            [(5, 100), (10, 100), (26, 10), (50, 4)] if opts is AS_PRINTED else [(5, 100), (10, 20), (26, 2), (50, 1)]
        )
        for actors, draws in [(5, 10), (10, 4)] if args.quick else grid:
            rng = np.random.default_rng(np.random.SeedSequence(1))
            c = rng.uniform(0.1, 1, (draws, actors))
            x = rng.uniform(0, 100, (draws, actors))
            s = rng.uniform(0.1, 1, (draws, actors))
            t0 = time.perf_counter()
            for d in range(draws):
                reference_eum(list(c[d]), list(x[d]), list(s[d]), 8, opts)
            t_ref = time.perf_counter() - t0
            t0 = time.perf_counter()
            eum_rounds(c, x, s, 8, opts)
            t_fast = time.perf_counter() - t0
            print(f"| {name} | {actors} | {draws} | {t_ref:.3f} | {t_fast:.4f} | {t_ref / t_fast:,.0f}× |", flush=True)


if __name__ == "__main__":
    main()
