"""Run what a report or the dashboard shows: one replay and small sweeps per format.

The engine (``accord.simulation``) is called through the simulation contract; sweeps are cut
into chunks (``batch_index`` 0, 1, ...) so progress can be reported, and the chunks are joined
along the draws axis. The same seed gives the same drawn inputs under every format.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from accord.mechanisms.formats import resolve_format
from accord.reports.summaries import BatchLike, ReplayLike, Sensitivity, SensitivityRow
from accord.scenario import Scenario
from accord.scenario.formats import BUILTIN_FORMATS, FormatError
from accord.simulation import replay as engine_replay
from accord.simulation import run_batch as engine_run_batch

Progress = Callable[[int, int, str], None]
"""``progress(done, total, what)``: called after each unit of work."""


def available_formats(scenario: Scenario) -> list[str]:
    """Formats a run may name: the scenario's own, then the built-in ones."""
    own = [f.id for f in scenario.formats]
    return own + [f for f in BUILTIN_FORMATS if f not in own]


def runnable_formats(scenario: Scenario) -> tuple[list[str], dict[str, str]]:
    """The formats of :func:`available_formats` the engine can build for this scenario, and why
    each other one cannot (e.g. single-mediator in a scenario with no mediator or co-chair)."""
    ok: list[str] = []
    skipped: dict[str, str] = {}
    for name in available_formats(scenario):
        try:
            resolve_format(scenario, name)
        except FormatError as e:
            skipped[name] = str(e)
        else:
            ok.append(name)
    return ok, skipped


def run_replay(scenario: Scenario, *, format: str | None = None, seed: int = 0) -> ReplayLike:
    """One replay (``accord.simulation.replay``)."""
    return engine_replay(scenario, format=format, seed=seed)


@dataclass
class Batch:
    """Chunks of one sweep joined along the draws axis (the fields the reports read)."""

    years: np.ndarray
    actor_ids: list[str]
    issue_ids: list[str]
    inputs: dict[str, np.ndarray]
    agreement: np.ndarray
    agreement_year: np.ndarray
    wars: np.ndarray
    agreement_by_year: np.ndarray
    war_by_year: np.ndarray
    vetoes: np.ndarray
    terms: np.ndarray
    first_war_year: np.ndarray

    @classmethod
    def join(cls, parts: Sequence[BatchLike]) -> Batch:
        if not parts:
            raise ValueError("expected at least one batch to join, found none")
        first = parts[0]

        def cat(name: str) -> np.ndarray:
            return np.concatenate([np.asarray(getattr(p, name)) for p in parts], axis=0)

        def maybe(name: str, shape_of: str) -> np.ndarray:
            if all(hasattr(p, name) for p in parts):
                return cat(name)
            return np.full(cat(shape_of).shape[0], np.nan)

        return cls(
            years=np.asarray(first.years, dtype=float),
            actor_ids=[str(a) for a in first.actor_ids],
            issue_ids=[str(i) for i in first.issue_ids],
            inputs={k: np.concatenate([np.asarray(p.inputs[k]) for p in parts]) for k in first.inputs},
            agreement=cat("agreement").astype(bool),
            agreement_year=maybe("agreement_year", "agreement").astype(float),
            wars=cat("wars"),
            agreement_by_year=cat("agreement_by_year").astype(bool),
            war_by_year=cat("war_by_year").astype(bool),
            vetoes=cat("vetoes"),
            terms=cat("terms") if all(hasattr(p, "terms") for p in parts) else np.full((0,), np.nan),
            first_war_year=maybe("first_war_year", "agreement").astype(float),
        )

    @property
    def draws(self) -> int:
        return int(self.agreement.shape[0])


def chunk_sizes(draws: int, chunk: int) -> list[int]:
    """``draws`` cut into chunks of at most ``chunk``: 250, 100 -> [100, 100, 50]."""
    if draws < 1:
        raise ValueError(f"expected at least 1 draw, found {draws}")
    n, rest = divmod(draws, chunk)
    return [chunk] * n + ([rest] if rest else [])


def run_sweeps(
    scenario: Scenario,
    *,
    formats: Sequence[str | None],
    draws: int,
    seed: int,
    chunk: int = 100,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> dict[str, Batch]:
    """``draws`` replays per format on one seed (common random numbers), in chunks.

    Chunk ``k`` is ``run_batch(..., seed=seed, batch_index=k)`` whatever the format, so every
    format sees the same drawn inputs. Returns batches by format label (``default`` for None)."""
    run_batch: Callable[..., BatchLike] = engine_run_batch
    sizes = chunk_sizes(draws, chunk)
    total, done = len(sizes) * len(formats), 0
    out: dict[str, Batch] = {}
    for fmt in formats:
        parts = []
        for k, size in enumerate(sizes):
            if cancelled is not None and cancelled():
                raise InterruptedError("cancelled")
            parts.append(run_batch(scenario, format=fmt, draws=size, seed=seed, batch_index=k))
            done += 1
            if progress is not None:
                progress(done, total, f"{fmt or 'default'}: {sum(sizes[: k + 1])}/{draws} draws")
        out[fmt or "default"] = Batch.join(parts)
    return out


def run_sensitivity(
    scenario: Scenario,
    *,
    format: str | None = None,
    seed: int = 0,
    samples: int = 10,
    replicates: int = 8,
    outcomes: Sequence[str] = ("agreement", "war"),
    chunk_draws: int = 1000,
) -> tuple[list[Sensitivity], str | None]:
    """Morris screening of the uncertain inputs (``accord.analysis.sensitivity``), as report rows.

    Returns the rankings, or an empty list and the reason when the scenario has nothing to analyse."""
    from accord.analysis.sensitivity import SensitivityError, analyse_sensitivity

    try:
        rep = analyse_sensitivity(
            scenario,
            format=format,
            method="morris",
            samples=samples,
            replicates=replicates,
            seed=seed,
            chunk_draws=chunk_draws,
        )
    except SensitivityError as e:
        return [], str(e)
    out = []
    for outcome in outcomes:
        rows = [SensitivityRow(r.name, float(r.index), float(r.conf)) for r in rep.ranking.get(outcome, [])]
        out.append(
            Sensitivity(
                outcome=outcome,
                method=f"Morris μ* ({rep.design_points} design points × {rep.replicates} replays)",
                rows=rows,
                uncertainty="95% conf.",
                noise_floor=rep.noise_floor.get(outcome),
            )
        )
    return out, None
