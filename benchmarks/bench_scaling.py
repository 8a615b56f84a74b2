"""How the engine's cost grows with draws, actors, issues and steps, with the fitted exponent.

One dimension is varied at a time around a base shape (``tests/engine_scenarios.sized_scenario``:
two parties, three co-chairs, the rest affected actors with stances on every issue, uncertain
saliences, two packages tabled in the last year, no fighting so that the tables draft every
year: the engine's worst case per step). Each point is the best CPU time (``time.process_time``)
of ``--repeat`` calls of ``run_batch`` under the ``minsk-group`` format after a warm-up call of
the same shape (numba's kernels compiled or loaded); the repeats go round all the points in
turn, and the base shape is measured once for all four dimensions. The scenario's content changes with
its shape (positions are drawn per actor and issue), so a point's cost also reflects what
happens in it (agreements, drafting), not its size alone. The exponent ``b`` of ``cost ∝ x^b`` is the
slope of an ordinary least-squares fit of log cost on log x (statsmodels), with its 95 %
interval; a fixed cost per call pulls ``b`` below the asymptotic one at small ``x``, so the
fit over the upper half of the points (at least three) is printed too.

Nothing is asserted (timings live in benchmarks, never in tests)::

    python benchmarks/bench_scaling.py [--quick] [--repeat 3] [--json benchmarks/results/scaling.json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import statsmodels.api as sm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from accord.simulation import run_batch  # noqa: E402
from engine_scenarios import sized_scenario  # noqa: E402

BASE = {"draws": 1000, "actors": 12, "issues": 3, "years": 10}
POINTS = {
    "draws": [125, 250, 500, 1000, 2000, 4000],
    "actors": [6, 12, 24, 48, 96],
    "issues": [1, 2, 4, 8, 16],
    "years": [5, 10, 20, 40],
}
QUICK_BASE = {"draws": 250, "actors": 8, "issues": 2, "years": 5}
QUICK = {"draws": [125, 250, 500], "actors": [6, 12, 24], "issues": [1, 2, 4], "years": [5, 10, 20]}


def _key(shape: dict[str, int]) -> tuple[int, ...]:
    return tuple(shape[k] for k in ("draws", "actors", "issues", "years"))


def costs(shapes: list[dict[str, int]], repeat: int) -> dict[tuple[int, ...], float]:
    """Best CPU seconds of ``run_batch`` at each shape (each measured once however many
    dimensions it belongs to). The repeats go round all the shapes in turn, so that a slow
    spell of a shared machine lands on one repeat of many shapes, not on every repeat of one."""
    todo = {_key(x): x for x in shapes}
    scenarios = {k: sized_scenario(x["actors"], x["issues"], proposals=2, years=x["years"]) for k, x in todo.items()}
    for k, x in todo.items():  # warm-up: numba and the kernels load on the first call
        run_batch(scenarios[k], format="minsk-group", draws=min(x["draws"], 16), seed=1)
    best = dict.fromkeys(todo, math.inf)
    for r in range(repeat):
        for k, x in todo.items():
            t0 = time.process_time()
            run_batch(scenarios[k], format="minsk-group", draws=x["draws"], seed=0)
            best[k] = min(best[k], time.process_time() - t0)
        print(f"repeat {r + 1} of {repeat} done", flush=True)
    return best


def exponent(x: list[int], t: list[float]) -> dict[str, float]:
    """Slope of log t on log x (OLS), its 95 % interval and R²."""
    fit = sm.OLS(np.log(t), sm.add_constant(np.log(np.asarray(x, dtype=float)))).fit()
    lo, hi = fit.conf_int(0.05)[1]
    return {"b": float(fit.params[1]), "low": float(lo), "high": float(hi), "r2": float(fit.rsquared)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="fewer, smaller points")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--json", type=Path, default=None)
    args = p.parse_args()
    base, points = (QUICK_BASE, QUICK) if args.quick else (BASE, POINTS)
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    report: dict[str, object] = {
        "commit": commit.stdout.strip(),
        "base": base,
        "repeat": args.repeat,
        "machine": {"nproc": os.cpu_count(), "python": platform.python_version(), "load_at_start": os.getloadavg()},
    }
    dims: dict[str, object] = {}
    best = costs([{**base, dim: x} for dim, xs in points.items() for x in xs], args.repeat)
    lines = [
        f"engine at {report['commit']}; base shape {base}; best CPU time of {args.repeat}",
        "",
        "| varied | values | CPU-ms per call | µs per draw | exponent b (95 % CI), R² | upper half b |",
        "|---|---|---|---|---|---|",
    ]
    for dim, xs in points.items():
        ts = [best[_key({**base, dim: x})] for x in xs]
        full = exponent(xs, ts)
        k = max(0, min((len(xs) - 1) // 2, len(xs) - 3))  # the upper half, at least three points
        half = exponent(xs[k:], ts[k:])
        draws = [base["draws"] if dim != "draws" else x for x in xs]
        dims[dim] = {"values": xs, "cpu_seconds": ts, "fit": full, "fit_upper_half": half}
        lines.append(
            f"| {dim} | {', '.join(map(str, xs))} | {', '.join(f'{1e3 * t:.0f}' for t in ts)} | "
            f"{', '.join(f'{1e6 * t / d:.0f}' for t, d in zip(ts, draws, strict=True))} | "
            f"{full['b']:.2f} ({full['low']:.2f} to {full['high']:.2f}), {full['r2']:.3f} | {half['b']:.2f} |"
        )
    report["dimensions"] = dims
    report["machine"]["load_at_end"] = os.getloadavg()  # type: ignore[index]
    print("\n".join(lines))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
