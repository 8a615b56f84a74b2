"""Stand-ins shaped like the engine's ``BatchResult`` (the simulation contract), so the report
and dashboard rendering can be tested on known numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.scenario import Scenario, date_to_year
from accord.simulation import Replay, replay


@dataclass
class FakeBatch:
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
    extra: dict[str, Any] = field(default_factory=dict)


def fake_replay(s: Scenario) -> Replay:
    """A real replay (the engine is fast on a small case); only the sweeps are stand-ins."""
    return replay(s, seed=3)


def fake_batch(s: Scenario, draws: int, seed: int, shift: float = 0.0) -> FakeBatch:
    rng = np.random.default_rng(seed)
    start, end = int(date_to_year(s.meta.start)), int(date_to_year(s.meta.end))
    years = np.arange(start, end + 1, dtype=float)
    x = rng.uniform(0, 1, draws)
    agreement = rng.uniform(0, 1, draws) < np.clip(x + shift, 0, 1)
    a_year = np.where(agreement, rng.integers(start, end + 1, draws).astype(float), np.nan)
    by_year = (years[None, :] >= a_year[:, None]) & agreement[:, None]
    war = rng.uniform(0, 1, (draws, len(years))) < 0.1
    actors = [a.id for a in s.actors if a.positions]
    vetoes = rng.poisson(0.3, (draws, len(actors), len(s.issues)))
    return FakeBatch(
        years=years,
        actor_ids=actors,
        issue_ids=s.issue_ids,
        inputs={"actors.ARM.salience.districts": x, "parameters.noise": rng.uniform(0, 1, draws)},
        agreement=agreement,
        agreement_year=a_year,
        wars=war.sum(axis=1),
        agreement_by_year=by_year,
        war_by_year=war,
        vetoes=vetoes,
    )


def fake_sweeps(
    s: Scenario, *, formats: list[str | None], draws: int, seed: int, progress: Any = None, cancelled: Any = None
) -> dict[str, FakeBatch]:
    out = {}
    for k, f in enumerate(formats):
        out[f or "default"] = fake_batch(s, draws, seed, shift=0.1 * k)
        if progress is not None:
            progress(k + 1, len(formats), f"{f}: {draws}/{draws} draws")
    return out


def fake_engine(seen: list[Scenario] | None = None) -> Any:
    """The dashboard's engine with stand-in sweeps; ``seen`` collects the scenarios replays ran on."""
    from accord.web.app import Engine

    def recording_replay(s: Scenario, *, format: str | None = None, seed: int = 0) -> Replay:
        if seen is not None:
            seen.append(s)
        return replay(s, format=format, seed=seed)

    return Engine(replay=recording_replay, sweeps=fake_sweeps)
