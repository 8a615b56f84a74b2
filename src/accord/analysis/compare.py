"""Paired comparison of mediation formats on the same drawn inputs (common random numbers).

Every format is run on the same chunk plan with the same seed. The engine draws the uncertain
inputs of batch ``k`` from child 0 of ``SeedSequence(seed, spawn_key=(k,))`` whatever the format,
so draw ``i`` under format A and draw ``i`` under format B share their inputs: the difference
``x_B,i − x_A,i`` isolates the effect of the format, and its variance is far smaller than that
of two independent sweeps (Law, *Simulation Modeling and Analysis*, 5th ed., 2015, §11.2 on
common random numbers). The comparison checks this: for every input the two formats share, the
drawn values must be identical chunk by chunk (compared by digest), and it says so.

For each format against the baseline (the first listed) it reports, with normal-approximation
confidence intervals on the paired differences (mean ± z·sd/√n; each format's own shares get
Wilson score intervals):

- P(agreement by year y) and P(war by year y) for the chosen years;
- expected terms per issue, given agreement, and their paired difference over the draws where
  both formats reach an agreement;
- who vetoes most, how often, and on which issue.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from accord.analysis.batches import BatchRunner, ChunkTask, engine_run_batch, plan_chunks
from accord.analysis.executors import Executor, LocalExecutor
from accord.scenario import Scenario
from accord.simulation.history import HistoryLike


@dataclass
class ChunkSummary:
    """What a comparison keeps of one chunk: per-draw outcomes, veto counts, input digests."""

    years: np.ndarray
    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    agreement_by_year: np.ndarray  # (D, Y) bool
    war_by_year: np.ndarray  # (D, Y) bool
    terms: np.ndarray  # (D, I)
    veto_total: np.ndarray  # (A, I) vetoes summed over draws
    veto_replays: np.ndarray  # (A,) replays in which the actor vetoed at least once
    input_digests: dict[str, str]


def _digest(a: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(a, dtype=np.float64).tobytes()).hexdigest()


def compare_chunk(task: ChunkTask) -> ChunkSummary:
    """Run one chunk of one format and reduce it (vetoes are summed here to keep transfers small)."""
    r = task.run()
    vetoes = np.asarray(r.vetoes)
    return ChunkSummary(
        years=np.asarray(r.years, dtype=float),
        actor_ids=tuple(r.actor_ids),
        issue_ids=tuple(r.issue_ids),
        agreement_by_year=np.asarray(r.agreement_by_year, dtype=bool),
        war_by_year=np.asarray(r.war_by_year, dtype=bool),
        terms=np.asarray(r.terms, dtype=float),
        veto_total=vetoes.sum(axis=0),
        veto_replays=(vetoes.sum(axis=2) > 0).sum(axis=0),
        input_digests={k: _digest(np.asarray(v)) for k, v in r.inputs.items()},
    )


@dataclass(frozen=True)
class Estimate:
    """A mean with a confidence interval and the number of observations behind it."""

    mean: float
    low: float
    high: float
    n: int

    @property
    def excludes_zero(self) -> bool:
        return self.n > 1 and (self.low > 0 or self.high < 0)

    def to_dict(self) -> dict[str, float | int | None]:
        def clean(x: float) -> float | None:
            return None if math.isnan(x) else float(x)

        return {"mean": clean(self.mean), "low": clean(self.low), "high": clean(self.high), "n": self.n}


def mean_ci(x: np.ndarray, confidence: float) -> Estimate:
    """Normal-approximation interval for the mean of ``x`` (NaN bounds below two observations)."""
    x = np.asarray(x, dtype=float)
    n = int(x.size)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    m = float(x.mean())
    if n < 2:
        return Estimate(m, math.nan, math.nan, n)
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    half = z * float(x.std(ddof=1)) / math.sqrt(n)
    return Estimate(m, m - half, m + half, n)


def proportion_ci(x: np.ndarray, confidence: float) -> Estimate:
    """Wilson score interval for a share of 0/1 outcomes (stays within [0, 1], sound near 0 and 1).

    Wilson, "Probable inference, the law of succession, and statistical inference", JASA 22, 1927."""
    x = np.asarray(x, dtype=float)
    n = int(x.size)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    p = float(x.mean())
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return Estimate(p, max(0.0, centre - half), min(1.0, centre + half), n)


@dataclass
class FormatOutcome:
    """One format's results over all draws."""

    format: str
    p_agreement: dict[float, Estimate]
    p_war: dict[float, Estimate]
    terms: dict[str, Estimate]  # given agreement
    vetoes: list[dict[str, Any]]  # actors ranked by vetoes


