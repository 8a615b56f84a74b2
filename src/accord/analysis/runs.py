"""The run service: the one way the layers above the engine run many draws of a scenario.

``run_formats(scenario, formats, runs=N, seed=S, history=H)`` runs ``N`` draws of the scenario
under every format and returns one :class:`~accord.simulation.BatchResult` per format. Sweeps,
comparisons, sensitivity analyses, backtests, reports, the dashboard and the Python API all go
through it (a sweep through its parts, :func:`plan_tasks` and :meth:`RunTask.run`, so that it
can write each chunk to disk as it completes and resume).

How the draws are cut and seeded (the whole reproducibility contract):

- :func:`plan_chunks` cuts ``N`` draws into chunks of ``chunk_size`` (default 1000); chunk ``k``
  holds draws ``k·chunk_size …`` and is the engine call ``run_batch(..., draws=size_k, seed=S,
  batch_index=k)``. The plan depends on ``N`` and ``chunk_size`` only, never on the executor or
  the number of workers, so the numbers do not depend on where or in which order chunks ran.
- Inside a batch every uncertain input draws from its own stream and the process from another
  (:mod:`accord.simulation.streams`), none of which depends on the format: draw ``i`` of every
  format sees the same inputs (common random numbers), and editing one input leaves the draws
  of every other input unchanged.
- ``history`` says which dated outcomes are imposed (:mod:`accord.simulation.history`); every
  caller passes it explicitly, because the commands differ in their defaults.

Memory: the results are held in memory, about ``D · (A·I + Y·I + 3·Y + 2·I + A)`` numbers per
format (60 actors, 8 issues, 34 years: ~6 kB per draw). Sweeps far beyond 10⁵ draws belong in
:func:`accord.analysis.sweep.run_sweep`, which streams chunks to disk.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from accord.analysis.executors import Executor, LocalExecutor
from accord.analysis.progress import Progress
from accord.mechanisms.formats import default_format
from accord.scenario import Scenario
from accord.simulation import BatchResult, History, HistoryLike, check_run, run_batch

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "Chunk",
    "RunTask",
    "Runner",
    "execute",
    "plan_chunks",
    "plan_tasks",
    "run_formats",
]

DEFAULT_CHUNK_SIZE = 1000
"""Draws per engine batch unless a caller says otherwise (part of what fixes the numbers)."""

Runner = Callable[..., BatchResult]
"""The engine's :func:`accord.simulation.run_batch` (tests substitute an engine whose answer is known)."""

R = TypeVar("R")


@dataclass(frozen=True)
class Chunk:
    """Draws ``start .. start + draws - 1`` of a run, computed as engine batch ``index``."""

    index: int
    start: int
    draws: int

    @property
    def run_ids(self) -> np.ndarray:
        return np.arange(self.start, self.start + self.draws, dtype=np.int64)


def plan_chunks(runs: int, chunk_size: int) -> list[Chunk]:
    """Cut ``runs`` draws into chunks of ``chunk_size`` (the last one may be shorter).

    The plan depends on nothing but these two numbers, never on the number of workers, so the
    results do not depend on the backend."""
    if runs < 1:
        raise ValueError(f"runs: expected at least 1 run, found {runs}")
    if chunk_size < 1:
        raise ValueError(f"chunk_size: expected a chunk size of at least 1, found {chunk_size}")
    n = math.ceil(runs / chunk_size)
    return [Chunk(k, k * chunk_size, min(chunk_size, runs - k * chunk_size)) for k in range(n)]


@dataclass(frozen=True)
class RunTask:
    """One chunk of one format: self-contained, so that it can be pickled to any worker."""

    scenario: Scenario
    format: str
    seed: int
    chunk: Chunk
    history: History
    mediator: str | None = None
    until: float | None = None
    overrides: Mapping[str, np.ndarray] | None = None  # this chunk's slice, shape (chunk.draws,)
    runner: Runner = run_batch

    def run(self) -> BatchResult:
        """The engine batch for this chunk: ``run_batch(seed=seed, batch_index=chunk.index, ...)``."""
        c = self.chunk
        result = self.runner(
            self.scenario,
            format=self.format,
            draws=c.draws,
            seed=self.seed,
            batch_index=c.index,
            until=self.until,
            overrides=dict(self.overrides) if self.overrides is not None else None,
            mediator=self.mediator,
            history=self.history,
        )
        if result.draws != c.draws:
            raise RuntimeError(f"the engine returned {result.draws} draws for a batch of {c.draws}")
        return result


def _formats(scenario: Scenario, formats: Sequence[str | None]) -> list[str]:
    names = [f or default_format(scenario) for f in formats]
    if not names:
        raise ValueError("formats: expected at least one format")
    if len(set(names)) != len(names):
        raise ValueError(f"formats: expected each format once, found {', '.join(names)}")
    return names


