"""Where a single replay's time goes, phase by phase (issue 15's < 20 ms goal).

Wraps each phase function of :mod:`accord.simulation.process` (and the set-up in
:mod:`accord.simulation.engine`) with a wall-clock timer, runs ``replay(case, seed=0)`` once to
warm up, then ``--repeat`` times, and prints the mean milliseconds per replay of each phase and
of the whole replay and ``run_batch``, the part of ``run_batch`` outside every timed function
(the step loop's own bookkeeping, or a phase this list does not know), and the same replays
timed before the timers were put in (so the timers' own cost is seen, not guessed), with the
time the cyclic garbage collector took in them (it runs inside whichever phase allocates when a
threshold is crossed). Read the
shares and the same-run ratios, not the absolute numbers on a shared machine.

Usage::

    python benchmarks/bench_replay_phases.py [--case minsk-group] [--repeat 30]
"""

from __future__ import annotations

import argparse
import collections
import functools
import gc
import importlib
import time
from collections.abc import Callable
from typing import Any

PHASES = (
    "dated_changes",
    "dated_events",
    "power_balance",
    "organisation",
    "information",
    "incidents",
    "risk",
    "implement_due",
    "negotiate",
    "war",
    "record",
)
SETUP = ("draw_inputs", "compile_proposals", "compile_context", "resolve_format", "format_chain", "resolve_tracks")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--case", default="minsk-group")
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()

    import accord.simulation.engine as engine
    import accord.simulation.process as process
    from accord.scenario import load_scenario

    # the package exports the function ``replay`` under the module's own name
    replay_mod = importlib.import_module("accord.simulation.replay")
    s = load_scenario(args.case)
    replay_mod.replay(s, seed=0)  # warm-up: imports, kernels compiled or loaded from their cache

    def mean_ms() -> float:
        t0 = time.perf_counter()
        for _ in range(args.repeat):
            replay_mod.replay(s, seed=0)
        return (time.perf_counter() - t0) / args.repeat * 1e3

    # the cyclic garbage collector's time inside the replays, wherever it strikes (a full
    # collection walks every object the imports made: about once in 30 replays here)
    gc_spent = [0.0, 0.0]  # seconds, full collections

    def gc_clock(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            gc_clock.t0 = time.perf_counter()  # type: ignore[attr-defined]
        else:
            gc_spent[0] += time.perf_counter() - gc_clock.t0  # type: ignore[attr-defined]
            gc_spent[1] += info["generation"] == 2

    gc.callbacks.append(gc_clock)
    untimed = mean_ms()
    gc.callbacks.remove(gc_clock)
    spent: collections.Counter[str] = collections.Counter()

    def timed(owner: Any, name: str) -> None:
        f: Callable[..., Any] = getattr(owner, name)

        @functools.wraps(f)
        def g(*a: Any, **k: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return f(*a, **k)
            finally:
                spent[name] += time.perf_counter() - t0

        setattr(owner, name, g)

    for n in PHASES:
        timed(process, n)
    for n in SETUP:
        timed(engine, n)
    timed(process.Process, "initial_state")
    timed(replay_mod, "run_batch")

    total = mean_ms()
    ms = {name: sec / args.repeat * 1e3 for name, sec in spent.items()}
    print(f"{args.case}: replay {total:.2f} ms with the timers, {untimed:.2f} ms without (mean of {args.repeat})")
    print(
        f"  of which cyclic garbage collection {gc_spent[0] / args.repeat * 1e3:.2f} ms per replay without the"
        f" timers ({int(gc_spent[1])} full collections in {args.repeat} replays)"
    )
    for name, v in sorted(ms.items(), key=lambda kv: -kv[1]):
        print(f"  {name:18s} {v:7.2f} ms")
    inside = sum(v for name, v in ms.items() if name != "run_batch")
    print(f"  {'rest of run_batch':18s} {ms['run_batch'] - inside:7.2f} ms")


if __name__ == "__main__":
    main()