@dataclass
class PairedDifference:
    """A format minus the baseline, draw by draw on the same inputs."""

    format: str
    baseline: str
    p_agreement: dict[float, Estimate]
    p_war: dict[float, Estimate]
    terms: dict[str, Estimate]  # over draws where both agree
    common_inputs: int
    inputs_identical: bool


@dataclass
class Comparison:
    scenario: str
    runs: int
    seed: int
    chunk_size: int
    confidence: float
    years: list[float]
    formats: list[FormatOutcome]
    differences: list[PairedDifference]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        def est(d: dict[Any, Estimate]) -> dict[str, Any]:
            return {(f"{k:g}" if isinstance(k, float) else str(k)): v.to_dict() for k, v in d.items()}

        return {
            "scenario": self.scenario,
            "runs": self.runs,
            "seed": self.seed,
            "chunk_size": self.chunk_size,
            "confidence": self.confidence,
            "years": self.years,
            "formats": [
                {
                    "format": f.format,
                    "p_agreement_by_year": est(f.p_agreement),
                    "p_war_by_year": est(f.p_war),
                    "terms_given_agreement": est(f.terms),
                    "vetoes": f.vetoes,
                }
                for f in self.formats
            ],
            "differences": [
                {
                    "format": d.format,
                    "baseline": d.baseline,
                    "p_agreement_by_year": est(d.p_agreement),
                    "p_war_by_year": est(d.p_war),
                    "terms_both_agree": est(d.terms),
                    "common_inputs": d.common_inputs,
                    "inputs_identical": d.inputs_identical,
                }
                for d in self.differences
            ],
            "notes": self.notes,
        }


def _year_columns(years: np.ndarray, wanted: list[float] | None) -> tuple[list[float], list[int]]:
    """Columns of the (D, Y) arrays for the reported years: default four evenly spaced, ending last."""
    if wanted is None:
        idx = sorted({round(float(i)) for i in np.linspace(0, len(years) - 1, min(4, len(years)))})
        return [float(years[i]) for i in idx], idx
    cols = []
    for y in wanted:
        i = int(np.searchsorted(years, y, side="right")) - 1
        if i < 0:
            raise ValueError(f"expected years from {years[0]:g} on, found {y:g}")
        cols.append(i)
    return [float(y) for y in wanted], cols


