"""Stand-ins shaped like the engine's ``Replay`` and ``BatchResult`` (the simulation contract),
so the report and dashboard rendering can be tested on known numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.scenario import Scenario, date_to_year


@dataclass
class FakeReplay:
    events: list[dict[str, Any]]
    summary: dict[str, Any]
    trajectory: dict[str, Any]


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


def fake_replay(s: Scenario) -> FakeReplay:
    start, end = int(date_to_year(s.meta.start)), int(date_to_year(s.meta.end))
    years = np.arange(start, end + 1, dtype=float)
    actors = [a for a in s.actors if a.positions]
    pos = np.array(
        [[[a.positions[i].nominal if i in a.positions else np.nan for i in s.issue_ids] for a in actors]] * len(years)
    )
    pos = pos + np.linspace(0, 5, len(years))[:, None, None]
    events = [
        {"t": float(e_y), "kind": k, "note": f"fake {k}"}
        for e_y, k in [(years[1], "proposal"), (years[2], "veto"), (years[3], "escalation")]
    ]
    return FakeReplay(
        events=events,
        summary={
            "agreement": False,
            "year": None,
            "proposal": None,
            "blocked_by": [{"actor": "AZE", "reason": "status"}],
            "wars": [],
        },
        trajectory={
            "years": years,
            "positions": pos,
            "actor_ids": [a.id for a in actors],
            "status_quo": np.full((len(years), len(s.issues)), 50.0),
        },
    )


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


def fake_engine() -> Any:
    from accord.web.app import Engine

    def replay(s: Scenario, *, format: str | None = None, seed: int = 0) -> FakeReplay:
        r = fake_replay(s)
        # the log shows the salience the run used, so a test can see an edit take effect
        arm = s.actor("ARM")
        r.events.append(
            {"t": r.events[-1]["t"], "kind": "note", "salience.ARM.districts": arm.salience["districts"].nominal}
        )
        return r

    return Engine(replay=replay, sweeps=fake_sweeps)