def plan_tasks(
    scenario: Scenario,
    formats: Sequence[str | None],
    *,
    runs: int,
    seed: int,
    history: HistoryLike,
    mediator: str | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    until: float | None = None,
    overrides: Mapping[str, np.ndarray] | None = None,
    runner: Runner = run_batch,
) -> list[RunTask]:
    """The tasks of :func:`run_formats`, format by format and chunk by chunk (see the module docstring).

    ``overrides`` fix named inputs per run, shape ``(runs,)``; each task gets its chunk's slice.
    Raises ValueError (bad runs, chunk size, formats, overrides or history)."""
    names = _formats(scenario, formats)
    hist = History.parse(history)
    plan = plan_chunks(runs, chunk_size)
    fixed = {k: np.asarray(v, dtype=float) for k, v in (overrides or {}).items()}
    for k, v in fixed.items():
        if v.shape != (runs,):
            raise ValueError(f"overrides[{k!r}]: expected shape ({runs},), found {v.shape}")

    def part(c: Chunk) -> dict[str, np.ndarray] | None:
        return {k: v[c.start : c.start + c.draws] for k, v in fixed.items()} if fixed else None

    return [RunTask(scenario, f, int(seed), c, hist, mediator, until, part(c), runner) for f in names for c in plan]


def _run(task: RunTask) -> BatchResult:
    return task.run()


def execute(
    tasks: Iterable[RunTask],
    *,
    total: int,
    fn: Callable[[RunTask], R] = _run,  # type: ignore[assignment]  # R is BatchResult for the default
    executor: Executor | None = None,
    progress: Progress | None = None,
    done: int = 0,
) -> Iterator[tuple[RunTask, R]]:
    """Run ``fn(task)`` for every task on ``executor`` (default: inline), yielding ``(task, result)``
    as each completes (any order), and reporting ``progress(draws done, total, what)``.

    ``fn`` must be a module-level function (it is pickled to the workers); it may reduce a task's
    batch before it travels back (the sweep turns it into a table). ``done``: draws already done
    (a resumed sweep)."""
    ex = executor if executor is not None else LocalExecutor(1)
    if progress is not None:
        progress(done, total, "starting")
    for task, result in ex.map_unordered(fn, tasks):
        done += task.chunk.draws
        if progress is not None:
            progress(done, total, task.format)
        yield task, result


def run_formats(
    scenario: Scenario,
    formats: Sequence[str | None],
    *,
    runs: int,
    seed: int,
    history: HistoryLike,
    mediator: str | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    until: float | None = None,
    overrides: Mapping[str, np.ndarray] | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    runner: Runner = run_batch,
) -> dict[str, BatchResult]:
    """Run ``runs`` draws of ``scenario`` under each format on common random numbers.

    Parameters
    ----------
    formats: format ids (``None``: the scenario's default format), each once.
    runs: draws per format; seed: the root seed (with ``chunk_size`` it fixes every number).
    history: ``imposed``, ``counterfactual``, ``from YEAR`` or a :class:`~accord.simulation.History`.
    mediator: actor id of the mediator of single-mediator formats.
    chunk_size: draws per engine batch (default 1000).
    until: stop at this decimal year (default: the scenario's end).
    overrides: named inputs fixed per run, shape ``(runs,)`` (see ``run_batch``).
    executor: where chunks run (default: inline in this process).
    progress: ``progress(draws done, draws total, what)`` (:mod:`accord.analysis.progress`).

    Returns
    -------
    ``{format id: BatchResult}`` in the order given, each holding draws ``0 .. runs-1``.

    Raises
    ------
    EngineError: the scenario cannot run under a format (checked before any chunk runs).
    ValueError: bad ``runs``, ``chunk_size``, ``formats``, ``overrides`` or ``history``.
    """
    tasks = plan_tasks(
        scenario,
        formats,
        runs=runs,
        seed=seed,
        history=history,
        mediator=mediator,
        chunk_size=chunk_size,
        until=until,
        overrides=overrides,
        runner=runner,
    )
    names = list(dict.fromkeys(t.format for t in tasks))
    if runner is run_batch:
        for f in names:
            check_run(scenario, f, mediator)
    parts: dict[tuple[str, int], BatchResult] = {}
    result: BatchResult
    for task, result in execute(tasks, total=runs * len(names), executor=executor, progress=progress):
        parts[(task.format, task.chunk.index)] = result
    n_chunks = len(tasks) // len(names)
    return {f: BatchResult.concat([parts[(f, k)] for k in range(n_chunks)]) for f in names}
