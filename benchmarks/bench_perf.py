"""Engine and sweep cost of this tree against a previous engine (a git ref), in the same run.

For each engine (``this``: the working tree; ``ref``: ``git archive`` of ``--ref``, default
``main``, imported through ``PYTHONPATH`` by the same interpreter) and each configuration
(runs × workers), a fresh Python process runs ``run_sweep`` with a ``LocalExecutor`` (the path
of ``accord sweep``) into a temporary folder. Reported per configuration:

- wall seconds and replays per second;
- CPU-ms per replay: user + system time of the whole process tree (the run's process and its
  workers, ``getrusage(RUSAGE_CHILDREN)`` in this process around it) ÷ runs;
- peak RSS of the process tree: the largest sum of the resident sets of the run's process and
  all its descendants, sampled from ``/proc`` every 50 ms; and each process's own peak (the
  run's process, the coordinator; then every descendant: the workers and any helper process);
- bytes of results per replay (the results ÷ runs: the chunk files of ``results/``, or the
  ``results.parquet`` of an engine before the lean layout); ``--store-inputs`` stores the drawn
  inputs too (this tree only: use it with ``--ref ''``).

Then, per engine, a single replay as ``accord replay minsk-group`` runs it (``replay`` with its
log; and ``run_batch`` with one draw, no log), best of ``--repeat`` after a warm-up, and the
engine CPU-ms per replay of one 1000-draw batch (best of ``--repeat``) with its cost per actor
(÷ all actors, ÷ actors holding a stance). Each ratio compares the two engines measured in this
run, so that a shared, noisy machine affects both alike.

Usage::

    python benchmarks/bench_perf.py --sizes 1000,10000 --workers 1,2 --ref main \
        --json benchmarks/results/perf.json
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
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = os.sysconf("SC_PAGE_SIZE")


# -- in the child process ----------------------------------------------------------------------


def _results_bytes(path: Path) -> int:
    """Bytes of a sweep's results: one file (before the lean layout) or a folder of chunk files."""
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.iterdir() if f.is_file() and not f.name.startswith(".tmp-"))


def _child_sweep(
    case: str, runs: int, workers: int, chunk_size: int, seed: int, store_inputs: bool
) -> dict[str, object]:
    from accord.analysis.executors import LocalExecutor
    from accord.analysis.sweep import RESULTS, run_sweep
    from accord.scenario import load_scenario

    scenario = load_scenario(case)
    folder = Path(tempfile.mkdtemp(prefix="accord-bench-perf-"))
    extra = {"store_inputs": True} if store_inputs else {}
    try:
        t0 = time.perf_counter()
        with LocalExecutor(workers) as ex:
            run_sweep(scenario, folder / "out", runs=runs, seed=seed, chunk_size=chunk_size, executor=ex, **extra)
        wall = time.perf_counter() - t0
        size = _results_bytes(folder / "out" / RESULTS)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"seconds": wall, "results_bytes": size}


def _child_engine(case: str, fmt: str, repeat: int) -> dict[str, object]:
    import accord
    from accord.scenario import load_scenario
    from accord.simulation import replay, run_batch

    s = load_scenario(case)
    replay(s, format=fmt, seed=0)  # warm-up: imports, kernels compiled or loaded from their cache
    run_batch(s, format=fmt, draws=1000, seed=2, batch_index=3)

    def best(f: object, n: int) -> float:
        times = []
        for _ in range(n):
            t0 = time.process_time()
            f()  # type: ignore[operator]
            times.append(time.process_time() - t0)
        return min(times)

    batch = best(lambda: run_batch(s, format=fmt, draws=1000, seed=2, batch_index=3), repeat)
    stance = sum(1 for a in s.actors if a.positions)
    return {
        "engine_file": accord.__file__,
        "replay_ms": 1e3 * best(lambda: replay(s, format=fmt, seed=0), repeat * 3),
        "one_draw_batch_ms": 1e3 * best(lambda: run_batch(s, format=fmt, draws=1, seed=0), repeat * 3),
        "batch_1000_cpu_ms_per_replay": batch,  # s per 1000 = ms per replay
        "actors": len(s.actors),
        "actors_with_stance": stance,
        "cpu_us_per_replay_per_actor": 1e3 * batch / len(s.actors),
        "cpu_us_per_replay_per_stance_actor": 1e3 * batch / stance,
    }


