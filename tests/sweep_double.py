"""A small, honest stand-in for the engine's ``run_batch``, for testing the sweep machinery alone.

It follows the simulation contract's rules on randomness — ``SeedSequence(seed,
spawn_key=(batch_index,))`` spawns child 0 for the uncertain inputs and child 1 for the process
— draws every uncertain number of the scenario from its own distribution, applies
``overrides``, and derives toy outcomes (agreement and war as yearly hazards that depend on the
drawn inputs and the format). It is deterministic in (scenario, format, seed, batch_index,
draws), which is all the machinery relies on. The real engine replaces it in production.

Run as a script it is a sweep driver (used by the kill-and-resume test)::

    python sweep_double.py OUT --runs N --chunk-size C --seed S [--resume] [--sleep SECONDS]
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from accord.scenario import Quantity, Scenario
from accord.scenario.schema import date_to_year

#: format names the stand-in knows, with a toy effect on the yearly chance of agreement
FORMAT_EFFECT = {None: 0.0, "minsk-group": 0.0, "bilateral": -0.04, "inclusive": 0.06, "majority": 0.1}


def uncertain_inputs(scenario: Scenario) -> dict[str, Quantity]:
    out: dict[str, Quantity] = {}
    for issue in scenario.issues:
        if issue.status_quo is not None and issue.status_quo.is_uncertain:
            out[f"issues.{issue.id}.status_quo"] = issue.status_quo
    for a in scenario.actors:
        for i, q in a.positions.items():
            if q.is_uncertain:
                out[f"actors.{a.id}.positions.{i}"] = q
        for i, q in a.salience.items():
            if q.is_uncertain:
                out[f"actors.{a.id}.salience.{i}"] = q
    for name, q in scenario.parameters.items():
        if q.is_uncertain:
            out[f"parameters.{name}"] = q
    return dict(sorted(out.items()))


@dataclass
class FakeBatch:
    years: np.ndarray
    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    inputs: dict[str, np.ndarray]
    agreement: np.ndarray
    agreement_year: np.ndarray
    agreement_proposal: np.ndarray
    terms: np.ndarray
    wars: np.ndarray
    first_war_year: np.ndarray
    agreement_by_year: np.ndarray
    war_by_year: np.ndarray
    vetoes: np.ndarray
    final_status_quo: np.ndarray

    def to_frame(self) -> pd.DataFrame:
        cols: dict[str, np.ndarray] = {f"in.{k}": v for k, v in self.inputs.items()}
        cols.update(
            agreement=self.agreement,
            agreement_year=self.agreement_year,
            agreement_proposal=self.agreement_proposal,
            wars=self.wars,
            first_war_year=self.first_war_year,
        )
        for i, iss in enumerate(self.issue_ids):
            cols[f"terms.{iss}"] = self.terms[:, i]
        for a, act in enumerate(self.actor_ids):
            for i, iss in enumerate(self.issue_ids):
                cols[f"vetoes.{act}.{iss}"] = self.vetoes[:, a, i]
        return pd.DataFrame(cols)


def run_batch(
    scenario: Scenario,
    *,
    format: str | None = None,
    draws: int,
    seed: int,
    batch_index: int = 0,
    until: float | None = None,
    overrides: dict[str, np.ndarray] | None = None,
    history: object = "imposed",
) -> FakeBatch:
    if format not in FORMAT_EFFECT:
        raise KeyError(f"unknown format {format!r}")
    sleep = float(os.environ.get("ACCORD_DOUBLE_SLEEP", "0"))
    if sleep:
        time.sleep(sleep)
    child_in, child_proc = np.random.SeedSequence(seed, spawn_key=(batch_index,)).spawn(2)
    rng_in, rng = np.random.default_rng(child_in), np.random.default_rng(child_proc)
    specs = uncertain_inputs(scenario)
    inputs = {name: q.sample(rng_in, draws) for name, q in specs.items()}
    for name, values in (overrides or {}).items():
        if name not in specs:
            raise KeyError(f"unknown input {name!r}")
        inputs[name] = np.asarray(values, dtype=float)
    # z in [0, 1]: where each draw sits within its inputs' ranges, averaged
    z = np.zeros(draws)
    for name, q in specs.items():
        lo, hi = q.bounds()
        z += (inputs[name] - lo) / (hi - lo)
    z /= max(1, len(specs))
    start, end = date_to_year(scenario.meta.start), until if until is not None else date_to_year(scenario.meta.end)
    years = np.arange(np.floor(start), np.floor(end) + 1)
    n_years, n_actors, n_issues = len(years), len(scenario.actors), len(scenario.issues)
    p_agree = np.clip(0.03 + 0.15 * z + FORMAT_EFFECT[format], 0, 1)
    p_war = 0.05 * (1 - z)
    u_agree = rng.random((draws, n_years))
    u_war = rng.random((draws, n_years))
    agree_step = u_agree < p_agree[:, None]
    war_step = u_war < p_war[:, None]
    agreement_by_year = np.cumsum(agree_step, axis=1) > 0
    war_by_year = np.cumsum(war_step, axis=1) > 0
    agreement = agreement_by_year[:, -1]
    first = np.argmax(agree_step, axis=1)
    agreement_year = np.where(agreement, years[first], np.nan)
    first_w = np.argmax(war_step, axis=1)
    first_war_year = np.where(war_by_year[:, -1], years[first_w], np.nan)
    wars = war_step.sum(axis=1).astype(np.int64)
    terms = np.where(agreement[:, None], 40 + 20 * z[:, None] + rng.normal(0, 5, (draws, n_issues)), np.nan)
    vetoes = rng.poisson(np.clip(2 * (1 - z), 0, None)[:, None, None] * np.ones((1, n_actors, n_issues))).astype(
        np.int64
    )
    proposal = np.where(agreement, first % max(1, len(scenario.proposals)), -1)
    sq = np.full((draws, n_issues), 50.0)
    return FakeBatch(
        years,
        tuple(scenario.actor_ids),
        tuple(scenario.issue_ids),
        inputs,
        agreement,
        agreement_year,
        proposal,
        terms,
        wars,
        first_war_year,
        agreement_by_year,
        war_by_year,
        vetoes,
        sq,
    )


def _main(argv: list[str]) -> None:
    import argparse

    from accord.analysis.sweep import run_sweep
    from accord.scenario import load_scenario

    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--runs", type=int, required=True)
    p.add_argument("--chunk-size", type=int, required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--resume", action="store_true")
    args = p.parse_args(argv)
    import sweep_double  # the module by its importable name, so workers could unpickle the runner

    run_sweep(
        load_scenario("example"),
        args.out,
        runs=args.runs,
        chunk_size=args.chunk_size,
        seed=args.seed,
        resume=args.resume,
        runner=sweep_double.run_batch,
    )


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    _main(sys.argv[1:])
