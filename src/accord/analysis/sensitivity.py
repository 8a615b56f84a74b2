"""Global sensitivity of the main outcomes to each uncertain input (SALib), and scenario discovery.

Each uncertain input of the scenario (``uncertain_inputs``) becomes a factor ranging over its
bounds (``Quantity.bounds()``; an unbounded normal over mean ± 3 sd, clipped to the range the
field allows). SALib draws a design over these factors — Morris trajectories by default
(Morris 1991, *Technometrics* 33(2); μ* of Campolongo, Cariboni & Saltelli 2007, *Environmental
Modelling & Software* 22), or Saltelli's sampling for Sobol indices (Saltelli et al. 2010,
*Computer Physics Communications* 181) — and every design point is replayed ``replicates``
times through the run service (:class:`accord.analysis.runs.RunTask` with ``overrides``), the
remaining randomness being the process's own. The outcomes per design point are the shares of
its replicates that reach an agreement by the horizon, that see a war, and the mean number of
vetoes.

Sensitivity is counterfactual by default (``history="counterfactual"``): with the dated wars
imposed, P(war) is 1 in every design point and no input can be ranked for war.

Because the process is random, an elementary effect or a Sobol index carries noise. The design
therefore includes *dummy* factors that the engine never sees (Khorashadi Zadeh et al. 2017,
*Environmental Modelling & Software* 91). With many inputs, the largest of them reaches far above
a single dummy's index by chance alone, so the *noise floor* is family-wise: for Morris, the 95%
quantile of the largest μ* that as many inputs as are ranked would reach if none did anything,
bootstrapped from the dummies' elementary effects; for Sobol, the largest dummy index. Inputs at
or below it cannot be told apart from noise at this design size.

``by="group"`` ranks groups of inputs instead of single numbers (SALib's grouped Morris design,
Campolongo, Cariboni & Saltelli 2007): an actor's positions, its saliences, its dated changes,
its domestic inputs; a proposal's terms; an event's status quo; the issues' status quo; each
parameter on its own (:func:`input_group`). Fewer, larger factors need fewer replays to stand
above the noise.

Scenario discovery (:mod:`accord.analysis.discovery`) runs on the same design points.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from accord.analysis.discovery import BinnedRates, Box, binned_rates, prim_box
from accord.analysis.executors import Executor
from accord.analysis.progress import Progress
from accord.analysis.runs import Chunk, Runner, RunTask, execute
from accord.mechanisms.formats import default_format
from accord.scenario import Quantity, Scenario
from accord.simulation import History, HistoryLike, check_run, run_batch, uncertain_inputs
from accord.simulation.inputs import field_range

Method = Literal["morris", "sobol"]
By = Literal["input", "group"]
DUMMY = "(dummy)"
DUMMIES = 5
"""Dummy factors in every design: ``(dummy)``, ``(dummy 2)``, …; their effects are the noise."""
OUTCOMES = ("agreement", "war", "vetoes")
NOISE_QUANTILE = 0.95


def dummy_names(n: int = DUMMIES) -> list[str]:
    return [DUMMY] + [f"(dummy {k})" for k in range(2, n + 1)]


def is_dummy(name: str) -> bool:
    return name == DUMMY or name.startswith("(dummy ")


def input_group(name: str) -> str:
    """The group an uncertain input belongs to when ranking by group (``by="group"``):
    ``actors.ARM.positions.status`` → ``actors.ARM.positions``; ``proposals.P.terms.x`` →
    ``proposals.P``; ``events.E.status_quo.x`` → ``events.E``; ``issues.x.status_quo`` →
    ``issues.status_quo``; parameters and format settings stay on their own."""
    parts = name.split(".")
    if parts[0] == "actors" and len(parts) >= 3:
        return ".".join(parts[:3])
    if parts[0] in ("proposals", "events", "tracks") and len(parts) >= 2:
        return ".".join(parts[:2])
    if parts[0] == "issues" and len(parts) >= 3:
        return "issues." + ".".join(parts[2:])
    return name


def _dummy_effects(X: np.ndarray, y: np.ndarray, dummy_cols: list[int], rows_per_trajectory: int) -> np.ndarray:
    """|elementary effect| of each dummy in each Morris trajectory (the dummies span [0, 1], so a
    step in X is already the step on the unit scale SALib uses)."""
    out = []
    for start in range(0, X.shape[0], rows_per_trajectory):
        block, yb = X[start : start + rows_per_trajectory], y[start : start + rows_per_trajectory]
        dx, dy = np.diff(block, axis=0), np.diff(yb)
        for c in dummy_cols:
            for j in np.flatnonzero(dx[:, c] != 0):
                out.append(abs(dy[j] / dx[j, c]))
    return np.asarray(out, dtype=float)


def family_noise_floor(
    null_effects: np.ndarray, trajectories: int, ranked: int, seed: int, resamples: int = 2000
) -> float:
    """The :data:`NOISE_QUANTILE` quantile of the largest μ* among ``ranked`` inputs that do nothing,
    each the mean of ``trajectories`` |elementary effects| drawn from the dummies' (bootstrap)."""
    if null_effects.size == 0 or ranked < 1:
        return math.nan
    rng = np.random.default_rng(seed)
    biggest = np.empty(resamples)
    for b in range(resamples):  # one resample at a time keeps memory at ranked × trajectories
        biggest[b] = rng.choice(null_effects, size=(ranked, trajectories), replace=True).mean(axis=1).max()
    return float(np.quantile(biggest, NOISE_QUANTILE))