# -- in this process ---------------------------------------------------------------------------


def _tree_rss(root: int) -> dict[int, int]:
    """Resident bytes of ``root`` and of each of its descendants, by process id (Linux ``/proc``)."""
    parent: dict[int, int] = {}
    rss: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{d}/statm") as f:
                rss[int(d)] = int(f.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
        parent[int(d)] = int(fields[1])
    tree, frontier = {root}, [root]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parent.items() if pp == p and c not in tree]
        tree.update(kids)
        frontier += kids
    return {p: rss[p] for p in tree if p in rss}


def _run_child(args: list[str], env: dict[str, str]) -> tuple[dict[str, object], float, int, dict[int, int]]:
    """Run this script with ``args`` in a child; its JSON line, CPU seconds of its tree, peak tree RSS,
    and each process's peak RSS (the child's first)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(
        [sys.executable, __file__, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    peak = 0
    each: dict[int, int] = {proc.pid: 0}
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            sizes = _tree_rss(proc.pid)
            peak = max(peak, sum(sizes.values()))
            for pid, size in sizes.items():
                each[pid] = max(each.get(pid, 0), size)
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{err}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return json.loads(out.strip().splitlines()[-1]), cpu, peak, each


def _engines(ref: str, tmp: Path) -> dict[str, dict[str, str]]:
    env_this = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    engines = {"this": env_this}
    if ref:
        dest = tmp / "ref"
        dest.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "src"], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
        engines[ref] = dict(os.environ, PYTHONPATH=str(dest / "src"))
    return engines


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--case", default="minsk-group")
    p.add_argument("--format", default="minsk-group", help="format of the single-replay timing")
    p.add_argument("--sizes", default="1000,10000")
    p.add_argument("--workers", default="1,2")
    p.add_argument("--chunk-size", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--ref", default="main", help="git ref of the engine to compare with ('' for none)")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--store-inputs", action="store_true", help="store the drawn inputs in the results (this tree)")
    p.add_argument("--no-engine", action="store_true", help="skip the single-replay and batch timings")
    p.add_argument("--json", type=Path, default=None)
    p.add_argument("--sweep", nargs=2, type=int, help=argparse.SUPPRESS)
    p.add_argument("--engine", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.sweep:
        print(
            json.dumps(
                _child_sweep(args.case, args.sweep[0], args.sweep[1], args.chunk_size, args.seed, args.store_inputs)
            )
        )
        return
    if args.engine:
        print(json.dumps(_child_engine(args.case, args.format, args.repeat)))
        return

    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    report: dict[str, object] = {
        "case": args.case,
        "chunk_size": args.chunk_size,
        "this_commit": commit.stdout.strip() + ("+dirty" if _dirty() else ""),
        "ref": args.ref,
        "store_inputs": args.store_inputs,
        "machine": {
            "nproc": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": os.getloadavg(),
        },
    }
    with tempfile.TemporaryDirectory(prefix="accord-bench-perf-") as tmp:
        engines = _engines(args.ref, Path(tmp))
        engine_rows = {}
        for name, env in engines.items() if not args.no_engine else ():
            row, _, _, _ = _run_child(
                ["--engine", "--case", args.case, "--format", args.format, "--repeat", str(args.repeat)], env
            )
            engine_rows[name] = row
            print(name, json.dumps(row), flush=True)
        report["engine"] = engine_rows
        rows = []
        for n in (int(s) for s in args.sizes.split(",")):
            for w in (int(s) for s in args.workers.split(",")):
                for name, env in engines.items():  # the engines alternate: the load hits both alike
                    cargs = ["--case", args.case, "--chunk-size", str(args.chunk_size), "--seed", str(args.seed)]
                    cargs += ["--store-inputs"] if args.store_inputs else []
                    out, cpu, peak, each = _run_child([*cargs, "--sweep", str(n), str(w)], env)
                    coordinator = each.pop(next(iter(each)))
                    seconds = float(out["seconds"])  # type: ignore[arg-type]
                    row = {
                        "engine": name,
                        "runs": n,
                        "workers": w,
                        "seconds": seconds,
                        "replays_per_second": n / seconds,
                        "cpu_ms_per_replay": 1e3 * cpu / n,
                        "peak_tree_rss_mib": peak / 2**20,
                        "peak_rss_coordinator_mib": coordinator / 2**20,
                        "peak_rss_other_processes_mib": sorted((v / 2**20 for v in each.values()), reverse=True),
                        "bytes_per_replay": int(out["results_bytes"]) / n,  # type: ignore[call-overload]
                    }
                    rows.append(row)
                    print(json.dumps(row), flush=True)
        report["sweeps"] = rows
    report["machine"]["load_average_at_end"] = os.getloadavg()  # type: ignore[index]
    print(_markdown(report))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")


def _dirty() -> bool:
    st = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "src"], capture_output=True, text=True)
    return bool(st.stdout.strip())


def _markdown(report: dict[str, object]) -> str:
    eng = report["engine"]
    sweeps = report["sweeps"]
    assert isinstance(eng, dict) and isinstance(sweeps, list)
    ref = report["ref"]
    lines = [
        f"case `{report['case']}`, chunk size {report['chunk_size']}, this tree {report['this_commit']}, "
        f"against `{ref}`, inputs {'stored' if report.get('store_inputs') else 'drawn again on read'}; "
        f"machine {report['machine']}",
        "",
        "| engine | replay (ms) | 1-draw batch (ms) | CPU-ms/replay (1000-draw batch) | µs/replay/actor | "
        "µs/replay/stance actor |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in eng.items():
        lines.append(
            f"| {name} | {r['replay_ms']:.1f} | {r['one_draw_batch_ms']:.1f} | "
            f"{r['batch_1000_cpu_ms_per_replay']:.3f} | {r['cpu_us_per_replay_per_actor']:.1f} | "
            f"{r['cpu_us_per_replay_per_stance_actor']:.1f} |"
        )
    if ref and ref in eng:
        t, o = eng["this"], eng[ref]
        lines.append(
            f"\nratio {ref} / this: replay {o['replay_ms'] / t['replay_ms']:.2f}×, engine CPU per replay "
            f"{o['batch_1000_cpu_ms_per_replay'] / t['batch_1000_cpu_ms_per_replay']:.2f}×"
        )
    lines += [
        "",
        "| engine | runs | workers | seconds | replays/s | CPU-ms/replay | peak tree RSS (MiB) | "
        "peak RSS: coordinator; each other process (MiB) | bytes/replay |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in sweeps:
        lines.append(
            f"| {r['engine']} | {r['runs']:,} | {r['workers']} | {r['seconds']:.1f} | {r['replays_per_second']:.0f} | "
            f"{r['cpu_ms_per_replay']:.2f} | {r['peak_tree_rss_mib']:.0f} | "
            f"{r['peak_rss_coordinator_mib']:.0f}; {', '.join(f'{v:.0f}' for v in r['peak_rss_other_processes_mib']) or 'none'} | "
            f"{r['bytes_per_replay']:.0f} |"
        )
    by = {(r["engine"], r["runs"], r["workers"]): r for r in sweeps}
    if ref:
        for r in sweeps:
            if r["engine"] == "this" and (ref, r["runs"], r["workers"]) in by:
                o = by[(ref, r["runs"], r["workers"])]
                lines.append(
                    f"- {r['runs']:,} runs, {r['workers']} worker(s): {ref}/this wall {o['seconds'] / r['seconds']:.2f}×, "
                    f"CPU {o['cpu_ms_per_replay'] / r['cpu_ms_per_replay']:.2f}×"
                )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
