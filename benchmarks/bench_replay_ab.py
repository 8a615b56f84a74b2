"""A single replay of this tree against a previous engine, both in one process, interleaved.

Separate processes on a shared machine drift by 10-30 % between runs, more than the changes a
single replay's time is made of. This benchmark imports the engine of ``--ref`` (``git archive``
of its ``src/accord``, the package renamed ``accord_ref`` and its own imports rewritten to match)
beside this tree's ``accord`` in the same interpreter, and times the two in alternation: a
replay as ``accord replay`` runs it (with its event log), ``run_batch`` of one draw with the log
and without it. Each configuration is warmed up first (imports, numba kernels loaded from their
cache); the minimum and the first quartile of ``--repeat`` calls are printed, and the ratio this
/ ref of each. The replay's JSON of both engines is compared (equal where the model did not
change).

Usage::

    python benchmarks/bench_replay_ab.py --ref d7af6a1 [--case minsk-group] [--repeat 40]
"""

from __future__ import annotations

import argparse
import importlib
import io
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
_IMPORTS = (
    (re.compile(r"\bfrom accord(\.| import)"), r"from accord_ref\1"),
    (re.compile(r"\bimport accord(\.|$| )", re.M), r"import accord_ref\1"),
    (re.compile(r"([\"'])accord\."), r"\1accord_ref."),  # importlib and resources names
)


def ref_package(ref: str, into: Path) -> None:
    """``src/accord`` of git ``ref`` as the package ``accord_ref`` under ``into``."""
    blob = subprocess.run(["git", "archive", ref, "src/accord"], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
        tar.extractall(into, filter="data")
    pkg = into / "accord_ref"
    (into / "src" / "accord").rename(pkg)
    for path in pkg.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for pattern, repl in _IMPORTS:
            text = pattern.sub(repl, text)
        path.write_text(text, encoding="utf-8")


def _timings(calls: dict[str, Callable[[], Any]], repeat: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {name: [] for name in calls}
    for f in calls.values():
        f()  # warm-up
    for _ in range(repeat):
        for name, f in calls.items():  # alternating, so that the machine's drift falls on both
            t0 = time.perf_counter()
            f()
            out[name].append((time.perf_counter() - t0) * 1e3)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ref", default="main", help="git ref of the engine to compare with")
    ap.add_argument("--case", default="minsk-group")
    ap.add_argument("--repeat", type=int, default=40)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        ref_package(args.ref, Path(tmp))
        sys.path.insert(0, tmp)
        engines: dict[str, tuple[Any, Any, Any]] = {}
        for name, pkg in (("this", "accord"), ("ref", "accord_ref")):
            scenario = importlib.import_module(f"{pkg}.scenario").load_scenario(args.case)
            replay = importlib.import_module(f"{pkg}.simulation.replay").replay
            run_batch = importlib.import_module(f"{pkg}.simulation.engine").run_batch
            engines[name] = (scenario, replay, run_batch)

        calls: dict[str, Callable[[], Any]] = {}
        for name, (s, replay, run_batch) in engines.items():
            calls[f"replay/{name}"] = lambda s=s, replay=replay: replay(s, seed=0)
            calls[f"run_batch 1 draw, log/{name}"] = lambda s=s, rb=run_batch: rb(s, draws=1, seed=0, log=[].append)
            calls[f"run_batch 1 draw/{name}"] = lambda s=s, rb=run_batch: rb(s, draws=1, seed=0)
        same = calls["replay/this"]().to_json() == calls["replay/ref"]().to_json()
        t = _timings(calls, args.repeat)

    print(f"{args.case}: this tree against {args.ref}, {args.repeat} calls each, alternating (ms)")
    print(f"  replay JSON identical: {same}")
    q = max(1, args.repeat // 4)
    for what in ("replay", "run_batch 1 draw, log", "run_batch 1 draw"):
        a, b = sorted(t[f"{what}/this"]), sorted(t[f"{what}/ref"])
        print(
            f"  {what:22s} this min {a[0]:6.2f} q1 {a[q]:6.2f} | ref min {b[0]:6.2f} q1 {b[q]:6.2f}"
            f" | this/ref min {a[0] / b[0]:.3f} q1 {a[q] / b[q]:.3f}"
        )


if __name__ == "__main__":
    main()
