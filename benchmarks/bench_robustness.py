"""Robustness of the Minsk Group outcomes to every domestic input (issue 11's knife-edge check).

For each domestic-politics input of minsk-group (the engine's two-level-game parameters and each
party's pivot positions, removal risk and audience cost), P(agreement of each type by 2020) is
computed on an even grid over the input's declared range, every other input drawn as usual and
the same seed at every point (common random numbers); the largest change between neighbouring
grid points is reported. Writes ``results/robustness.json`` and ``results/robustness.svg``.

    python benchmarks/bench_robustness.py [--points 9] [--runs 300] [--history counterfactual]
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

from accord.analysis.robustness import domestic_inputs, largest_jump, robustness_curves
from accord.reports import figures
from accord.scenario import load_scenario

HERE = Path(__file__).parent
KINDS = ("ceasefire", "process", "partial", "comprehensive")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=9)
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--year", type=float, default=2020)
    ap.add_argument("--history", default="counterfactual")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    s = load_scenario("minsk-group")
    names = domestic_inputs(s)
    t0 = time.perf_counter()
    curves = robustness_curves(
        s, names, points=args.points, runs=args.runs, year=args.year, seed=args.seed, history=args.history
    )
    seconds = time.perf_counter() - t0
    rows = []
    for c in curves:
        jump, kind = largest_jump(c)
        rows.append(
            {
                "input": c.name,
                "x": c.x.tolist(),
                "shares": {k: v.tolist() for k, v in c.shares.items()},
                "largest_jump": jump,
                "largest_jump_type": kind,
            }
        )
        print(f"{c.name:45s} largest jump {jump:.3f} ({kind})")
    worst = max(r["largest_jump"] for r in rows)
    out = {
        "case": "minsk-group",
        "year": args.year,
        "points": args.points,
        "runs": args.runs,
        "seed": args.seed,
        "history": args.history,
        "seconds": round(seconds, 1),
        "largest_jump": worst,
        "inputs": rows,
    }
    (HERE / "results" / "robustness.json").write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    # one panel per input: P(type by year) along the grid
    n = len(curves)
    cols = 3
    fig = figures._new(10, 1.2 + 2.4 * math.ceil(n / cols))
    axes = fig.subplots(math.ceil(n / cols), cols, squeeze=False)
    for k, c in enumerate(curves):
        ax = axes[k // cols][k % cols]
        for j, kind in enumerate(KINDS):
            ax.plot(c.x, c.shares[kind], marker="o", markersize=3, color=figures.PALETTE[j], label=kind)
        ax.set_ylim(-0.02, 1.02)
        ax.set_title(figures.text(c.name.replace("parameters.", "").replace("actors.", "")), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(color="#eeeeee")
    for k in range(n, axes.size):
        axes[k // cols][k % cols].set_visible(False)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=4, frameon=False, fontsize=8)
    fig.suptitle(
        f"minsk-group: P(agreement of each type signed by {args.year:g}) along each domestic input "
        f"({args.runs} runs per point, {args.history}); largest jump {worst:.2f}",
        fontsize=9,
    )
    (HERE / "results" / "robustness.svg").write_text(figures.to_svg(fig), encoding="utf-8")
    print(f"largest jump between neighbouring points: {worst:.3f} ({seconds:.0f} s)")


if __name__ == "__main__":
    main()
