"""Start-up time of the command line: how long ``accord --version``, ``accord cases`` and
``accord validate minsk-group`` take, and which imports the time goes to.

Each command runs ``--repeat`` times in a fresh process (wall clock, median and minimum
reported; the first run also warms the file cache). ``python -X importtime -c "import
accord.cli.app"`` gives every module's cumulative import time; the slowest top-level packages
are listed. Nothing is asserted: the test suite checks only that the command line does not
import the heavy libraries (``tests/test_operations.py``).

    python benchmarks/bench_startup.py [--repeat 7] [--out benchmarks/results/startup.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ACCORD = [sys.executable, "-c", "from accord.cli.app import main; main()"]
COMMANDS = {
    "accord --version": ["--version"],
    "accord cases": ["cases"],
    "accord validate minsk-group": ["validate", "minsk-group"],
}


def wall(args: list[str], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([*ACCORD, *args], check=True, capture_output=True)
        out.append(time.perf_counter() - t)
    return out


def import_times(module: str = "accord.cli.app") -> list[tuple[str, float]]:
    """``(package, cumulative seconds)`` of the top-level packages an import pulls in, slowest first."""
    res = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"], capture_output=True, text=True, check=True
    )
    best: dict[str, float] = {}
    for line in res.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (p.strip() for p in line.removeprefix("import time:").split("|"))
        top = name.split(".")[0]
        if name == top or (top == "accord" and name == module):
            best[name] = max(best.get(name, 0.0), int(cumulative) / 1e6)
    return sorted(best.items(), key=lambda kv: -kv[1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repeat", type=int, default=7)
    p.add_argument("--out", type=Path, default=None)
    args = p.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, load {load:.2f}")
    result: dict[str, object] = {"python": platform.python_version(), "cpus": os.cpu_count(), "load": load}
    timings = {}
    for label, argv in COMMANDS.items():
        ts = wall(argv, args.repeat)
        timings[label] = {"median_s": statistics.median(ts), "min_s": min(ts), "runs": ts}
        print(f"{label:32s} median {statistics.median(ts):.3f} s   min {min(ts):.3f} s   ({args.repeat} runs)")
    result["commands"] = timings
    imports = import_times()
    result["imports"] = dict(imports[:15])
    print("\nimport accord.cli.app: cumulative import time of the slowest packages")
    for name, secs in imports[:15]:
        print(f"  {name:28s} {secs:.3f} s")
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")
        print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