class SensitivityError(ValueError):
    """The scenario has nothing to analyse, or the options make no design."""


@dataclass(frozen=True)
class Factor:
    name: str
    low: float
    high: float


def factor_for(name: str, q: Quantity) -> Factor | None:
    """The range a factor spans, or None for a number that cannot vary."""
    lo, hi = q.bounds()
    if q.dist == "normal":
        assert q.mean is not None and q.sd is not None
        lo = lo if math.isfinite(lo) else q.mean - 3 * q.sd
        hi = hi if math.isfinite(hi) else q.mean + 3 * q.sd
    f_lo, f_hi = field_range(name)
    lo, hi = max(lo, f_lo), min(hi, f_hi)
    if not (math.isfinite(lo) and math.isfinite(hi) and hi > lo):
        return None
    return Factor(name, lo, hi)


def design_outcomes(task: RunTask, replicates: int) -> np.ndarray:
    """Replay one chunk of design points (each repeated ``replicates`` times, consecutive draws);
    returns ``(m, 3)``: P(agreement), P(war), mean vetoes per point."""
    res = task.run()
    r = replicates
    m = res.draws // r
    agree = res.agreement.astype(float).reshape(m, r).mean(axis=1)
    war = (res.wars > 0).astype(float).reshape(m, r).mean(axis=1)
    vetoes = res.vetoes.reshape(m * r, -1).sum(axis=1).astype(float).reshape(m, r).mean(axis=1)
    return np.stack([agree, war, vetoes], axis=1)


@dataclass
class Ranked:
    """One input's indices for one outcome."""

    name: str
    index: float  # mu_star (Morris) or ST (Sobol): what the ranking uses
    conf: float
    extra: dict[str, float]  # sigma / mu (Morris) or S1, S1_conf (Sobol)

    def to_dict(self) -> dict[str, Any]:
        return {"input": self.name, "index": self.index, "conf": self.conf, **self.extra}


