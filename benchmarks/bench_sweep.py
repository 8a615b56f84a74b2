"""Sweep throughput: replays per second and peak memory at 10³, 10⁴, 10⁵ runs, 1 and 2 workers.

Each configuration runs in a fresh Python process (so its peak memory is its own) through
the same path as ``accord sweep`` (``run_sweep`` with a ``LocalExecutor``), writing Parquet
chunks (and, before the lean layout, the final table) to a temporary folder. Reported: wall time,
replays per second, peak resident memory of the coordinating process and of the largest
worker process (``resource.getrusage``: ``ru_maxrss``), and the size of the results.

A configuration whose predicted time (from the measured rate at the next smaller size)
exceeds ``--max-seconds`` is skipped and reported as such, never estimated silently.

Usage::

    python benchmarks/bench_sweep.py --case minsk-group --sizes 1000,10000,100000 --workers 1,2 \
        --chunk-size 250 --max-seconds 900 --json benchmarks/results/sweep.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _machine() -> dict[str, str]:
    model = ""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next((ln.split(":", 1)[1].strip() for ln in out.splitlines() if ln.startswith("Model name")), "")
    except OSError:
        pass
    return {
        "nproc": str(os.cpu_count()),
        "cpu": model,
        "python": platform.python_version(),
        "load_average_at_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def _one(case: str, runs: int, workers: int, chunk_size: int, seed: int) -> dict[str, float]:
    """Run one sweep in this process and measure it."""
    from accord.analysis.executors import LocalExecutor
    from accord.analysis.sweep import RESULTS, run_sweep
    from accord.scenario import load_scenario

    scenario = load_scenario(case)
    folder = Path(tempfile.mkdtemp(prefix="accord-bench-"))
    try:
        t0 = time.perf_counter()
        with LocalExecutor(workers) as ex:
            run_sweep(scenario, folder / "out", runs=runs, seed=seed, chunk_size=chunk_size, executor=ex)
        wall = time.perf_counter() - t0
        results = folder / "out" / RESULTS  # a folder of chunk files (one file before the lean layout)
        size = results.stat().st_size if results.is_file() else sum(f.stat().st_size for f in results.iterdir())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    kib = 1024.0 if sys.platform != "darwin" else 1.0  # ru_maxrss is KiB on Linux, bytes on macOS
    return {
        "runs": runs,
        "workers": workers,
        "seconds": wall,
        "runs_per_second": runs / wall,
        "peak_rss_main_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * kib / 2**20,
        "peak_rss_worker_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * kib / 2**20,
        "results_mib": size / 2**20,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--case", default="minsk-group", help="built-in case name or scenario file")
    p.add_argument("--sizes", default="1000,10000,100000")
    p.add_argument("--workers", default="1,2")
    p.add_argument("--chunk-size", type=int, default=250)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--max-seconds", type=float, default=900.0, help="skip a configuration predicted to take longer")
    p.add_argument("--json", type=Path, default=None, help="also write the results here")
    p.add_argument("--one", nargs=2, type=int, metavar=("RUNS", "WORKERS"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.one:
        print(json.dumps(_one(args.case, args.one[0], args.one[1], args.chunk_size, args.seed)))
        return

    sizes = [int(s) for s in args.sizes.split(",")]
    workers = [int(w) for w in args.workers.split(",")]
    report: dict[str, object] = {
        "case": args.case,
        "chunk_size": args.chunk_size,
        "seed": args.seed,
        "machine": _machine(),
        "rows": [],
    }
    rows: list[dict[str, object]] = []
    rate: dict[int, float] = {}  # workers -> last measured runs/s
    for n in sizes:
        for w in workers:
            if w in rate and n / rate[w] > args.max_seconds:
                row: dict[str, object] = {
                    "runs": n,
                    "workers": w,
                    "skipped": f"predicted {n / rate[w]:.0f} s > --max-seconds {args.max_seconds:.0f}",
                }
            else:
                cmd = [sys.executable, __file__, "--case", args.case, "--chunk-size", str(args.chunk_size)]
                cmd += ["--seed", str(args.seed), "--one", str(n), str(w)]
                done = subprocess.run(cmd, capture_output=True, text=True, check=True)
                row = json.loads(done.stdout.strip().splitlines()[-1])
                rate[w] = float(row["runs_per_second"])  # type: ignore[arg-type]
            rows.append(row)
            print(json.dumps(row), flush=True)
    report["rows"] = rows
    report["machine_load_average_at_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(_markdown(report))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")


def _markdown(report: dict[str, object]) -> str:
    rows = report["rows"]
    assert isinstance(rows, list)
    lines = [
        f"case `{report['case']}`, chunk size {report['chunk_size']}, machine {report['machine']}",
        "",
        "| runs | workers | seconds | replays/s | peak RSS main (MiB) | peak RSS worker (MiB) | results (MiB) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if "skipped" in r:
            lines.append(f"| {r['runs']:,} | {r['workers']} | skipped: {r['skipped']} | | | | |")
        else:
            lines.append(
                f"| {r['runs']:,} | {r['workers']} | {r['seconds']:.1f} | {r['runs_per_second']:.0f} | "
                f"{r['peak_rss_main_mib']:.0f} | {r['peak_rss_worker_mib']:.0f} | {r['results_mib']:.1f} |"
            )
    by = {(r["runs"], r["workers"]): r for r in rows if "skipped" not in r}
    for n in sorted({r["runs"] for r in rows}):
        if (n, 1) in by and (n, 2) in by:
            s = by[(n, 1)]["seconds"] / by[(n, 2)]["seconds"]
            lines.append(f"\nspeed-up at {n:,} runs, 1 → 2 workers: {s:.2f}× (wall time, 1 worker / 2 workers)")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