def compare_formats(
    scenario: Scenario,
    formats: list[str],
    *,
    runs: int,
    seed: int = 0,
    chunk_size: int = 1000,
    until: float | None = None,
    years: list[float] | None = None,
    confidence: float = 0.95,
    top_vetoers: int = 5,
    executor: Executor | None = None,
    runner: BatchRunner = engine_run_batch,
    progress: Any = None,
    history: HistoryLike = "counterfactual",
) -> Comparison:
    """Run every format on the same draws and compare each with the first (the baseline).

    Parameters
    ----------
    formats: format ids, baseline first; at least two, no repeats.
    runs, seed, chunk_size, until: as for a sweep; shared by all formats (common random numbers).
    years: years for P(agreement by year) and P(war by year); default four spread over the horizon.
    confidence: level of the intervals (normal approximation on paired differences).
    top_vetoers: how many actors to list per format.
    progress: called as ``progress(rows_done, rows_total)`` over all formats.
    """
    if len(formats) < 2:
        raise ValueError("expected at least two formats to compare, e.g. minsk-group,inclusive")
    if len(set(formats)) != len(formats):
        raise ValueError(f"expected each format once, found {', '.join(formats)}")
    if not 0 < confidence < 1:
        raise ValueError(f"expected a confidence level between 0 and 1, found {confidence}")
    plan = plan_chunks(runs, chunk_size)
    tasks = [ChunkTask(scenario, f, int(seed), until, c, runner, history) for f in formats for c in plan]
    got: dict[tuple[str | None, int], ChunkSummary] = {}
    ex = executor if executor is not None else LocalExecutor(1)
    done, total = 0, runs * len(formats)
    if progress is not None:
        progress(done, total)
    for task, summary in ex.map_unordered(compare_chunk, tasks):
        got[(task.format, task.chunk.index)] = summary
        done += task.chunk.draws
        if progress is not None:
            progress(done, total)

    def stack(f: str, attr: str) -> np.ndarray:
        return np.concatenate([getattr(got[(f, c.index)], attr) for c in plan], axis=0)

    first = got[(formats[0], 0)]
    years_arr, actor_ids, issue_ids = first.years, first.actor_ids, first.issue_ids
    report_years, cols = _year_columns(years_arr, years)
    per: dict[str, dict[str, np.ndarray]] = {}
    outcomes: list[FormatOutcome] = []
    for f in formats:
        agree = stack(f, "agreement_by_year")[:, cols]
        war = stack(f, "war_by_year")[:, cols]
        terms = stack(f, "terms")
        veto_total = sum((got[(f, c.index)].veto_total for c in plan), start=np.zeros((len(actor_ids), len(issue_ids))))
        veto_replays = sum((got[(f, c.index)].veto_replays for c in plan), start=np.zeros(len(actor_ids)))
        per[f] = {"agree": agree, "war": war, "terms": terms}
        ranked = np.argsort(-veto_total.sum(axis=1), kind="stable")[:top_vetoers]
        vetoes = []
        for a in ranked:
            total_a = float(veto_total[a].sum())
            if total_a <= 0:
                continue
            i = int(np.argmax(veto_total[a]))
            vetoes.append(
                {
                    "actor": actor_ids[a],
                    "vetoes_per_replay": total_a / runs,
                    "share_of_replays": float(veto_replays[a]) / runs,
                    "main_issue": issue_ids[i],
                    "main_issue_share": float(veto_total[a, i]) / total_a,
                }
            )
        outcomes.append(
            FormatOutcome(
                f,
                {y: proportion_ci(agree[:, j], confidence) for j, y in enumerate(report_years)},
                {y: proportion_ci(war[:, j], confidence) for j, y in enumerate(report_years)},
                {iss: mean_ci(terms[~np.isnan(terms[:, i]), i], confidence) for i, iss in enumerate(issue_ids)},
                vetoes,
            )
        )

    base = formats[0]
    diffs: list[PairedDifference] = []
    notes: list[str] = []
    for f in formats[1:]:
        a, b = per[base], per[f]
        both = ~np.isnan(a["terms"]) & ~np.isnan(b["terms"])
        common = set(first.input_digests) & set(got[(f, 0)].input_digests)
        identical = all(
            got[(base, c.index)].input_digests[k] == got[(f, c.index)].input_digests[k] for c in plan for k in common
        )
        if not identical:
            notes.append(
                f"{f} and {base} drew different values for inputs they share: the differences are not paired "
                "on identical inputs (the engine's draws depend on the format)"
            )
        diffs.append(
            PairedDifference(
                f,
                base,
                {
                    y: mean_ci(b["agree"][:, j].astype(float) - a["agree"][:, j], confidence)
                    for j, y in enumerate(report_years)
                },
                {
                    y: mean_ci(b["war"][:, j].astype(float) - a["war"][:, j], confidence)
                    for j, y in enumerate(report_years)
                },
                {
                    iss: mean_ci(b["terms"][both[:, i], i] - a["terms"][both[:, i], i], confidence)
                    for i, iss in enumerate(issue_ids)
                },
                len(common),
                identical,
            )
        )
    return Comparison(scenario.meta.name, runs, int(seed), chunk_size, confidence, report_years, outcomes, diffs, notes)