@dataclass
class SensitivityReport:
    scenario: str
    format: str
    history: str
    method: Method
    factors: list[Factor]
    design_points: int
    replicates: int
    seed: int
    ranking: dict[str, list[Ranked]]  # outcome -> inputs ranked (dummy included)
    noise_floor: dict[str, float]
    base_rates: dict[str, float]
    boxes: dict[str, Box]
    bins: dict[str, list[BinnedRates]]
    notes: list[str] = field(default_factory=list)
    by: By = "input"
    trajectories: int = 0  # Morris trajectories (or Sobol's base N)

    @property
    def ranked(self) -> int:
        """How many inputs (or groups) are ranked, dummies left out."""
        return len({r.name for rs in self.ranking.values() for r in rs if not is_dummy(r.name)})

    @property
    def replays(self) -> int:
        return self.design_points * self.replicates

    def design(self) -> str:
        """The design in words, for titles: its size and the n behind every index."""
        what = "groups of inputs" if self.by == "group" else "inputs"
        return (
            f"{self.ranked} {what}; {self.method} design of {self.design_points:,} points × {self.replicates} "
            f"replays = {self.replays:,} replays"
        )

    def above_noise(self, outcome: str) -> list[Ranked]:
        """The ranked inputs (no dummy) whose index exceeds the noise floor."""
        floor = self.noise_floor.get(outcome, math.nan)
        return [
            r for r in self.ranking.get(outcome, []) if not is_dummy(r.name) and (math.isnan(floor) or r.index > floor)
        ]

    @property
    def index_name(self) -> str:
        return "mu_star" if self.method == "morris" else "ST"

    def to_dict(self) -> dict[str, Any]:
        def num(x: float) -> float | None:
            return None if isinstance(x, float) and math.isnan(x) else x

        return {
            "scenario": self.scenario,
            "format": self.format,
            "history": self.history,
            "method": self.method,
            "index": self.index_name,
            "by": self.by,
            "design_points": self.design_points,
            "trajectories": self.trajectories,
            "replicates": self.replicates,
            "replays": self.replays,
            "seed": self.seed,
            "factors": [{"input": f.name, "low": f.low, "high": f.high} for f in self.factors],
            "ranking": {
                o: [{k: num(v) if isinstance(v, float) else v for k, v in r.to_dict().items()} for r in rs]
                for o, rs in self.ranking.items()
            },
            "noise_floor": {k: num(v) for k, v in self.noise_floor.items()},
            "base_rates": self.base_rates,
            "discovery": {
                o: {
                    "box": {
                        "limits": {k: list(v) for k, v in b.limits.items()},
                        "density": b.density,
                        "coverage": num(b.coverage),
                        "support": b.support,
                        "base_rate": b.base_rate,
                    },
                    "bins": [
                        {"input": x.name, "edges": x.edges, "rates": [num(r) for r in x.rates], "spread": x.spread}
                        for x in self.bins[o]
                    ],
                }
                for o, b in self.boxes.items()
            },
            "notes": self.notes,
        }


