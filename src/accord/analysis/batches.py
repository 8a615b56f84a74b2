"""The unit of work of every analysis: a chunk of draws handed to the engine's ``run_batch``.

A sweep of ``N`` replays is cut into chunks of ``chunk_size`` draws; chunk ``k`` is the call
``run_batch(scenario, format=..., draws=size_k, seed=seed, batch_index=k, ...)``. The engine
derives its random streams from ``SeedSequence(seed, spawn_key=(k,))``, so a chunk's result
depends only on (scenario, format, seed, k, size_k): chunks can run in any order, on any
machine, be lost and recomputed, and the assembled table is the same. The same seed and chunk
plan under two formats gives the same drawn inputs (common random numbers).

This module also names the part of the engine's ``BatchResult`` the analyses read
(:class:`BatchLike`), so that the machinery can be tested with a small stand-in engine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from accord.scenario import Quantity, Scenario
from accord.simulation import run_batch, uncertain_inputs
from accord.simulation.history import HistoryLike


class BatchLike(Protocol):
    """What the analyses read from the engine's ``BatchResult`` (see the simulation contract).

    Shapes: D draws, A actors, I issues, Y years."""

    years: np.ndarray  # (Y,)
    actor_ids: Any  # sequence of A actor ids
    issue_ids: Any  # sequence of I issue ids
    inputs: dict[str, np.ndarray]  # name -> (D,)
    agreement: np.ndarray  # (D,) bool
    agreement_year: np.ndarray  # (D,) float, NaN if none
    terms: np.ndarray  # (D, I) float, NaN if none
    wars: np.ndarray  # (D,) int
    first_war_year: np.ndarray  # (D,) float, NaN if none
    agreement_by_year: np.ndarray  # (D, Y) bool
    war_by_year: np.ndarray  # (D, Y) bool
    vetoes: np.ndarray  # (D, A, I) int

    def to_frame(self) -> pd.DataFrame: ...


class BatchRunner(Protocol):
    """The signature of ``accord.simulation.run_batch``."""

    def __call__(
        self,
        scenario: Scenario,
        *,
        format: str | None = None,
        draws: int,
        seed: int,
        batch_index: int = 0,
        until: float | None = None,
        overrides: dict[str, np.ndarray] | None = None,
        history: HistoryLike = "imposed",
    ) -> BatchLike: ...


def engine_run_batch(
    scenario: Scenario,
    *,
    format: str | None = None,
    draws: int,
    seed: int,
    batch_index: int = 0,
    until: float | None = None,
    overrides: dict[str, np.ndarray] | None = None,
    history: HistoryLike = "imposed",
) -> BatchLike:
    """The production runner: :func:`accord.simulation.run_batch`."""
    return run_batch(
        scenario,
        format=format,
        draws=draws,
        seed=seed,
        batch_index=batch_index,
        until=until,
        overrides=overrides,
        history=history,
    )


def engine_uncertain_inputs(scenario: Scenario) -> dict[str, Quantity]:
    """The production list of uncertain inputs: :func:`accord.simulation.uncertain_inputs`."""
    return uncertain_inputs(scenario)


@dataclass(frozen=True)
class Chunk:
    """Draws ``start .. start + draws - 1`` of a sweep, computed as engine batch ``index``."""

    index: int
    start: int
    draws: int

    @property
    def run_ids(self) -> np.ndarray:
        return np.arange(self.start, self.start + self.draws, dtype=np.int64)


@dataclass(frozen=True)
class ChunkTask:
    """One chunk of one format, self-contained so that it can be pickled to any worker."""

    scenario: Scenario
    format: str | None
    seed: int
    until: float | None
    chunk: Chunk
    runner: BatchRunner = engine_run_batch
    history: HistoryLike = "imposed"

    def run(self) -> BatchLike:
        """The engine batch for this chunk: ``run_batch(seed=seed, batch_index=chunk.index)``."""
        c = self.chunk
        return self.runner(
            self.scenario,
            format=self.format,
            draws=c.draws,
            seed=self.seed,
            batch_index=c.index,
            until=self.until,
            history=self.history,
        )


def plan_chunks(runs: int, chunk_size: int) -> list[Chunk]:
    """Cut ``runs`` draws into chunks of ``chunk_size`` (the last one may be shorter).

    The plan depends on nothing but these two numbers, never on the number of workers, so
    the results do not depend on the backend."""
    if runs < 1:
        raise ValueError(f"expected at least 1 run, found {runs}")
    if chunk_size < 1:
        raise ValueError(f"expected a chunk size of at least 1, found {chunk_size}")
    n = math.ceil(runs / chunk_size)
    return [Chunk(k, k * chunk_size, min(chunk_size, runs - k * chunk_size)) for k in range(n)]