def analyse_sensitivity(
    scenario: Scenario,
    *,
    format: str | None = None,
    method: Method = "morris",
    samples: int | None = None,
    replicates: int = 8,
    seed: int = 0,
    history: HistoryLike = "counterfactual",
    mediator: str | None = None,
    until: float | None = None,
    chunk_draws: int = 1000,
    executor: Executor | None = None,
    runner: Runner = run_batch,
    inputs: dict[str, Quantity] | None = None,
    by: By = "input",
    progress: Progress | None = None,
) -> SensitivityReport:
    """Rank the scenario's uncertain inputs by their effect on agreement, war and vetoes.

    Parameters
    ----------
    method: ``morris`` (cheap screening; ``samples`` trajectories, default 10, 4 levels) or
        ``sobol`` (variance shares; ``samples`` = SALib's base N, default 64, a power of 2).
    replicates: replays per design point (averaging out the process randomness).
    seed: seeds both the SALib design and the replays.
    history: ``counterfactual`` (default), ``imposed`` or ``from YEAR``.
    chunk_draws: about how many draws per engine batch.
    inputs: the uncertain inputs (default: the engine's ``uncertain_inputs``).
    by: ``input`` ranks every uncertain number; ``group`` ranks groups of them (:func:`input_group`;
        Morris only).
    progress: ``progress(replays done, replays total, what)``.
    """
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    if replicates < 1:
        raise SensitivityError(f"replicates: expected at least 1, found {replicates}")
    hist = History.parse(history)
    fmt = format or default_format(scenario)
    if runner is run_batch:
        check_run(scenario, fmt, mediator)
    found = inputs if inputs is not None else uncertain_inputs(scenario)
    factors = [f for f in (factor_for(n, q) for n, q in found.items()) if f is not None]
    if not factors:
        raise SensitivityError(
            f"{scenario.meta.name}: expected uncertain inputs (numbers with dist: ...), found none to analyse"
        )
    if by not in ("input", "group"):
        raise SensitivityError(f"by: expected input or group, found {by!r}")
    if by == "group" and method != "morris":
        raise SensitivityError("by: groups of inputs are ranked with method=morris only")
    names = [f.name for f in factors]
    dummies = dummy_names()
    all_names = [*names, *dummies]
    problem: dict[str, Any] = {
        "num_vars": len(all_names),
        "names": all_names,
        "bounds": [[f.low, f.high] for f in factors] + [[0.0, 1.0]] * len(dummies),
    }
    if by == "group":
        problem["groups"] = [input_group(n) for n in names] + dummies
    if method == "morris":
        n = samples if samples is not None else 10
        if n < 2:
            raise SensitivityError(f"samples: expected at least 2 Morris trajectories, found {n}")
        X = morris_sample.sample(problem, N=n, num_levels=4, seed=seed)
    elif method == "sobol":
        n = samples if samples is not None else 64
        if n < 2 or n & (n - 1):
            raise SensitivityError(f"samples: expected a power of 2 for Sobol, found {n}")
        X = sobol_sample.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
    else:
        raise SensitivityError(f"method: expected morris or sobol, found {method!r}")
    X = np.asarray(X, dtype=float)
    engine_X = X[:, : len(names)]  # the dummies are never sent to the engine

    # chunk k holds design points s .. s+m-1, each replayed `replicates` times as consecutive draws
    rows_per = max(1, chunk_draws // replicates)
    tasks = []
    for k, s in enumerate(range(0, X.shape[0], rows_per)):
        points = engine_X[s : s + rows_per]
        m = points.shape[0]
        overrides = {name: np.repeat(points[:, j], replicates) for j, name in enumerate(names)}
        chunk = Chunk(k, s * replicates, m * replicates)
        tasks.append(RunTask(scenario, fmt, int(seed), chunk, hist, mediator, until, overrides, runner))
    Y = np.empty((X.shape[0], len(OUTCOMES)))
    for task, out in execute(
        tasks,
        total=X.shape[0] * replicates,
        fn=functools.partial(design_outcomes, replicates=replicates),
        executor=executor,
        progress=progress,
    ):
        start = task.chunk.start // replicates
        Y[start : start + out.shape[0]] = out

    ranking: dict[str, list[Ranked]] = {}
    noise: dict[str, float] = {}
    notes: list[str] = []
    for o, outcome in enumerate(OUTCOMES):
        y = Y[:, o]
        if float(np.ptp(y)) == 0.0:
            notes.append(f"{outcome}: the same in every design point ({y[0]:g}); no input moves it")
            ranking[outcome] = []
            noise[outcome] = math.nan
            continue
        rows: list[Ranked] = []
        if method == "morris":
            si = morris_analyze.analyze(problem, X, y, num_levels=4, conf_level=0.95, seed=seed)
            for j, name in enumerate(si["names"]):
                rows.append(
                    Ranked(
                        name,
                        float(si["mu_star"][j]),
                        float(si["mu_star_conf"][j]),
                        {"mu": float(si["mu"][j]), "sigma": float(si["sigma"][j])},
                    )
                )
        else:
            si = sobol_analyze.analyze(problem, y, calc_second_order=False, conf_level=0.95, seed=seed)
            for j, name in enumerate(all_names):
                rows.append(
                    Ranked(
                        name,
                        float(si["ST"][j]),
                        float(si["ST_conf"][j]),
                        {"S1": float(si["S1"][j]), "S1_conf": float(si["S1_conf"][j])},
                    )
                )
        rows.sort(key=lambda r: -r.index if math.isfinite(r.index) else math.inf)
        ranking[outcome] = rows
        ranked = sum(1 for r in rows if not is_dummy(r.name))
        if method == "morris":
            per_trajectory = X.shape[0] // n
            null = _dummy_effects(X, y, list(range(len(names), len(all_names))), per_trajectory)
            noise[outcome] = family_noise_floor(null, n, ranked, seed)
        else:
            noise[outcome] = max(r.index for r in rows if is_dummy(r.name))

    if method == "morris" and n < 20:
        notes.append(
            f"scenario discovery here rests on {n} Morris trajectories, whose points share most of their "
            "values: read the boxes and rates as a sketch; --method sobol (or --samples 20 or more) gives a "
            "space-filling design"
        )
    boxes: dict[str, Box] = {}
    bins: dict[str, list[BinnedRates]] = {}
    for o, outcome in enumerate(OUTCOMES[:2]):
        y = Y[:, o]
        boxes[outcome] = prim_box(engine_X, y, names)
        bins[outcome] = binned_rates(engine_X, y, names)
    return SensitivityReport(
        scenario=scenario.meta.name,
        format=fmt,
        history=str(hist),
        method=method,
        factors=factors,
        design_points=int(X.shape[0]),
        replicates=replicates,
        seed=int(seed),
        ranking=ranking,
        noise_floor=noise,
        base_rates={o: float(Y[:, j].mean()) for j, o in enumerate(OUTCOMES)},
        boxes=boxes,
        bins=bins,
        notes=notes,
        by=by,
        trajectories=n,
    )
